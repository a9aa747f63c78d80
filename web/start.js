// doui: the engine's start. The server appends this to Go's runtime glue
// (wasm_exec.js), which the loader (doui.js) adds only when there is work
// for the engine, after it has asked for the wasm (window.__doui.c, the
// fetch's promise): so doui.js, which every page downloads, does not carry
// it. It compiles the wasm, fetches the engine's data (the whole config and
// texts, for the wasm in D.e), engine.<hash>.json from the server this file
// came from (the hash of doui.js's D.v, ".<hash>.js"), then instantiates
// the wasm and runs Go, each in a task of its own so that no one of them
// holds the page up for long. Whatever fails, trackers stay blocked: the
// loader holds them until the engine says otherwise; st.failed says why.
(function (st, src) {
  if (!st) return; // the worker's copy of this file (below): no page there
  function fail(e) { st.failed = e; }
  function later(f) { setTimeout(f, 0); }
  // compile turns the wasm's response into its module. On the page's own
  // thread Chromium decodes the streamed bytes (2.4 MB: ~30 ms, 120–270 ms
  // on a phone's CPU) and compiles each function at its first call (Go's
  // runtime start alone calls ~750). With data-worker on doui.js's
  // <script> (and blob: in the page's CSP worker-src), a worker does both:
  // it compiles the stream and sends the module, then runs Go until the
  // engine finds no page there, and says 1 when the engine's error (kept
  // off the console) says it got that far: that compiled the runtime's
  // start for the page's instance too (they share the compiled code). The
  // page waits 2 s at most for that word. If the
  // worker cannot be made or compiles nothing, the wasm is compiled here,
  // from the HTTP cache.
  function compile(res) {
    var w, m, done;
    function here() {
      if (done) return;
      done = 1;
      if (w) w.terminate();
      compiled(m || WebAssembly.compileStreaming(w ? fetch(res.url) : res));
    }
    var compiled, p = new Promise(function (ok) { compiled = ok; });
    if (!st.s || !st.s.hasAttribute('data-worker')) return here(), p;
    try {
      w = new Worker(URL.createObjectURL(new Blob(['importScripts(' + JSON.stringify(src) +
        ');var ran=0;console.error=function(){ran=1};onmessage=function(e){WebAssembly.compileStreaming(new Response(e.data,{headers:{"Content-Type":"application/wasm"}})).then(function(m){postMessage(m);var g=new Go();return WebAssembly.instantiate(m,g.importObject).then(function(i){return g.run(i)})}).then(function(){postMessage(ran)},function(){postMessage(0)})}'],
        { type: 'text/javascript' })));
      w.onmessage = function (e) {
        if (!(e.data instanceof WebAssembly.Module)) return here();
        m = e.data;
        setTimeout(here, 2e3);
      };
      w.onerror = here;
      w.postMessage(res.body, [res.body]);
    } catch (e) { here(); }
    return p;
  }
  Promise.all([st.c.then(compile), fetch(new URL('engine' + st.D.v.replace('js', 'json'), src)).then(function (r) { return r.json(); })]).then(function (v) {
    st.D.e = v[1];
    later(function () {
      var go = new Go();
      WebAssembly.instantiate(v[0], go.importObject).then(function (inst) {
        later(function () { go.run(inst).catch(fail); });
      }, fail);
    });
  }, fail);
})(self.__doui, self.document && document.currentScript.src);
