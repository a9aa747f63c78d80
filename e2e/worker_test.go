package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// countWorkers wraps the page's Worker constructor: __workers counts the
// workers made, __fromWorker says whether one of them sent a compiled
// WebAssembly.Module, __workerRan whether it then said 1 (web/start.js's
// worker does once Go has run in it, up to the engine finding no page).
const countWorkers = `window.__workers = 0;
(() => {
  const W = window.Worker;
  window.Worker = function (u, o) {
    window.__workers++;
    const w = new W(u, o);
    w.addEventListener('message', (e) => {
      if (e.data instanceof WebAssembly.Module) window.__fromWorker = true;
      else if (e.data === 1) window.__workerRan = true;
    });
    return w;
  };
  window.Worker.prototype = W.prototype;
})();`

// workerSite serves the test page with data-worker on doui.js's <script>
// (or without it, when attr is ""), under the given CSP ("" for none; {doui}
// and {tracker} stand for the two origins).
func workerSite(t *testing.T, attr, csp string) *site {
	t.Helper()
	d := startDoui(t, "web/policies/demo.json")
	s := &site{doui: d, tracker: newFakeTracker()}
	trackerURL := serveOn(t, "127.0.0.3", s.tracker)
	csp = strings.NewReplacer("{doui}", d.URL, "{tracker}", trackerURL).Replace(csp)
	page := strings.Replace(sitePage, `/doui.js"></script>`, `/doui.js"`+attr+`></script>`, 1)
	s.URL = serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, page, "ja", d.URL, trackerURL, "", trackerURL)
	}))
	return s
}

// acceptInWorkerTest clicks "accept all" on a first visit and checks what
// every engine start must give: the tracker once, the banner gone, the
// choice stored; it returns the page's worker count, whether the module
// came from a worker and whether Go ran there.
func acceptInWorkerTest(t *testing.T, s *site) (workers int, fromWorker, ran bool) {
	t.Helper()
	ctx := browser(t)
	watchCSP(t, ctx)
	run(t, ctx, addScript(countWorkers))
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`), waitReady())
	eventually(func() bool { return s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker script after accept: got %d want 1", n)
	}
	if bannerVisible(t, ctx) {
		t.Error("banner still visible after accept")
	}
	if c := cookies(t, ctx); !strings.HasPrefix(c["doui"], "1.") {
		t.Errorf("no record stored after accept: cookies %v", c)
	}
	type got struct {
		Workers         int
		FromWorker, Ran bool
		Failed          string
	}
	g := eval[got](t, ctx, `({Workers: window.__workers, FromWorker: !!window.__fromWorker, Ran: !!window.__workerRan, Failed: String(__doui.failed || '')})`)
	if g.Failed != "" {
		t.Errorf("engine failed: %s", g.Failed)
	}
	return g.Workers, g.FromWorker, g.Ran
}

// TestEngineInWorker: with data-worker, and blob: in the page's CSP, a
// worker compiles the wasm and starts Go's runtime in it, and the page runs
// the module it sends back; the flow is the same, under the documented CSP.
func TestEngineInWorker(t *testing.T) {
	s := workerSite(t, " data-worker", siteCSP+"; worker-src blob:")
	workers, fromWorker, ran := acceptInWorkerTest(t, s)
	if workers != 1 || !fromWorker || !ran {
		t.Errorf("data-worker: got %d worker(s), module from a worker: %v, Go ran there: %v; want 1, true, true", workers, fromWorker, ran)
	}
}

// TestEngineWorkerRefused: with data-worker but a CSP that refuses blob:
// workers (the documented CSP as it was), the engine compiles on the page's
// own thread and everything works; the only violation is the worker's.
func TestEngineWorkerRefused(t *testing.T) {
	allowConsoleErrors(t) // Chromium reports the refused worker on the console
	s := workerSite(t, " data-worker", siteCSP)
	ctx := browser(t)
	watchCSP(t, ctx)
	run(t, ctx, addScript(countWorkers))
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`), waitReady())
	eventually(func() bool { return s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker script after accept: got %d want 1", n)
	}
	if g := eval[[]any](t, ctx, `[window.__workers, !!window.__fromWorker]`); fmt.Sprint(g) != "[1 false]" {
		t.Errorf("workers made, module from a worker: got %v want [1 false]", g)
	}
	v := cspViolations(t, ctx)
	if len(v) == 0 {
		t.Error("no CSP violation: the worker was not refused, the test proves nothing")
	}
	for _, v := range v {
		if !strings.Contains(v, "blob") {
			t.Errorf("CSP violation other than the worker's: %q", v)
		}
	}
}

// TestEngineNoWorkerByDefault: without data-worker no worker is made.
func TestEngineNoWorkerByDefault(t *testing.T) {
	s := workerSite(t, "", "")
	workers, fromWorker, _ := acceptInWorkerTest(t, s)
	if workers != 0 || fromWorker {
		t.Errorf("no data-worker: got %d worker(s), module from a worker: %v; want 0, false", workers, fromWorker)
	}
}
