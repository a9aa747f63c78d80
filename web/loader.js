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
  st.hosts = hosts;
  // blocked is the category that url waits for, '' when it may load.
  function blocked(url) {
    var h;
    try { h = new URL(url, location.href).hostname; } catch (e) { return ''; }
    for (;;) {
      var cat = hosts[h];
      if (cat) return st.granted && st.granted.indexOf(cat) >= 0 ? '' : cat;
      var dot = h.indexOf('.');
      if (dot < 0) return '';
      h = h.slice(dot + 1);
    }
  }
  function park(el, url, cat) {
    el.setAttribute('data-consent', cat);
    el.setAttribute('data-src', url);
    if (el.tagName == 'SCRIPT') {
      var ty = el.getAttribute('type');
      if (ty) el.setAttribute('data-type', ty);
      el.setAttribute('type', 'text/plain');
    }
  }
  function hold(el) {
    var tag = el.tagName;
    if ((tag != 'SCRIPT' && tag != 'IFRAME') || el.hasAttribute('data-consent')) return 0;
    var url = el.getAttribute('src'), cat = url && blocked(url);
    if (!cat) return 0;
    park(el, url, cat);
    el.removeAttribute('src');
    st.held.push(el);
    return 1;
  }
  // holdTree holds n and what it contains (a fragment, a wrapper element).
  function holdTree(n) {
    if (!n || (n.nodeType != 1 && n.nodeType != 11)) return 0;
    var l = n.querySelectorAll('script[src],iframe[src]'), held = n.nodeType == 1 ? hold(n) : 0;
    for (var q = 0; q < l.length; q++) held += hold(l[q]);
    return held;
  }
  // A script or frame starts loading the moment it is inserted, before
  // any MutationObserver runs, so every way of inserting nodes is
  // intercepted and the nodes held before the real method runs.
  function wrap(proto, names, args) {
    names.forEach(function (f) {
      var orig = proto && proto[f];
      if (typeof orig != 'function') return;
      proto[f] = function () {
        for (var a = args[0]; a < Math.min(arguments.length, args[1]); a++) holdTree(arguments[a]);
        return orig.apply(this, arguments);
      };
    });
  }
  var ALL = [0, 1e9], P = Node.prototype, E = Element.prototype;
  wrap(P, ['appendChild', 'insertBefore', 'replaceChild'], [0, 1]);
  [E, Document.prototype, DocumentFragment.prototype, w.CharacterData && CharacterData.prototype, w.DocumentType && DocumentType.prototype].forEach(function (proto) {
    wrap(proto, ['append', 'prepend', 'after', 'before', 'replaceWith', 'replaceChildren', 'moveBefore'], ALL);
  });
  wrap(E, ['insertAdjacentElement'], [1, 2]);
  wrap(w.Range && Range.prototype, ['insertNode', 'surroundContents'], [0, 1]);
  // Markup: frames in it load as soon as it is parsed into the page, so it
  // is parsed first in an inert <template>, held there and written back.
  // Scripts in markup set this way never run; document.write runs them.
  var tpl = Object.getOwnPropertyDescriptor(E, 'innerHTML');
  function clean(html, scripts) {
    html = String(html);
    if (!(scripts ? /<(iframe|script)/i : /<iframe/i).test(html)) return html;
    var t = d.createElement('template');
    tpl.set.call(t, html);
    var l = t.content.querySelectorAll(scripts ? 'script[src],iframe[src]' : 'iframe[src]'), held = 0;
    for (var q = 0; q < l.length; q++) held += hold(l[q]);
    return held ? tpl.get.call(t) : html;
  }
  // inShadow lets the wasm find what clean held inside a shadow root,
  // where document.querySelectorAll does not reach.
  function inShadow(node, before, html) {
    var r = before !== html && node.getRootNode && node.getRootNode();
    if (!r || r == d || !r.querySelectorAll) return;
    var l = r.querySelectorAll('[data-consent]');
    for (var q = 0; q < l.length; q++) st.held.push(l[q]);
  }
  function setter(proto, prop) {
    var pd = proto && Object.getOwnPropertyDescriptor(proto, prop);
    if (!pd || !pd.set) return;
    Object.defineProperty(proto, prop, {
      configurable: true, enumerable: pd.enumerable, get: pd.get,
      set: function (v) {
        var html = clean(v), r = this.getRootNode && this.getRootNode();
        pd.set.call(this, html);
        inShadow(r, v, html);
      }
    });
  }
  setter(E, 'innerHTML');
  setter(E, 'outerHTML');
  setter(w.ShadowRoot && ShadowRoot.prototype, 'innerHTML');
  ['insertAdjacentHTML', 'setHTMLUnsafe'].forEach(function (f) {
    var orig = E[f];
    if (typeof orig != 'function') return;
    E[f] = function () {
      var a = [].slice.call(arguments), at = f == 'insertAdjacentHTML' ? 1 : 0;
      var v = a[at];
      a[at] = clean(v);
      var out = orig.apply(this, a);
      inShadow(this, v, a[at]);
      return out;
    };
  });
  ['write', 'writeln'].forEach(function (f) {
    var orig = Document.prototype[f];
    Document.prototype[f] = function () {
      var a = [].slice.call(arguments);
      for (var q = 0; q < a.length; q++) a[q] = clean(a[q], 1);
      return orig.apply(this, a);
    };
  });
  // A src given to a script or frame already in the page loads it too.
  function guard(el, url) {
    if (!el.isConnected || el.hasAttribute('data-consent') || (el.tagName == 'SCRIPT' && el.hasAttribute('src'))) return 0;
    var cat = blocked(url);
    if (!cat) return 0;
    park(el, url, cat);
    st.held.push(el);
    return 1;
  }
  [w.HTMLScriptElement, w.HTMLIFrameElement].forEach(function (C) {
    var pd = C && Object.getOwnPropertyDescriptor(C.prototype, 'src');
    if (!pd || !pd.set) return;
    Object.defineProperty(C.prototype, 'src', {
      configurable: true, enumerable: pd.enumerable, get: pd.get,
      set: function (v) { if (!guard(this, String(v))) pd.set.call(this, v); }
    });
  });
  var setAttr = E.setAttribute;
  E.setAttribute = function (n, v) {
    if (String(n).toLowerCase() == 'src' && (this.tagName == 'SCRIPT' || this.tagName == 'IFRAME') && guard(this, String(v))) return;
    return setAttr.apply(this, arguments);
  };
  // Parser-inserted elements (in the HTML) are caught before they load:
  // the parser runs microtasks before it prepares a script. Unmarked ones
  // may still be fetched by the preload scanner: mark them.
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
