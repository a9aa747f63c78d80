// A stand-in for Google's gtag.js that behaves like it in what doui scan
// looks at (from e2e/trackers_test.go): Consent Mode, ga-disable-ID,
// _ga/_ga_ID/_gid on the highest domain it may, and /g/collect.
(function () {
  var q = new URL(document.currentScript.src).searchParams, l = q.get('l') || 'dataLayer';
  var dl = window[l] = window[l] || [];
  var f = window.__fake = window.__fake || {};
  f.gtag = (f.gtag || 0) + 1;
  var consent = {}, ids = [];
  function cookie(name, value, days) {
    var p = location.hostname.split('.');
    for (var i = p.length - 1; i >= 0; i--) {
      var dom = p.slice(i).join('.');
      document.cookie = name + '=' + value + '; path=/; max-age=' + days * 86400 + '; domain=' + dom;
      if (document.cookie.indexOf(name + '=' + value) >= 0) return;
    }
    document.cookie = name + '=' + value + '; path=/; max-age=' + days * 86400;
  }
  function hit(id, en) {
    if (window['ga-disable-' + id] === true) { (f.disabledHits = f.disabledHits || []).push(id); return; }
    var granted = consent.analytics_storage === 'granted';
    if (granted) {
      cookie('_ga', 'GA1.1.1234567890.1700000000', 400);
      cookie('_ga_' + id.slice(2), 'GS1.1.1700000000.1.0.1700000000.0.0.0', 400);
      cookie('_gid', 'GA1.1.987654321.1700000000', 1);
    }
    new Image().src = 'https://www.google-analytics.com/g/collect?v=2&tid=' + id + '&en=' + en + '&gcs=' + (granted ? 'G101' : 'G100');
  }
  function cmd(a) {
    if (!a || typeof a.length != 'number' || typeof a == 'string') return;
    if (a[0] == 'consent' && a[2]) for (var k in a[2]) consent[k] = a[2][k];
    if (a[0] == 'config') { ids.push(a[1]); hit(a[1], 'page_view'); }
    if (a[0] == 'event') for (var i = 0; i < ids.length; i++) hit(ids[i], a[1]);
  }
  for (var i = 0; i < dl.length; i++) cmd(dl[i]);
  var push = dl.push;
  dl.push = function () { for (var i = 0; i < arguments.length; i++) cmd(arguments[i]); return push.apply(dl, arguments); };
  if (q.get('cx') == 'c') { ids.push(q.get('id')); hit(q.get('id'), 'page_view'); }
})();
