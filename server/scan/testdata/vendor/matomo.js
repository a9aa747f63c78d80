// A stand-in for Matomo Cloud's matomo.js: reads _paq, sets _pk_id and
// _pk_ses, hits the tracker URL.
(function () {
  var p = window._paq = window._paq || [], f = window.__fake = window.__fake || {}, url = '', site = '', views = 0;
  f.matomo = (f.matomo || 0) + 1;
  function cmd(a) {
    if (a[0] == 'setTrackerUrl') url = a[1];
    if (a[0] == 'setSiteId') site = a[1];
    if (a[0] == 'trackPageView') views++;
  }
  function send() {
    for (; views > 0 && url && site; views--) {
      document.cookie = '_pk_id.' + site + '.d0e1=a1b2c3d4e5f60718.1700000000.; path=/; max-age=' + 393 * 86400;
      document.cookie = '_pk_ses.' + site + '.d0e1=1; path=/; max-age=1800';
      new Image().src = url + '?idsite=' + site + '&rec=1&action_name=' + encodeURIComponent(document.title);
    }
  }
  for (var i = 0; i < p.length; i++) cmd(p[i]);
  send();
  window._paq = { push: function () { for (var i = 0; i < arguments.length; i++) cmd(arguments[i]); send(); } };
})();
