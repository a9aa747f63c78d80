// doui: the engine's start. The server appends this to Go's runtime glue
// (wasm_exec.js), which the loader (doui.js) adds only when there is work
// for the engine, after it has started the wasm's fetch (window.__doui.c,
// a promise of its response): so doui.js, which every page downloads, does
// not carry it. It compiles the wasm as it streams in and fetches the
// engine's data (the whole config and texts, for the wasm in D.e),
// engine.<hash>.json from the server this file came from (the hash of
// doui.js's D.v, ".<hash>.js"), then instantiates the wasm and runs Go,
// each in a task of its own so that no one of them holds the page up for
// long. Whatever fails, trackers stay blocked: the loader
// holds them until the engine says otherwise; st.failed says why.
//
// It also hands the wasm (in st.r, which the wasm takes and clears) run,
// the DOM steps of activation: the wasm decides which categories are
// granted and calls run with them; run finds the elements held for them
// and runs them in document order, as the parser would have. They are
// here and not in Go because a click's tracker request waits for them:
// in Go each property read and call is a crossing between wasm and
// JavaScript (~36 before the request), in JavaScript none is.
(function (st, src) {
  function fail(e) { st.failed = e; }
  function later(f) { setTimeout(f, 0); }
  var queue = [], waiting = false, tt = null, pub = null, armed = null;
  // run activates the elements held for the categories cats: those in the
  // page's markup (data-consent), those the loader caught being added by
  // other scripts (st.held: in shadow roots, say; those no longer in the
  // page stay held). t is the wasm's Trusted Types policy doui-engine, or
  // null; p publishes the decision (an inline script runs at once and may
  // read it). Without p (the armed path, below) an inline script waits in
  // the queue for the run that brings it.
  function run(cats, t, p) {
    tt = t;
    pub = p;
    function take(el) {
      if (cats.indexOf(el.getAttribute('data-consent')) >= 0 && !el.hasAttribute('data-doui-done')) {
        el.setAttribute('data-doui-done', '1');
        queue.push(el);
      }
    }
    document.querySelectorAll('[data-consent]:not([data-doui-done])').forEach(take);
    st.held.forEach(function (el) { if (el.isConnected) take(el); });
    next();
  }
  // The armed path. After each decision the wasm arms run with what
  // "accept all" would activate (banner.Apply's answer for that decision,
  // computed at once), or null. A push of ["accept-all"] then runs those
  // elements before the command enters Go, where it is decided again and
  // recorded (its own run finds them done): the click's tracker does not
  // wait for the ~0.8 ms of entering Go and deciding. Used once; the wasm
  // arms again after it has decided.
  run.arm = function (cats) { armed = cats; };
  run.push = function (goPush) {
    return function (c) {
      var a = armed;
      if (a && c && c[0] == 'accept-all') {
        armed = null;
        try { run(a, null, null); } catch (e) {} // the wasm's own run reports it
      }
      return goPush.apply(this, arguments);
    };
  };
  // next activates queued elements until an external script must load
  // first; its load (or error) goes on with the queue.
  function next() {
    while (!waiting && queue.length) {
      var el = queue.shift(), tag = el.tagName;
      if (tag == 'SCRIPT' || tag == 'script') { // an SVG script's tagName is lower case
        if (!script(el, tag == 'script' ? 'href' : 'src')) return queue.unshift(el);
      } else if (tag == 'IFRAME' || tag == 'IMG' || tag == 'EMBED') {
        if (el.getAttribute('data-doui-ph')) { // its placeholder goes
          var ph = el.previousElementSibling;
          if (ph && ph.getAttribute('data-doui') == 'placeholder') ph.remove();
          el.removeAttribute('data-doui-ph');
          el.hidden = false;
        }
        move(el, 'srcset');
        move(el, 'src');
      } else if (tag == 'LINK') {
        move(el, 'href');
      } else if (tag == 'VIDEO' || tag == 'AUDIO') {
        move(el, 'poster');
        move(el, 'src');
        el.querySelectorAll('source[data-src]').forEach(function (s) { move(s, 'src'); });
        el.load();
      } else if (tag == 'SOURCE') {
        move(el, 'src');
      }
    }
  }
  function move(el, to) {
    var v = el.getAttribute('data-' + to);
    if (v) {
      el.setAttribute(to, v);
      el.removeAttribute('data-' + to);
    }
  }
  function go() {
    waiting = false;
    next();
  }
  // script runs held script el where it is, or returns false if it must
  // wait for pub (an inline one). The browser never started it (its type,
  // text/plain, kept it from running), so it prepares it again, as one
  // just inserted, when it gets a URL it did not have (src, or an SVG
  // script's href) or new text: checked in Chromium and Firefox. The
  // page's own element runs, with its attributes, listeners, nonce and
  // async, and nothing is created or moved before the tracker's request.
  // One the page has taken out before its turn stays out: nothing loads
  // it, and the queue goes on (waiting for its load would hold every later
  // one for ever).
  function script(el, at) {
    if (!el.isConnected) return true;
    var url = el.getAttribute('data-src') || el.getAttribute(at), t = el.getAttribute('data-type');
    if (!url && !pub) return false;
    if (t) el.setAttribute('type', t); // e.g. data-type="module"
    else el.removeAttribute('type');
    el.removeAttribute('data-type');
    if (!url) {
      pub();
      el.textContent = el.textContent;
      return true;
    }
    el.removeAttribute(at);
    el.addEventListener('load', go);
    el.addEventListener('error', go);
    waiting = true;
    try {
      el.setAttribute(at, tt ? tt.createScriptURL(url) : url);
    } catch (e) {
      waiting = false; // a Trusted Types refusal: it loads nothing
      throw e;
    }
    el.removeAttribute('data-src');
    return true;
  }
  st.r = run;
  // The module's bytes go to the compiler 512 KB at a time, each slice in
  // a task of its own: from the HTTP cache (a repeat visit) the 2.4 MB
  // come at once, and the browser decodes what it is given on the page's
  // thread (in one go, a 200 ms task at 4× CPU). Repeat visits at 4× CPU,
  // 6 alternate each: longest task 198 → 144 ms, blocking time 384 →
  // 199 ms, the engine as soon ready (256 KB slices made it ~50 ms later).
  // Only a full slice waits for a task of its own: bytes that trickle in
  // from the network each come in a task anyway (a hop before every read
  // made a first visit's engine ~80 ms later on loopback).
  function sliced(r) {
    if (!r.ok || !r.body) return r; // compileStreaming says what is wrong
    var rd = r.body.getReader(), buf, at = 0, n = 0;
    function give(c) {
      var s = buf.subarray(at, at += (1 << 19) - n);
      n += s.length;
      c.enqueue(s);
    }
    return new Response(new ReadableStream({
      pull: function (c) {
        var turn = n < 1 << 19 ? Promise.resolve() : new Promise(later).then(function () { n = 0; });
        return turn.then(function () {
          return buf && at < buf.length ? give(c) : rd.read().then(function (x) {
            if (x.done) return c.close();
            buf = x.value;
            at = 0;
            give(c);
          });
        });
      }
    }), { headers: { 'Content-Type': 'application/wasm' } });
  }
  Promise.all([st.c.then(function (r) { return WebAssembly.compileStreaming(sliced(r)); }), fetch(new URL('engine' + st.D.v.replace('js', 'json'), src)).then(function (r) { return r.json(); })]).then(function (v) {
    st.D.e = v[1];
    later(function () {
      var go = new Go();
      WebAssembly.instantiate(v[0], go.importObject).then(function (inst) {
        later(function () { go.run(inst).catch(fail); });
      }, fail);
    });
  }, fail);
})(window.__doui, document.currentScript.src);
