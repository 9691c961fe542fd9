// blason serve: live reload over Server-Sent Events, and the overlay that
// shows a failed build. Injected by `blason serve` only, never built into a site.
(function () {
  'use strict';
  var overlay = null;
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(report) {
    hide();
    overlay = document.createElement('div');
    overlay.className = 'blason-overlay';
    overlay.setAttribute('role', 'alert');
    if (report.lang) overlay.setAttribute('lang', report.lang);
    var box = document.createElement('div');
    box.className = 'blason-overlay-box';
    var title = document.createElement('p');
    title.className = 'blason-overlay-title';
    // In the site's language, from serve.
    title.textContent = report.title || 'The build failed.';
    box.appendChild(title);
    (report.diagnostics || []).forEach(function (d) {
      var pre = document.createElement('pre');
      var where = d.file ? d.file + (d.line ? ':' + d.line + (d.column ? ':' + d.column : '') : '') + ': ' : '';
      pre.textContent = where + d.message + (d.help ? '\n  help: ' + d.help : '');
      box.appendChild(pre);
    });
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }
  function swapStylesheets(version) {
    // The site's stylesheet is named after its content: a saved style.css
    // gives it a new name. Read the rebuilt page for its stylesheets' names,
    // then swap each of this page's for the one in the same place.
    fetch(location.href, { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      return Array.prototype.map.call(doc.querySelectorAll('link[rel="stylesheet"]'), function (l) { return l.getAttribute('href'); })
        .filter(function (h) { return h.indexOf('/_blason/') < 0; });
    }, function () { return []; }).then(function (hrefs) {
      var i = 0;
      document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
        if (link.href.indexOf('/_blason/') >= 0) return;
        var now = hrefs[i++];
        var url = new URL(now || link.href, location.href);
        url.searchParams.set('v', version);
        var fresh = link.cloneNode();
        fresh.href = url.toString();
        fresh.addEventListener('load', function () { link.remove(); });
        link.after(fresh);
      });
    });
  }
  var events = new EventSource('/_blason/events');
  // `blason serve --follow` names the page whose markdown was saved: go there.
  events.addEventListener('reload', function (m) {
    var path = JSON.parse(m.data || '{}').path;
    if (path && path !== location.pathname) location.assign(path);
    else location.reload();
  });
  events.addEventListener('css', function (m) { hide(); swapStylesheets(m.data); });
  events.addEventListener('failed', function (m) { show(JSON.parse(m.data)); });
  window.blasonLive = { events: events };
})();
