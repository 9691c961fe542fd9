// Audience measurement with the office's own Matomo (docs/analytics.md).
// The page loads this file only when blason.toml has [analytics]. Its
// settings come from the script element's data attributes, so the strict
// Content-Security-Policy needs no inline script. In exempt mode (the
// default) the tracker is set as the CNIL's audience-measurement exemption
// asks: cookies of 13 months at most, no browser feature detection, no
// campaign parameters, Do Not Track respected, no user id, no cross-site
// tracking. The `analytics_opt_out()` block lets visitors opt out.
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !me.dataset.matomo || !me.dataset.site) return;
  var base = me.dataset.matomo;
  var exempt = me.dataset.exempt !== 'false';
  var paq = (window._paq = window._paq || []);
  paq.push(['setTrackerUrl', base + 'matomo.php']);
  paq.push(['setSiteId', me.dataset.site]);
  paq.push(['setDoNotTrack', true]);
  paq.push(['setSecureCookie', true]);
  // 390 days: under the 13 months the exemption allows.
  paq.push(['setVisitorCookieTimeout', 33696000]);
  paq.push(['setSessionCookieTimeout', 1800]);
  paq.push(['setReferralCookieTimeout', 15552000]);
  if (exempt) {
    paq.push(['disableBrowserFeatureDetection']);
    paq.push(['disableCampaignParameters']);
  }
  paq.push(['trackPageView']);
  paq.push(['enableLinkTracking']);

  var box = document.querySelector('[data-analytics-opt-out]');
  if (box) {
    paq.push([function () {
      var tracker = this;
      var input = box.querySelector('input');
      var state = box.querySelector('[role="status"]');
      if (!input || !state) return;
      var show = function () {
        var out = tracker.isUserOptedOut();
        input.checked = !out;
        state.textContent = out ? box.dataset.out : box.dataset.in;
      };
      input.disabled = false;
      show();
      input.addEventListener('change', function () {
        if (input.checked) {
          tracker.forgetUserOptOut();
        } else {
          tracker.optUserOut();
        }
        show();
      });
    }]);
  }

  var s = document.createElement('script');
  s.async = true;
  s.src = base + 'matomo.js';
  document.head.appendChild(s);
})();
