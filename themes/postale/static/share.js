// Sharing without third parties: the Web Share API button of share bars,
// the copy buttons of share kits, and the Mastodon page that sends a post to
// the visitor's own instance. Nothing is stored and nothing is requested.
(function () {
  'use strict';
  document.querySelectorAll('.share-native').forEach(function (b) {
    if (!navigator.share) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      navigator.share({ title: b.dataset.title, text: b.dataset.text, url: b.dataset.url })
        .catch(function () {});
    });
  });
  // Copy buttons: the button says it is done for a moment, and a live
  // region tells screen readers which text was copied.
  document.querySelectorAll('[data-copy]').forEach(function (b) {
    var source = document.getElementById(b.dataset.copy);
    if (!source || !navigator.clipboard) return;
    var status = document.getElementById(b.dataset.status || '');
    var label = b.textContent;
    var timer;
    b.hidden = false;
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(source.value).then(function () {
        b.textContent = b.dataset.done;
        if (status) {
          // Emptied first, so that copying the same text twice is announced twice.
          status.textContent = '';
          setTimeout(function () { status.textContent = b.dataset.announce || b.dataset.done; }, 50);
        }
        clearTimeout(timer);
        timer = setTimeout(function () { b.textContent = label; }, 2500);
      });
    });
  });
  var form = document.getElementById('mastodon-share');
  if (!form) return;
  var text = document.getElementById('mastodon-text');
  text.value = new URLSearchParams(location.search).get('text') || '';
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var field = form.elements.instance;
    var host = field.value.trim().replace(/^https?:\/\//i, '').replace(/[/?#].*$/, '').replace(/^@?[^@]*@/, '');
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(host)) {
      field.setCustomValidity(form.dataset.invalid);
      field.reportValidity();
      field.addEventListener('input', function () { field.setCustomValidity(''); }, { once: true });
      return;
    }
    location.href = 'https://' + host + '/share?text=' + encodeURIComponent(text.value);
  });
})();
