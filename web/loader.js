// doui loader: the one script a site drops into <head>. The server fills in
// DOUI (config, banner markup per language, CSS, asset URLs, texts) and
// minifies the result. It holds no consent rule beyond one comparison (does
// a stored record, or a recorded action, carry the current fingerprint?):
// every decision is the engine's (package banner, run by the wasm).
// Whatever fails here, trackers stay blocked: they are type="text/plain" in
// the page, and the host blocker below only ever holds elements back.
//
// Everything the visitor sees and does works before the engine: the banner
// is ready markup, and its controls answer at once. A choice is recorded raw
// (what was clicked, when, which boxes were ticked), never interpreted, and
// kept in sessionStorage so that it survives a navigation; the engine turns
// it into a decision on this page or the next, whichever starts first. The
// engine (~470 KB) is fetched only when there is work for it.
//
// window.__doui, the hand-over between this loader (L) and the wasm (W):
//   D       L writes: what the server filled in (c config, m markup and t
//           texts of the language d it carries, l every language, v the
//           end of the names of each language's file, placeholder
//           script, the engine's data and Go's glue, w the wasm's URL); a
//           language file (web/lang.js) adds m and t of its language; the
//           engine's start (web/start.js) adds e, the engine's data, which
//           W reads.
//   morph   a language file writes: the language switch (the new
//           language's markup, the switch clicked); L calls it once it has
//           set lang.
//   f       L writes: the placeholder script it added (web/embed.js).
//   c       L writes: the wasm's fetch (a promise of its response), when
//           the engine is wanted; the engine's start (web/start.js, after
//           Go's glue) compiles it as it streams in and instantiates it.
//   frames  that script writes: builds placeholders; L calls it again for
//           frames added later.
//   rec     L writes: the stored record, raw (__Host-doui cookie, else
//           localStorage).
//   p       L writes: the recorded action, raw: fp.ms.action.ids (see
//           banner.DecodePending); W reads it once at start and removes it.
//   lang    L writes the language picked; L or W rewrites it on a switch.
//   root    L writes: doui's markup root, once <body> exists.
//   held    L appends: elements it held back (W finds shadow-root ones here).
//   e       W sets when it starts: from then on clicks go to W's queue.
//   granted W writes: granted categories; L's host blocker and
//           placeholders read it.
//   b       L sets when the engine is wanted (it may still wait for load).
//   failed  L writes: why the engine could not start.
//   read    L writes: a function returning the stored record, raw; W calls
//           it when the record may have changed (other tab, back button).
//   s, pre  L writes: its own <script> element and the page's scripts when
//           it ran; W checks its placement.
(function (w, d, D) {
  if (w.__doui) return; // loaded twice: the first copy owns the page
  var me = d.currentScript;
  var src = (me && me.src) || location.href;
  var cfg = D.c;
  // Trusted Types: on a page that requires them, doui's own markup and
  // script URLs go through the policy doui (the site's CSP names it:
  // trusted-types doui doui-engine), private to this closure. Elsewhere
  // it is plain String.
  var tt = { createHTML: String, createScriptURL: String };
  try { tt = trustedTypes.createPolicy('doui', tt); } catch (e) {}
  var st = (w.__doui = { D: D, held: [], s: me, pre: [].slice.call(d.scripts) });

  // The GA opt-out flags, then Consent Mode v2 defaults (all denied), before
  // any Google tag can run.
  var dl = (w.dataLayer = w.dataLayer || []);
  if (typeof w.gtag != 'function') {
    w.gtag = function () { dl.push(arguments); };
  }
  for (var i = 0; i < D.ga.length; i++) w['ga-disable-' + D.ga[i]] = true;
  w.gtag('consent', 'default', D.cm);

  // The stored record: a cookie, with a localStorage mirror for when the
  // cookie was cleared; and an action recorded on an earlier page of this
  // tab that no engine has carried out yet. Only their fingerprint fields
  // are read here. Storage throws where it is blocked: then there is none.
  // On https the cookie is __Host-doui, which no other subdomain or path
  // can set; a plain doui cookie (http, or planted) is never read. The
  // engine reads through st.read too, when the record changes under a
  // running page. Read when first wanted (each read is a synchronous
  // round trip to the browser): not while the page's first frame waits.
  function read() {
    try {
      var m = d.cookie.match(/(?:^|;\s*)__Host-doui=([^;]*)/);
      return m ? m[1] : localStorage.getItem('doui') || '';
    } catch (e) { return ''; }
  }
  st.read = read;
  var rec, mine, known, ss;
  function stored() {
    if (rec != null) return;
    rec = st.rec = read();
    try {
      ss = sessionStorage;
      st.p = ss.getItem('doui-p') || '';
    } catch (e) {}
    mine = rec.split('.')[1] === cfg.fp; // a record of this policy
    known = mine || (st.p || '').split('.')[0] === cfg.fp;
  }

  // Language: the snippet's data-lang, the page's <html lang>, the browser's,
  // then the policy's default. doui.js carries the default one; another
  // comes from its own small file (lang.LANG.<hash>.js), fetched when
  // wanted.
  function pick(l) {
    l = (l || '').toLowerCase().split('-')[0];
    return D.l[l] != null ? l : '';
  }
  var lang = pick(me && me.getAttribute('data-lang')) || pick(d.documentElement.lang);
  for (i = 0; !lang && i < (navigator.languages || []).length; i++) lang = pick(navigator.languages[i]);
  st.lang = lang = lang || D.d;
  // A file on its way is not asked for again: who wants it meanwhile
  // waits for the same load (a failed one may be tried again later).
  var asked = {};
  function want(l, then) {
    if (D.m[l]) return then(l);
    (asked[l] = asked[l] || (load('lang.' + l + D.v, done, done), [])).push(then);
    function done() {
      var q = asked[l];
      asked[l] = 0;
      q.forEach(function (f) { f(D.m[l] ? l : D.d); });
    }
  }
  // load adds the script of doui's file u (its server's), which calls ok
  // once run, or ko if it cannot be fetched.
  function load(u, ok, ko) {
    var s = d.createElement('script');
    s.src = tt.createScriptURL(new URL(u, src));
    s.crossOrigin = 'anonymous';
    s.onload = ok;
    s.onerror = ko;
    return d.head.appendChild(s);
  }

  // window.doui is a command queue until the wasm replaces it with the API;
  // commands a page pushed before this script are kept. A command is work
  // for the engine.
  var q = w.doui;
  if (!q || typeof q.push != 'function') q = w.doui = [];
  var push = q.push;
  q.push = function () {
    boot();
    return push.apply(q, arguments);
  };

  // Clicks on doui's controls (and the page's own "Cookie settings"). Once
  // the engine has started they are its commands; before, they are
  // answered here in the same frame, and a choice is recorded as the raw
  // action for the engine to carry out.
  function hook(h) {
    return st.root.querySelector('[data-doui="' + h + '"]');
  }
  function act(a, t) {
    var dlg = hook('preferences'), ids = [], l;
    if (a == 'preferences') {
      // showModal focuses the first choice (it carries autofocus), not
      // the close button: no second focus() call and its layout pass.
      if (dlg && !dlg.open) dlg.showModal();
    } else if (a == 'close') {
      if (dlg) dlg.close();
    } else if (a == 'lang') {
      l = t.getAttribute('data-doui-lang');
      // A language doui.js does not carry comes with the switch's code
      // (st.morph, web/lang.js); switching back needs no other.
      if (D.m[l] && l != lang) st.morph(tt.createHTML(D.m[(st.lang = lang = l)]), t);
    } else {
      if (a == 'allow') ids.push(t.getAttribute('data-doui-category'));
      else if (dlg) dlg.querySelectorAll('input:checked').forEach(function (c) {
        ids.push(c.getAttribute('data-doui-category'));
      });
      st.p = [cfg.fp, Date.now(), a, a == 'save' || a == 'allow' ? ids.join('~') : ''].join('.');
      try { ss.setItem('doui-p', st.p); } catch (e) {}
      if (dlg && dlg.open) dlg.close();
      hook('banner').hidden = true;
      hook('status').textContent = D.t[lang].saved;
    }
    // What the visitor sees first; then the engine, and for the dialog
    // the other languages, ready for the language switch.
    afterFrame(function () {
      if (dlg && dlg.open) for (l in D.l) want(l, Object);
      boot();
    });
  }
  d.addEventListener('click', function (e) {
    var t = e.target.closest && e.target.closest('[data-doui-action]'), a;
    if (!t || t.disabled || !st.root) return;
    a = t.getAttribute('data-doui-action');
    // Only the visitor's own click on doui's own controls counts: a link
    // in user content, or a script's el.click(), may open the preferences,
    // never make a choice.
    if (a != 'preferences' && !(e.isTrusted && (st.root.contains(t) || t.doui))) return;
    e.preventDefault();
    want(a == 'lang' ? t.getAttribute('data-doui-lang') : lang, function () {
      // A language switch is the loader's, engine or not: the engine then
      // only shows its state in the new words.
      if (!st.e || a == 'lang') act(a, t);
      if (st.e) w.doui.push([a, t]);
    });
  });

  // Hold back scripts and frames that other scripts add later from a host
  // the policy lists (or a subdomain of one), until the wasm knows the
  // category is granted. A held element keeps its place with data-consent,
  // data-src and, for a script, type="text/plain": the wasm activates it
  // like one the page marked itself.
  // cfg.h maps each host to its category, and has no prototype.
  var hosts = cfg.h;
  // blocked is the category url waits for; falsy when it may load.
  function blocked(url) {
    var h, cat;
    try { h = new URL(url, location.href).hostname.replace(/\.$/, ''); } catch (e) { return; }
    while (h) {
      if ((cat = hosts[h])) return (st.granted || []).includes(cat) ? 0 : cat;
      h = h.slice(h.indexOf('.') + 1 || 1e9); // www.a.jp, a.jp, jp
    }
  }
  // hold parks el, a script or frame about to load url (its src, or an SVG
  // script's href, when null), if url waits for a category. Frames go on
  // the list l, if given: a frame's document is guarded once it is in.
  function hold(el, url, l) {
    var tag = String(el.tagName).toUpperCase(), cat;
    if (l && tag == 'IFRAME') l.push(el);
    if (tag != 'SCRIPT' && tag != 'IFRAME' || el.hasAttribute('data-consent')) return 0;
    if (url == null) url = el.getAttribute('src') || el.getAttribute('href');
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
  function holdTree(n, l) {
    if (!n || !n.querySelectorAll) return 0;
    var q = n.querySelectorAll('script,iframe'), held = n.tagName ? hold(n, null, l) : 0;
    for (var i = 0; i < q.length; i++) held += hold(q[i], null, l);
    return held;
  }
  // Markup: frames in it load as soon as it is in the page, so it is
  // parsed first in an inert <template>, held there and written back.
  // Scripts in markup set this way never run; in document.write and
  // srcdoc they do.
  var html = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML');
  function clean(v, scripts) {
    if (!/<(iframe|script)/i.test(v)) return v;
    var t = d.createElement('template'), held = 0;
    html.set.call(t, v);
    var l = t.content.querySelectorAll(scripts ? 'script,iframe' : 'iframe');
    for (var q = 0; q < l.length; q++) held += hold(l[q]);
    return held ? tt.createHTML(html.get.call(t)) : v;
  }
  // A src given to a script or frame already in the page loads it too. A
  // held element takes no src at all until the wasm has activated it
  // (lazy-loaders copy data-src to src).
  function guard(el, v) {
    return el.hasAttribute('data-consent') ? !el.hasAttribute('data-doui-done') :
      el.isConnected && !(el.tagName == 'SCRIPT' && el.hasAttribute('src')) && hold(el, String(v));
  }
  // attr sets attribute n of el to v with set(v), unless it is a src that
  // must wait; a srcdoc is cleaned like markup.
  function attr(el, n, v, set) {
    n = String(n).toLowerCase();
    if (n == 'srcdoc') v = clean(v, 1);
    if (n != 'src' || !guard(el, v)) return set(v);
  }
  // guardWindow puts the hold into every way a window's DOM can take a
  // script or frame: this window's, and that of each same-origin frame
  // (about:blank, srcdoc) as it comes, whose prototypes are its own.
  function guardWindow(w) {
    if (w.__douiGuard) return;
    w.__douiGuard = 1;
    var E = w.Element.prototype, DP = w.Document.prototype;
    // method replaces each proto[name] with fn(this, arguments, the
    // original, name).
    function method(proto, names, fn) {
      names.forEach(function (name) {
        var orig = proto && proto[name];
        if (orig) proto[name] = function () { return fn(this, arguments, orig, name); };
      });
    }
    // A script or frame starts loading the moment it is inserted, before
    // any MutationObserver runs, so every way of inserting nodes holds
    // them first: arguments from..to of each method are the inserted nodes.
    function wrap(proto, names, from, to) {
      method(proto, names, function (el, a, orig) {
        var l = [], r;
        for (var i = from; i < a.length && i < to; i++) holdTree(a[i], l);
        r = orig.apply(el, a);
        l.forEach(frame);
        return r;
      });
    }
    function setter(proto, names, fn) {
      names.forEach(function (name) {
        var pd = proto && Object.getOwnPropertyDescriptor(proto, name);
        if (pd) Object.defineProperty(proto, name, {
          configurable: true, enumerable: pd.enumerable, get: pd.get,
          set: function (v) { fn(this, v, pd.set, name); }
        });
      });
    }
    // What clean held in a shadow root or a frame is out of
    // document.querySelectorAll's reach: the wasm finds it in st.held.
    function markup(el, v, set) {
      var h = clean(v), r = el.getRootNode();
      set.call(el, h);
      if (h !== v && r != d) st.held.push.apply(st.held, r.querySelectorAll('[data-consent]'));
    }
    wrap(w.Node.prototype, ['appendChild', 'insertBefore', 'replaceChild'], 0, 1);
    [E, DP, w.DocumentFragment.prototype, w.CharacterData.prototype].forEach(function (proto) {
      wrap(proto, ['append', 'prepend', 'after', 'before', 'replaceWith', 'replaceChildren'], 0, 1e9);
    });
    wrap(E, ['insertAdjacentElement'], 1, 2);
    wrap(w.Range.prototype, ['insertNode', 'surroundContents'], 0, 1);
    [E, w.ShadowRoot && w.ShadowRoot.prototype].forEach(function (proto) {
      setter(proto, ['innerHTML', 'outerHTML'], markup);
      method(proto, ['setHTMLUnsafe', 'insertAdjacentHTML'], function (el, a, orig, n) {
        var i = n < 's' ? 1 : 0; // insertAdjacentHTML(where, markup)
        markup(el, a[i], function (h) { a[i] = h; orig.apply(this, a); });
      });
    });
    // document.write('<scr', 'ipt>') is one piece of markup.
    method(DP, ['write', 'writeln'], function (doc, a, orig) {
      var j = [].join.call(a, ''), h = clean(j, 1);
      return h === j ? orig.apply(doc, a) : orig.call(doc, h);
    });
    [w.HTMLScriptElement, w.HTMLIFrameElement, w.HTMLImageElement].forEach(function (C) {
      setter(C.prototype, ['src', 'srcdoc'], function (el, v, set, n) {
        attr(el, n, v, function (v) { set.call(el, v); });
      });
    });
    method(E, ['setAttribute', 'setAttributeNS'], function (el, a, orig, n) {
      var i = n.length > 12 ? 1 : 0; // setAttributeNS(namespace, name, value)
      return attr(el, a[i], a[i + 1], function (v) { a[i + 1] = v; return orig.apply(el, a); });
    });
  }
  // frame guards a frame's window if it is same-origin, now and after each
  // load (a srcdoc document replaces the first, blank one; the same
  // listener added twice is added once), and hands what its markup held to
  // the wasm, which activates it there once granted.
  function frame(f) {
    loaded.call(f);
    f.addEventListener('load', loaded);
  }
  function loaded() {
    try {
      guardWindow(this.contentWindow);
      st.held.push.apply(st.held, this.contentDocument.querySelectorAll('[data-consent]'));
    } catch (e) {}
  }
  guardWindow(w);
  // Parser-inserted elements (in the HTML) are caught before they load:
  // the parser runs microtasks before it prepares a script. Unmarked ones
  // may still be fetched early by the preload scanner: mark them.
  new MutationObserver(function (rs) {
    var l = [];
    for (var r = 0; r < rs.length; r++)
      for (var n = 0; n < rs[r].addedNodes.length; n++) holdTree(rs[r].addedNodes[n], l);
    l.forEach(frame);
    // Placeholders read their frame's box, which forces a layout: not
    // while the parser runs, nor before the banner is in.
    if (st.root && d.readyState != 'loading') frames();
  }).observe(d.documentElement, { childList: true, subtree: true });

  // A held frame shows, in its own box, what it is, who provides it and a
  // button that allows it. The code that builds it (web/embed.js) comes
  // only to pages that have one: most pages never pay for it. Until it
  // has come the held frame is its own empty box, so nothing moves.
  function frames() {
    if (st.frames) st.frames();
    else if (!st.f && d.querySelector('iframe[data-consent]:not([data-doui-ph],[data-doui-done])')) st.f = load('embed.' + lang + D.v);
  }

  // The banner, from ready markup, long before the wasm: once the page is
  // parsed and painted (see parsed), so that nothing of doui's (the
  // record's read, CSS, markup, placeholders) stands in the way of the
  // page's own largest paint. A hidden page paints no frame: there it
  // comes after a second.
  function insert(l) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(D.css);
      d.adoptedStyleSheets = d.adoptedStyleSheets.concat(sheet);
    } catch (e) {
      var s = d.createElement('style');
      s.textContent = D.css;
      d.head.appendChild(s);
    }
    var root = d.createElement('div');
    root.className = 'doui';
    root.setAttribute('data-doui', 'root');
    st.lang = lang = l;
    root.innerHTML = tt.createHTML(D.m[l]);
    var b = root.querySelector('[data-doui="banner"]');
    if (known) b.hidden = true;
    d.body.insertBefore(root, d.body.firstChild);
    st.root = root;
    // Focus never hides behind the banner (WCAG 2.2 SC 2.4.11): while it
    // is up, what gets focus is scrolled clear of it, and the page can
    // scroll its last element above it. The room is html's padding, not
    // body's: a body with padding but no content yet (a frame painted
    // while the page arrives) moves when its first child's margin
    // collapses through it, a layout shift. Set on html's own style, not
    // through an inherited custom property, which restyles every element.
    new ResizeObserver(function () {
      var s = d.documentElement.style, h = b.offsetHeight;
      s.scrollPaddingBottom = s.paddingBottom = h ? h + 'px' : '';
    }).observe(b);
    frames();
    if (mine || cfg.gpc && navigator.globalPrivacyControl) boot(2);
    else if (known || wanted >= 0) boot(wanted);
  }
  // The record's read (synchronous round trips to the browser) and the
  // banner's insertion are two tasks: neither holds the page up long.
  function show() {
    stored();
    later(function () { want(lang, insert); });
  }
  // afterFrame runs f in a task after the next frame, or a second later
  // where no frame comes (a hidden tab, a window the browser does not
  // paint), whichever is first.
  function afterFrame(f) {
    function go() { if (f) later(f), f = 0; }
    requestAnimationFrame(go);
    setTimeout(go, 1e3);
  }
  // parsed: the page is parsed. After its first frame the banner waits
  // while an image in view is still loading (looked at every 50 ms, for
  // 3 s at most), then for the frame that paints it: the page's largest
  // paint is most often such an image, a hero still on its way when the
  // text is painted. Without the wait the banner's insertion and first
  // layout (~100 ms at 4× CPU) often came between the hero's arrival and
  // its paint (`make bench`, slow phone: LCP ÷ no banner 1.13 → 1.05).
  // An image with no box (display: none, at y 0: a lazy one there never
  // loads) paints nothing: it is not waited for.
  function parsed() {
    var n = 0;
    afterFrame(function wait() {
      if (n++ < 60 && [].some.call(d.images, function (i) { return !i.complete && i.offsetWidth && i.y < innerHeight; })) setTimeout(wait, 50);
      else afterFrame(show);
    });
  }
  if (d.readyState != 'loading') parsed();
  else d.addEventListener('DOMContentLoaded', parsed);

  // The engine, only when there is work for it: a stored record to carry
  // out, a GPC signal to honour, a recorded action, a visitor's click, a
  // command from the page. The wasm's fetch starts here, while Go's
  // runtime glue loads, which ends with the engine's start (web/start.js:
  // the compile as the wasm streams in, its data, then instantiate and run,
  // each a task of its own); all are immutable, so a repeat visit takes
  // them from the cache. Unless a stored record or GPC waits for
  // it, the engine is fetched after the page's load event, at low
  // priority: it never competes with the page's own content.
  function fail(e) { st.failed = e; }
  function later(f) { setTimeout(f, 0); }
  // The engine starts after the banner is in (it takes the page as the
  // visitor sees it); wanted is a start asked for before that.
  var wanted = -1;
  function boot(now) {
    if (st.b) return;
    if (!st.root) return (wanted = Math.max(wanted, now || 0));
    st.b = 1;
    if (!now && d.readyState != 'complete') {
      w.addEventListener('load', function () { later(function () { st.b = 0; boot(1); }); });
      return;
    }
    (st.c = fetch(new URL(D.w, src), { priority: now == 2 ? 'high' : 'low' })).catch(fail);
    load('wasm_exec' + D.v, 0, fail);
  }
  if (q.length) boot();
})(window, document, /*DOUI*/{});
