// A stand-in for a Tag Manager container whose one tag is a Google tag,
// loaded the way GTM loads it.
(function () {
  var q = new URL(document.currentScript.src).searchParams, l = q.get('l') || 'dataLayer';
  var dl = window[l] = window[l] || [];
  var f = window.__fake = window.__fake || {};
  f.gtm = (f.gtm || 0) + 1;
  f.gtmEvents = f.gtmEvents || [];
  function ev(e) { if (e && typeof e == 'object' && e.event) f.gtmEvents.push(e.event); }
  for (var i = 0; i < dl.length; i++) ev(dl[i]);
  var push = dl.push;
  dl.push = function () { for (var i = 0; i < arguments.length; i++) ev(arguments[i]); return push.apply(dl, arguments); };
  // The container's one tag, a Google tag for GA4, loaded as GTM loads it.
  var s = document.createElement('script'), first = document.getElementsByTagName('script')[0];
  s.async = true;
  s.src = 'https://www.googletagmanager.com/gtag/js?id=G-DOUIGTM01&l=' + l + '&cx=c';
  first.parentNode.insertBefore(s, first);
})();
