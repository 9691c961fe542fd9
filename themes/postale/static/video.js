// Two-click videos: the page shows a local poster that links to the video;
// the provider's player (and its cookies) is loaded only when the visitor
// clicks, as the button says. Without JavaScript the poster stays a link.
(function () {
  'use strict';
  document.querySelectorAll('[data-video]').forEach(function (figure) {
    var poster = figure.querySelector('.video-poster');
    if (!poster) return;
    poster.addEventListener('click', function (e) {
      e.preventDefault();
      var frame = document.createElement('iframe');
      frame.src = figure.dataset.embed;
      frame.title = figure.dataset.title;
      frame.allow = 'autoplay; fullscreen; picture-in-picture';
      frame.allowFullscreen = true;
      frame.className = 'video-frame';
      frame.width = poster.querySelector('img').getAttribute('width');
      frame.height = poster.querySelector('img').getAttribute('height');
      poster.replaceWith(frame);
      frame.focus();
    });
  });
})();
