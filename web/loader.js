// doui loader: the one script a site drops into <head>. The server fills in
// DOUI (config, banner markup per language, CSS, asset URLs) and minifies the
// result. It holds no consent logic beyond one comparison (does a stored
// record carry the current fingerprint?); every decision is the wasm's.
// Whatever fails here, trackers stay blocked: they are type="text/plain" in
// the page, and the host blocker below only ever holds elements back.
(function (w, d, D) {
  'use strict';
  if (w.__doui) return; // loaded twice: the first copy owns the page
  var me = d.currentScript;
  var src = (me && me.src) || location.href;
  var cfg = D.c;
  var st = (w.__doui = { D: D, held: [], t0: performance.now() });

  // Google Consent Mode v2 defaults, before any Google tag can run.
  var dl = (w.dataLayer = w.dataLayer || []);
  if (typeof w.gtag != 'function') {
    w.gtag = function () { dl.push(arguments); };
  }
  w.gtag('consent', 'default', D.cm);
  for (var i = 0; i < D.ga.length; i++) w['ga-disable-' + D.ga[i]] = true;

  // The stored record: a cookie, with a localStorage mirror for when the
  // cookie was cleared. Only its fingerprint field is read here.
  var rec = '';
  var m = d.cookie.match(/(?:^|;\s*)doui=([^;]*)/);
  if (m) rec = m[1];
  else try { rec = localStorage.getItem('doui') || ''; } catch (e) {}
  st.rec = rec;
  var known = rec.split('.')[1] === cfg.fp;

  // Language: the snippet's data-lang, the page's <html lang>, the browser's,
  // then the policy's default.
  function pick(l) {
    l = (l || '').toLowerCase().split('-')[0];
    return D.m[l] ? l : '';
  }
  var lang = pick(me && me.getAttribute('data-lang')) || pick(d.documentElement.lang);
  for (i = 0; !lang && i < (navigator.languages || []).length; i++) lang = pick(navigator.languages[i]);
  st.lang = lang = lang || D.d;

  // window.doui is a command queue until the wasm replaces it with the API;
  // commands a page pushed before this script are kept.
  var q = w.doui;
  if (!q || typeof q.push != 'function') q = w.doui = [];
  d.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-doui-action]');
    if (!t || t.disabled) return;
    e.preventDefault();
    w.doui.push([t.getAttribute('data-doui-action'), t]);
  });

  // Hold back scripts and frames that other scripts add later from a host
  // the policy lists, until the wasm knows the category is granted.
  var hosts = {};
  for (i = 0; i < cfg.cats.length; i++) {
    var c = cfg.cats[i];
    for (var j = 0; !c.req && j < (c.svc || []).length; j++) {
      var hs = c.svc[j].hosts || [];
      for (var k = 0; k < hs.length; k++) hosts[hs[k]] = c.id;
    }
  }
  st.hosts = hosts;
  function hold(el) {
    if (el.nodeType != 1 || el.hasAttribute('data-consent')) return;
    var tag = el.tagName, url = el.getAttribute('src');
    if (!url || (tag != 'SCRIPT' && tag != 'IFRAME')) return;
    var cat;
    try { cat = hosts[new URL(url, location.href).hostname]; } catch (e) { return; }
    if (!cat || (st.granted && st.granted.indexOf(cat) >= 0)) return;
    el.setAttribute('data-consent', cat);
    el.setAttribute('data-src', url);
    el.removeAttribute('src');
    if (tag == 'SCRIPT') el.type = 'text/plain';
    st.held.push(el);
  }
  // Scripts added by other scripts start loading as soon as they are
  // inserted, before any MutationObserver runs, so insertion is intercepted.
  var P = Node.prototype;
  ['appendChild', 'insertBefore', 'replaceChild'].forEach(function (f) {
    var orig = P[f];
    P[f] = function (n) {
      if (n && n.nodeType == 1) hold(n);
      return orig.apply(this, arguments);
    };
  });
  // Parser-inserted elements (in the HTML) are caught before they load.
  new MutationObserver(function (rs) {
    for (var r = 0; r < rs.length; r++)
      for (var n = 0; n < rs[r].addedNodes.length; n++) hold(rs[r].addedNodes[n]);
  }).observe(d.documentElement, { childList: true, subtree: true });

  // The banner, from ready markup: shown at once, long before the wasm.
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(D.css);
    d.adoptedStyleSheets = d.adoptedStyleSheets.concat(sheet);
  } catch (e) {
    var s = d.createElement('style');
    s.textContent = D.css;
    d.head.appendChild(s);
  }
  function insert() {
    var root = d.createElement('div');
    root.className = 'doui';
    root.setAttribute('data-doui', 'root');
    root.innerHTML = D.m[lang];
    if (known) root.querySelector('[data-doui="banner"]').hidden = true;
    d.body.insertBefore(root, d.body.firstChild);
    st.root = root;
  }
  if (d.body) insert();
  else {
    var mo = new MutationObserver(function () {
      if (d.body) { mo.disconnect(); insert(); }
    });
    mo.observe(d.documentElement, { childList: true });
  }

  // The wasm streams in and compiles (off the main thread) while Go's
  // runtime glue loads; both are immutable, so a repeat visit takes them,
  // and the compiled code, from the cache. Compile, instantiate and run
  // are separate tasks, so no one of them holds the page up for long.
  function fail(e) { st.failed = e; }
  function later(f) { setTimeout(f, 0); }
  var wasm = WebAssembly.compileStreaming(fetch(new URL(D.w, src), { mode: 'cors', credentials: 'omit' }));
  var x = d.createElement('script');
  x.src = new URL(D.x, src);
  x.crossOrigin = 'anonymous';
  Promise.all([wasm, new Promise(function (ok, ko) { x.onload = ok; x.onerror = ko; })]).then(function (v) {
    later(function () {
      var go = new Go();
      WebAssembly.instantiate(v[0], go.importObject).then(function (inst) {
        later(function () { go.run(inst).catch(fail); });
      }, fail);
    });
  }, fail);
  d.head.appendChild(x);
})(window, document, /*DOUI*/{});
