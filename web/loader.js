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

  // The GA opt-out flags, then Consent Mode v2 defaults (all denied), before
  // any Google tag can run.
  var dl = (w.dataLayer = w.dataLayer || []);
  if (typeof w.gtag != 'function') {
    w.gtag = function () { dl.push(arguments); };
  }
  for (var i = 0; i < D.ga.length; i++) w['ga-disable-' + D.ga[i]] = true;
  w.gtag('consent', 'default', D.cm);

  // The stored record: a cookie, with a localStorage mirror for when the
  // cookie was cleared. Only its fingerprint field is read here.
  // Both throw where storage is blocked: then there is no record.
  var rec = '';
  try {
    var m = d.cookie.match(/(?:^|;\s*)doui=([^;]*)/);
    rec = m ? m[1] : localStorage.getItem('doui') || '';
  } catch (e) {}
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
  // the policy lists (or a subdomain of one), until the wasm knows the
  // category is granted. A held element keeps its place with data-consent,
  // data-src and, for a script, type="text/plain": the wasm activates it
  // like one the page marked itself.
  var hosts = Object.create(null);
  for (i = 0; i < cfg.cats.length; i++) {
    var c = cfg.cats[i];
    for (var j = 0; !c.req && j < (c.svc || []).length; j++) {
      var hs = c.svc[j].hosts || [];
      for (var k = 0; k < hs.length; k++) hosts[hs[k]] = c.id;
    }
  }
  // blocked is the category url waits for; falsy when it may load.
  function blocked(url) {
    var h, cat;
    try { h = new URL(url, location.href).hostname; } catch (e) { return; }
    while (h) {
      if ((cat = hosts[h])) return st.granted && st.granted.indexOf(cat) >= 0 ? 0 : cat;
      h = h.slice(h.indexOf('.') + 1 || 1e9); // www.a.jp, a.jp, jp
    }
  }
  // hold parks el, a script or frame about to load url (its src when
  // null), if url waits for a category.
  function hold(el, url) {
    var tag = el.tagName, cat;
    if (tag != 'SCRIPT' && tag != 'IFRAME' || el.hasAttribute('data-consent')) return 0;
    if (url == null) url = el.getAttribute('src');
    if (!url || !(cat = blocked(url))) return 0;
    el.setAttribute('data-consent', cat);
    el.setAttribute('data-src', url);
    el.removeAttribute('src');
    if (tag == 'SCRIPT') {
      if (el.type) el.setAttribute('data-type', el.type);
      el.type = 'text/plain';
    }
    st.held.push(el);
    return 1;
  }
  // holdTree holds n and what it contains (a fragment, a wrapper).
  function holdTree(n) {
    if (!n || !n.querySelectorAll) return 0;
    var l = n.querySelectorAll('script,iframe'), held = n.tagName ? hold(n) : 0;
    for (var q = 0; q < l.length; q++) held += hold(l[q]);
    return held;
  }
  // A script or frame starts loading the moment it is inserted, before
  // any MutationObserver runs, so every way of inserting nodes holds them
  // first: arguments from..to of each method are the inserted nodes.
  function wrap(proto, names, from, to) {
    names.forEach(function (f) {
      var orig = proto && proto[f];
      if (orig) proto[f] = function () {
        for (var a = from; a < arguments.length && a < to; a++) holdTree(arguments[a]);
        return orig.apply(this, arguments);
      };
    });
  }
  var E = Element.prototype, DP = Document.prototype;
  wrap(Node.prototype, ['appendChild', 'insertBefore', 'replaceChild'], 0, 1);
  [E, DP, DocumentFragment.prototype, CharacterData.prototype].forEach(function (proto) {
    wrap(proto, ['append', 'prepend', 'after', 'before', 'replaceWith', 'replaceChildren'], 0, 1e9);
  });
  wrap(E, ['insertAdjacentElement'], 1, 2);
  wrap(Range.prototype, ['insertNode'], 0, 1);
  // Markup: frames in it load as soon as it is in the page, so it is
  // parsed first in an inert <template>, held there and written back.
  // Scripts in markup set this way never run; in document.write they do.
  var html = Object.getOwnPropertyDescriptor(E, 'innerHTML');
  function clean(v, scripts) {
    if (!/<(iframe|script)/i.test(v)) return v;
    var t = d.createElement('template'), held = 0;
    html.set.call(t, v);
    var l = t.content.querySelectorAll(scripts ? 'script,iframe' : 'iframe');
    for (var q = 0; q < l.length; q++) held += hold(l[q]);
    return held ? html.get.call(t) : v;
  }
  function setter(proto, name, fn) {
    var pd = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (pd) Object.defineProperty(proto, name, {
      configurable: true, enumerable: pd.enumerable, get: pd.get,
      set: function (v) { fn(this, v, pd.set); }
    });
  }
  // What clean held in a shadow root is out of document.querySelectorAll's
  // reach: the wasm finds it in st.held.
  function markup(el, v, set) {
    var h = clean(v), r = el.getRootNode();
    set.call(el, h);
    if (h !== v && r != d) st.held.push.apply(st.held, r.querySelectorAll('[data-consent]'));
  }
  setter(E, 'innerHTML', markup);
  setter(E, 'outerHTML', markup);
  setter(w.ShadowRoot && ShadowRoot.prototype, 'innerHTML', markup);
  var adj = E.insertAdjacentHTML;
  E.insertAdjacentHTML = function (pos, v) {
    markup(this, v, function (h) { adj.call(this, pos, h); });
  };
  var write = DP.write;
  DP.write = function () {
    var a = [].slice.call(arguments);
    for (var q = 0; q < a.length; q++) a[q] = clean(a[q], 1);
    return write.apply(this, a);
  };
  // A src given to a script or frame already in the page loads it too.
  function guard(el, v) {
    return el.isConnected && !(el.tagName == 'SCRIPT' && el.hasAttribute('src')) && hold(el, String(v));
  }
  [w.HTMLScriptElement, w.HTMLIFrameElement].forEach(function (C) {
    setter(C.prototype, 'src', function (el, v, set) {
      if (!guard(el, v)) set.call(el, v);
    });
  });
  var setAttr = E.setAttribute;
  E.setAttribute = function (n, v) {
    if (String(n).toLowerCase() != 'src' || !guard(this, v)) return setAttr.apply(this, arguments);
  };
  // Parser-inserted elements (in the HTML) are caught before they load:
  // the parser runs microtasks before it prepares a script. Unmarked ones
  // may still be fetched early by the preload scanner: mark them.
  new MutationObserver(function (rs) {
    for (var r = 0; r < rs.length; r++)
      for (var n = 0; n < rs[r].addedNodes.length; n++) holdTree(rs[r].addedNodes[n]);
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
