// doui: the engine's start. The server appends this to Go's runtime glue
// (wasm_exec.js), which the loader (doui.js) adds only when there is work
// for the engine, after it has set the wasm streaming in and compiling
// (window.__doui.c): so doui.js, which every page downloads, does not carry
// it. It fetches the engine's data (the whole config and texts, for the
// wasm in D.e), engine.<hash>.json from the server this file came from
// (the hash of doui.js's D.v, ".<hash>.js"), then instantiates the
// wasm and runs Go, each in a task of its own so that no one of them holds
// the page up for long. Whatever fails, trackers stay blocked: the loader
// holds them until the engine says otherwise; st.failed says why.
(function (st, src) {
  function fail(e) { st.failed = e; }
  function later(f) { setTimeout(f, 0); }
  Promise.all([st.c, fetch(new URL('engine' + st.D.v.replace('js', 'json'), src)).then(function (r) { return r.json(); })]).then(function (v) {
    st.D.e = v[1];
    later(function () {
      var go = new Go();
      WebAssembly.instantiate(v[0], go.importObject).then(function (inst) {
        later(function () { go.run(inst).catch(fail); });
      }, fail);
    });
  }, fail);
})(window.__doui, document.currentScript.src);
