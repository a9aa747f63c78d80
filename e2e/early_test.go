package e2e

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Before the engine arrives: the loader answers every control at once,
// records a choice raw, and the engine carries it out on this page or the
// next. These tests hold the wasm back (paused until released, or never
// served) and check what the visitor sees, what runs, and what is stored.

// holdWasm pauses every request for the wasm until the returned release is
// called (or the test ends without it: then it is never served).
func holdWasm(t *testing.T, ctx context.Context) (release func()) {
	t.Helper()
	return holdURLs(t, ctx, "*.wasm")
}

// holdURLs holds back every request for a URL matching pattern until
// release is called.
func holdURLs(t *testing.T, ctx context.Context, pattern string) (release func()) {
	t.Helper()
	ch := make(chan struct{})
	// Subscribed before Fetch is on, so no pause is missed; the iterator
	// keeps the pauses that come before the release.
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
		for e, err := range paused {
			if err != nil {
				return
			}
			chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
		}
	}()
	run(t, ctx, send(fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}}))
	return sync.OnceFunc(func() { close(ch) })
}

// blockWasm makes every request for the wasm fail: the engine never comes.
func blockWasm(t *testing.T, ctx context.Context) {
	t.Helper()
	allowConsoleErrors(t) // the failed fetch is reported, which is right here
	run(t, ctx, blockURLs("*://*:*/*.wasm"))
}

// blockURLs makes every request matching one of the patterns fail (none:
// nothing is blocked any more).
func blockURLs(patterns ...string) chromedp.Action[chromedp.Void] {
	var bp []*network.BlockPattern
	for _, p := range patterns {
		bp = append(bp, &network.BlockPattern{URLPattern: p, Block: true})
	}
	return send(network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: bp})
}

// clickTime records, on the page, when the last click began and when its
// handlers were done (Date.now, like the record's time): before every
// handler (window, capture) and after the loader's (window, bubbling).
const clickTime = `addEventListener('click', () => { window.__clickAt = Date.now(); }, { capture: true });
addEventListener('click', () => { window.__clickEnd = Date.now(); })`

// readClickTime is when the last click began and ended, in ms.
const readClickTime = `[window.__clickAt, window.__clickEnd]`

// state is what a visitor sees and what doui has recorded, read in one
// evaluation right after an action, in the same task as nothing else.
type earlyState struct {
	Banner, Dialog, Ready bool
	Status, Pending       string
	Checked               []string
}

const readEarlyState = `(() => {
  const b = document.querySelector('[data-doui="banner"]');
  const d = document.querySelector('[data-doui="preferences"]');
  return {
    Banner: !!b && !b.hidden && b.checkVisibility(),
    Dialog: !!d && d.open,
    Ready: !!(window.doui && window.doui.ready === true),
    Status: (document.querySelector('[data-doui="status"]') || {}).textContent || '',
    Pending: window.__doui.p || '',
    Checked: [...document.querySelectorAll('[data-doui="preferences"] input:checked')].map(i => i.getAttribute('data-doui-category')),
  };
})()`

func earlyNow(t *testing.T, ctx context.Context) earlyState {
	t.Helper()
	return eval[earlyState](t, ctx, readEarlyState)
}

// recordOf splits the doui cookie: version, fingerprint, seconds, granted,
// method, id.
func recordOf(t *testing.T, ctx context.Context) []string {
	t.Helper()
	v := cookies(t, ctx)["doui"]
	f := strings.Split(v, ".")
	if len(f) != 6 {
		t.Fatalf("doui cookie: got %q, want a 6-field record", v)
	}
	return f
}

// checkRecordTime fails unless the record is dated the second of the click
// (click is when it began and when its handlers were done, in ms: the
// loader reads the clock in between, and a second can end in that time).
func checkRecordTime(t *testing.T, rec []string, click [2]float64) {
	t.Helper()
	sec, err := strconv.ParseInt(rec[2], 10, 64)
	if err != nil {
		t.Fatalf("record time %q: %v", rec[2], err)
	}
	from, to := int64(math.Floor(click[0]/1000)), int64(math.Floor(click[1]/1000))
	if sec < from || sec > to {
		t.Errorf("record time: got %d want %d (the click's second; its handlers ended in %d)", sec, from, to)
	}
}

// firstLayer clicks the banner's button for action before the engine and
// checks that it answered at once: banner hidden, status said, the action
// recorded, the engine not there.
func firstLayer(action string) func(*testing.T, context.Context) {
	return func(t *testing.T, ctx context.Context) {
		run(t, ctx, click(`[data-doui="banner"] [data-doui-action="`+action+`"]`))
		st := earlyNow(t, ctx)
		if st.Banner || st.Ready || st.Status == "" || !strings.Contains(st.Pending, "."+action+".") {
			t.Errorf("right after %s, before the engine: got %+v, want banner hidden, status said, %s recorded, engine not ready", action, st, action)
		}
	}
}

func TestEarlyControlsAnswerAtOnce(t *testing.T) {
	cases := []struct {
		name string
		// do acts before the engine; want is what it leaves recorded.
		do          func(t *testing.T, ctx context.Context)
		wantMethod  string
		wantGranted string
		wantTracker int
	}{
		{name: "accept", do: firstLayer("accept-all"), wantMethod: "a", wantGranted: "analytics~functional~media", wantTracker: 1},
		{name: "reject", do: firstLayer("reject-all"), wantMethod: "r", wantGranted: "", wantTracker: 0},
		{
			name: "preferences-save",
			do: func(t *testing.T, ctx context.Context) {
				run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`))
				if st := earlyNow(t, ctx); !st.Dialog || st.Ready {
					t.Fatalf("right after preferences, before the engine: got %+v, want the dialog open", st)
				}
				if focused := eval[string](t, ctx, `document.activeElement.getAttribute('data-doui-category') || document.activeElement.outerHTML`); focused != "analytics" {
					t.Errorf("focus in the opened dialog: got %s want the first choice (analytics)", focused)
				}
				run(t, ctx, click(`input[data-doui-category="analytics"]`))
				if st := earlyNow(t, ctx); strings.Join(st.Checked, ",") != "necessary,analytics" {
					t.Errorf("ticked before the engine: got %v want [necessary analytics]", st.Checked)
				}
				run(t, ctx, click(`[data-doui="preferences"] [data-doui-action="save"]`))
				st := earlyNow(t, ctx)
				if st.Dialog || st.Banner || st.Ready || !strings.Contains(st.Pending, ".save.necessary~analytics") {
					t.Errorf("right after save, before the engine: got %+v, want dialog and banner closed, the ticks recorded", st)
				}
			},
			wantMethod: "c", wantGranted: "analytics", wantTracker: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, "")
			ctx := browser(t)
			release := holdWasm(t, ctx)
			run(t, ctx,
				chromedp.Navigate(s.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS(`[data-doui="banner"]`)),
				pollPage[chromedp.Void](`document.readyState === 'complete'`),
				chromedp.Evaluate[chromedp.Void](clickTime),
			)
			tc.do(t, ctx)
			// The engine is still held: nothing optional has run. (Not
			// quiet: the engine cannot settle while it is held.)
			run(t, ctx, networkIdle())
			if n := s.tracker.count(""); n != 0 {
				t.Fatalf("tracker requests before the engine: got %d want 0", n)
			}
			clickAt := eval[[2]float64](t, ctx, readClickTime)
			release()
			run(t, ctx, waitReady())
			eventually(func() bool { return stored(t, ctx, tc.wantMethod) && s.tracker.count("/gtag/js") >= tc.wantTracker })
			run(t, ctx, quiet())
			if bannerVisible(t, ctx) {
				t.Error("the banner came back when the engine started")
			}
			rec := recordOf(t, ctx)
			if rec[4] != tc.wantMethod || rec[3] != tc.wantGranted {
				t.Errorf("stored record: got method %q granted %q, want %q %q", rec[4], rec[3], tc.wantMethod, tc.wantGranted)
			}
			checkRecordTime(t, rec, clickAt)
			if n := s.tracker.count("/gtag/js"); n != tc.wantTracker {
				t.Errorf("tracker script once the engine ran: got %d want %d", n, tc.wantTracker)
			}
			if pending := eval[string](t, ctx, `sessionStorage.getItem('doui-p') || ''`); pending != "" {
				t.Errorf("recorded action left behind after the engine carried it out: %q", pending)
			}
		})
	}
}

// A visitor who clicks and follows a link before the engine arrives keeps
// the choice: the next page does not ask again and its engine records it,
// dated when the visitor clicked.
func TestEarlyChoiceSurvivesNavigation(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	blockWasm(t, ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="banner"]`)),
		chromedp.Evaluate[chromedp.Void](clickTime),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`),
		quiet(), // the engine failed (settled) and the page went idle
	)
	clickAt := eval[[2]float64](t, ctx, readClickTime)
	if _, ok := cookies(t, ctx)["doui"]; ok {
		t.Fatal("a record was stored without the engine")
	}
	// The next page, with the engine served again.
	run(t, ctx, blockURLs())
	run(t, ctx, chromedp.Navigate(s.URL+"/?next"), chromedp.WaitReady(chromedp.CSS(`[data-doui="banner"]`)))
	if shown := eval[bool](t, ctx, `!document.querySelector('[data-doui="banner"]').hidden`); shown {
		t.Error("the next page showed the banner again before its engine started")
	}
	run(t, ctx, waitReady())
	eventually(func() bool { return stored(t, ctx, "") && s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet())
	rec := recordOf(t, ctx)
	if rec[4] != "a" {
		t.Errorf("record method: got %q want a (accept-all)", rec[4])
	}
	checkRecordTime(t, rec, clickAt)
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker on the next page: got %d want 1", n)
	}
	if bannerVisible(t, ctx) {
		t.Error("banner visible on the next page")
	}
}

// TestRepeatVisitCompileInSlices: on a repeat visit the wasm comes from
// the HTTP cache all at once, and the browser decodes what the compiler is
// given on the page's thread (in one go, a 200 ms task at 4× CPU). The
// engine's start hands it at most 512 KB at a time. The page records what
// compileStreaming is given, on a copy of the stream (tee).
func TestRepeatVisitCompileInSlices(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx, addScript(`(() => {
  const compile = WebAssembly.compileStreaming;
  WebAssembly.compileStreaming = function (r) {
    return Promise.resolve(r).then((r) => {
      const [a, b] = r.body.tee(), rd = b.getReader(), slices = window.wasmSlices = [];
      (function read() { rd.read().then((x) => { if (x.done) slices.done = true; else { slices.push(x.value.length); read(); } }); })();
      return compile.call(WebAssembly, new Response(a, { headers: { 'Content-Type': 'application/wasm' } }));
    });
  };
})();`))
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`), waitReady(), quiet(),
		chromedp.Navigate(s.URL+"/?again"), waitReady())
	slices := get(t, ctx, pollPage[[]int](`window.wasmSlices && window.wasmSlices.done && window.wasmSlices`))
	total, most := 0, 0
	for _, n := range slices {
		total += n
		most = max(most, n)
	}
	if most > 512<<10 || len(slices) < total/(512<<10) {
		t.Errorf("the compiler was given %d bytes in %d slices, the largest %d B: want none over 512 KB", total, len(slices), most)
	}
	if !eval[bool](t, ctx, `document.querySelector('script[data-consent="analytics"]').hasAttribute('data-doui-done')`) {
		t.Error("the repeat visit's engine did not run the stored grant's script")
	}
}

// An engine that arrives but cannot start (here web/start.js's run never
// reaches it: the page swallows window.__doui.r) says why (on the console
// and in window.__doui.failed) and leaves the loader answering the
// banner's controls: the choice made after it closes the dialog and the
// banner as before the engine, and nothing optional runs.
func TestEngineThatCannotStartLeavesTheLoaderAnswering(t *testing.T) {
	allowConsoleErrors(t) // the engine's "cannot start" is the point
	s := newSite(t, `<script>Object.defineProperty(window.__doui, 'r', { set() {}, get() {} });</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
	why := get(t, ctx, pollPage[string](`window.__doui.failed`))
	if !strings.Contains(why, "doui: cannot start") {
		t.Fatalf("window.__doui.failed: %q, want the engine's cannot start", why)
	}
	run(t, ctx, click(`[data-doui="preferences"] [data-doui-action="accept-all"]`), quiet())
	state := eval[string](t, ctx, `document.querySelector('[data-doui="preferences"]').open + ' ' + document.querySelector('[data-doui="banner"]').hidden`)
	if state != "false true" {
		t.Errorf("after the choice, dialog open and banner hidden: %q, want %q (the loader answers)", state, "false true")
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests with an engine that could not start: got %d want 0", n)
	}
}

// If the engine never comes, nothing optional ever runs: not on the page of
// the click, not on the next, and nothing is stored as a decision.
func TestEarlyChoiceWithoutEngineFailsClosed(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	blockWasm(t, ctx)
	failed := pollPage[chromedp.Void](`!!window.__doui.failed`)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="banner"]`)),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`),
		failed,
		chromedp.Navigate(s.URL+"/?next"),
		failed,
		quiet(),
	)
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests without the engine: got %d want 0", n)
	}
	c := cookies(t, ctx)
	if _, ok := c["doui"]; ok {
		t.Errorf("a record was stored without the engine: %v", c)
	}
	if _, ok := c["_ga"]; ok {
		t.Errorf("tracker cookie without the engine: %v", c)
	}
}

// A refusal clicked before the engine starts wins over the stored grant it
// replaces: the engine never runs the tracker on that page.
func TestEarlyRefusalBeatsStoredGrant(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	eventually(func() bool { return stored(t, ctx, "a") && s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Fatalf("tracker after accept: got %d want 1", n)
	}
	release := holdWasm(t, ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/?again"),
		chromedp.WaitReady(chromedp.CSS(`.cmp-settings [data-doui-action="preferences"]`)),
		pollPage[chromedp.Void](`!!window.__doui.root`),
		click(`.cmp-settings [data-doui-action="preferences"]`),
	)
	if st := earlyNow(t, ctx); !st.Dialog || st.Ready {
		t.Fatalf("preferences before the engine: got %+v, want the dialog open, engine not ready", st)
	}
	run(t, ctx, click(`[data-doui="preferences"] [data-doui-action="reject-all"]`))
	release()
	run(t, ctx, waitReady())
	eventually(func() bool { _, ga := cookies(t, ctx)["_ga"]; return stored(t, ctx, "r") && !ga })
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker after a refusal clicked before the engine: got %d want 1 (none on this page)", n)
	}
	if rec := recordOf(t, ctx); rec[4] != "r" {
		t.Errorf("record method: got %q want r", rec[4])
	}
	if _, ok := cookies(t, ctx)["_ga"]; ok {
		t.Error("_ga survived the refusal")
	}
}

// A first-time visitor who never touches the banner downloads the loader
// and nothing else of doui: no wasm, no glue, no engine data.
func TestNoEngineWithoutWork(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), quiet())
	files := eval[[]string](t, ctx, `performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => /^\/(doui|wasm_exec|engine)\./.test(p))`)
	for _, f := range files {
		if f != "/doui.js" {
			t.Errorf("a visitor who did nothing downloaded %s", f)
		}
	}
	if !bannerVisible(t, ctx) {
		t.Error("banner not visible")
	}
	// A command from the page is work: the engine comes.
	run(t, ctx, startEngine())
}

// A held frame has its final size from the first paint: its placeholder
// takes the frame's box, and the frame takes it back when allowed. Nothing
// moves (no layout shift).
func TestEmbedNoLayoutShift(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	// Each shift is kept with what moved (tag, class, box before → after).
	run(t, ctx, addScript(`window.__cls = 0; window.__shifts = []; new PerformanceObserver(l => l.getEntries().forEach(e => { if (e.hadRecentInput) return; window.__cls += e.value;
	  window.__shifts.push(Math.round(e.startTime) + ' ms ' + e.value.toFixed(4) + ': ' + (e.sources || []).map(s => (s.node ? (s.node.nodeName + '.' + (s.node.className || '')) : '?') + ' ' + JSON.stringify([s.previousRect.y, s.previousRect.height]) + '→' + JSON.stringify([s.currentRect.y, s.currentRect.height])).join(', ')); })).observe({ type: 'layout-shift', buffered: true });`))
	run(t, ctx, chromedp.Navigate(s.URL+"/sized"), waitSettled())
	box := eval[struct{ PH, Frame [2]float64 }](t, ctx, `(() => {
	  const ph = document.querySelector('[data-doui="placeholder"]').getBoundingClientRect();
	  const f = document.querySelector('iframe[data-consent]');
	  f.hidden = false; const r = f.getBoundingClientRect(); f.hidden = true;
	  return { PH: [ph.width, ph.height], Frame: [r.width, r.height] };
	})()`)
	if box.PH != box.Frame || box.PH[0] < 500 {
		t.Errorf("placeholder box %v, frame box %v: want the same (the frame is 560×315)", box.PH, box.Frame)
	}
	// Allowed from script, not by a click: layout shifts right after input
	// do not count, and the swap must not shift anything whenever it comes.
	// A shift is reported after the frame that shows it: quiet's turns of
	// the event loop include animation frames.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.doui.push(function () { window.doui.accept('media'); })`), waitReady(),
		pollPage[chromedp.Void](`!document.querySelector('[data-doui="placeholder"]')`),
		quiet())
	after := eval[[2]float64](t, ctx, `(() => { const r = document.querySelector('iframe[data-consent]').getBoundingClientRect(); return [r.width, r.height]; })()`)
	if after != box.Frame {
		t.Errorf("frame after allow: %v want %v", after, box.Frame)
	}
	if cls := eval[float64](t, ctx, `window.__cls`); cls != 0 {
		t.Errorf("cumulative layout shift: got %g want 0: %s", cls, eval[string](t, ctx, `window.__shifts.join('; ')`))
	}
}

// The engine arriving while the visitor has the preferences open changes
// nothing they see: the dialog stays open, their ticks stay, and saving
// then records them.
func TestEngineArrivesUnderOpenDialog(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	release := holdWasm(t, ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="banner"]`)),
		pollPage[chromedp.Void](`document.readyState === 'complete'`),
		click(`[data-doui="banner"] [data-doui-action="preferences"]`),
		click(`input[data-doui-category="analytics"]`),
	)
	release()
	run(t, ctx, waitReady(), quiet())
	st := earlyNow(t, ctx)
	if !st.Dialog || strings.Join(st.Checked, ",") != "necessary,analytics" {
		t.Fatalf("after the engine started: got %+v, want the dialog still open with analytics ticked", st)
	}
	if focus := eval[string](t, ctx, `document.activeElement.getAttribute('data-doui-category') || ''`); focus != "analytics" {
		t.Errorf("focus after the engine started: got %q want the box the visitor ticked (analytics)", focus)
	}
	run(t, ctx, click(`[data-doui="preferences"] [data-doui-action="save"]`))
	eventually(func() bool { return stored(t, ctx, "c") && s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet())
	if rec := recordOf(t, ctx); rec[4] != "c" || rec[3] != "analytics" {
		t.Errorf("record: got method %q granted %q, want c analytics", rec[4], rec[3])
	}
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("analytics after saving it on: got %d want 1", n)
	}
}

// TestPageFirst: while the page is parsed doui.js only holds; the stored
// record is read, and doui's markup put in, after the first frame once the
// page is parsed, so that the page's own content paints first.
func TestPageFirst(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx, addScript(`if (window.top === window) {
	  window.__first = { read: '' };
	  const get = Storage.prototype.getItem;
	  Storage.prototype.getItem = function () {
	    if (!__first.read) __first.read = document.readyState + (window.__framed ? ', after a frame' : '');
	    return get.apply(this, arguments);
	  };
	  document.addEventListener('DOMContentLoaded', () => {
	    __first.rootAtParsed = !!(window.__doui && __doui.root);
	    requestAnimationFrame(() => { window.__framed = true; });
	  });
	}`), chromedp.Navigate(s.URL+"/"), waitSettled())
	got := eval[struct {
		Read         string
		RootAtParsed bool
	}](t, ctx, `__first`)
	if got.RootAtParsed {
		t.Errorf("doui's markup was in the page when it was parsed: want it after the first frame")
	}
	if !strings.HasSuffix(got.Read, ", after a frame") {
		t.Errorf("the stored record was first read with the document %q: want after the first frame once parsed", got.Read)
	}
	if !bannerVisible(t, ctx) {
		t.Errorf("no banner after the first frame")
	}
}

// TestHeroFirst: the banner waits for an image in view that is still
// loading (most often the page's largest paint), and comes after it has
// loaded; an image that never loads holds it back only for a while, and
// one below the fold, or not displayed, not at all.
func TestHeroFirst(t *testing.T) {
	s := newSite(t, `<img id="hero" src="/hero.png" width="600" height="300" alt="">`)
	below := newSite(t, `<img id="hero" src="/hero.png" width="600" height="300" alt="" style="margin-top: 4000px">`)
	hidden := newSite(t, `<div style="display: none"><img id="hero" src="/hero.png" width="600" height="300" alt=""></div>`)
	for _, tc := range []struct {
		name           string
		site           *site
		waits, release bool // the banner waits for the image; the test lets it load
	}{{"loads", s, true, true}, {"never loads", s, true, false}, {"below the fold", below, false, false}, {"not displayed", hidden, false, false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := browser(t)
			run(t, ctx, addScript(`if (window.top === window) {
			  window.__hero = {};
			  document.addEventListener('load', (e) => { if (e.target.id === 'hero') __hero.loaded = performance.now(); }, true);
			  document.addEventListener('error', (e) => { if (e.target.id === 'hero') __hero.loaded = performance.now(); }, true);
			  new MutationObserver(() => {
			    if (!__hero.banner && document.querySelector('[data-doui="root"]')) __hero.banner = performance.now(), __hero.framesToBanner = __hero.frames;
			  }).observe(document, { childList: true, subtree: true });
			  document.addEventListener('DOMContentLoaded', () => {
			    __hero.frames = 0;
			    const f = () => { __hero.frames++; requestAnimationFrame(f); };
			    requestAnimationFrame(f);
			  });
			}`))
			release := holdURLs(t, ctx, "*/hero.png")
			// Not chromedp.Navigate: it waits for the load event, which
			// the held image holds back.
			if _, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: tc.site.URL + "/"}); err != nil {
				t.Fatal(err)
			}
			// Parsed, and a few frames later (the banner came after the
			// first one before): still no banner while the hero loads.
			run(t, ctx, pollPage[chromedp.Void](`document.readyState !== 'loading'`),
				pollPage[chromedp.Void](`new Promise((ok) => { let n = 10; const f = () => --n ? requestAnimationFrame(f) : ok(true); requestAnimationFrame(f); })`))
			if !tc.waits {
				// No wait: the banner comes after the first frame.
				run(t, ctx, pollPage[chromedp.Void](`!!__hero.banner`))
				if eval[float64](t, ctx, `__hero.loaded || 0`) != 0 {
					t.Errorf("the held image loaded: the test holds it")
				}
				// A few frames, not the 3 s (~180 frames) of a wait.
				if n := eval[int](t, ctx, `__hero.framesToBanner`); n > 30 {
					t.Errorf("the banner came %d frames after the page was parsed: it waited for an image that paints nothing in view", n)
				}
				return
			}
			if eval[bool](t, ctx, `!!__hero.banner`) {
				t.Fatalf("the banner was inserted while the image in view was still loading")
			}
			if tc.release {
				release()
			}
			// Not waitSettled: a held image holds the load event back.
			run(t, ctx, pollPage[chromedp.Void](`!!__hero.banner`))
			got := eval[struct{ Loaded, Banner float64 }](t, ctx, `__hero`)
			if !bannerVisible(t, ctx) {
				t.Errorf("no banner")
			}
			if tc.release && !(got.Loaded > 0 && got.Banner > got.Loaded) {
				t.Errorf("image loaded at %.0f ms, banner inserted at %.0f ms: want the banner after the image", got.Loaded, got.Banner)
			}
			if !tc.release && got.Loaded != 0 {
				t.Errorf("the held image loaded (%.0f ms): the test holds it", got.Loaded)
			}
		})
	}
}

// TestClickFrameFirst: a click before the engine is answered in its own
// frame (here: the preferences open); the engine's download starts after
// that frame, not in the click's task.
func TestClickFrameFirst(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx, addScript(`if (window.top === window) addEventListener('click', () => {
	  requestAnimationFrame(() => { window.__frameAfterClick = performance.now(); });
	}, true);`), chromedp.Navigate(s.URL+"/"), waitSettled(),
		click(`[data-doui="banner"] [data-doui-action="preferences"]`), waitReady())
	got := eval[[]float64](t, ctx, `[window.__frameAfterClick || 0,
	  (performance.getEntriesByType('resource').find((e) => /\/doui\.[0-9a-f]+\.wasm$/.test(e.name)) || { startTime: -1 }).startTime]`)
	if got[0] == 0 || got[1] < 0 {
		t.Fatalf("frame after the click %v, wasm request %v: one is missing", got[0], got[1])
	}
	if got[1] < got[0] {
		t.Errorf("the engine's download started at %.1f ms, before the click's frame at %.1f ms", got[1], got[0])
	}
	if !eval[bool](t, ctx, `document.querySelector('[data-doui="preferences"]').open`) {
		t.Errorf("the preferences are not open")
	}
}

// TestBannerWithoutFrames: where the browser paints no frame (an occluded
// or unpainted window), doui's markup still comes, a moment later.
func TestBannerWithoutFrames(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx, addScript(`window.requestAnimationFrame = function () { return 0; };`),
		chromedp.Navigate(s.URL+"/"),
		// Polled on a timer: chromedp's default polls on animation frames.
		chromedp.Poll[chromedp.Void](engineSettled, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if !eval[bool](t, ctx, `!!document.querySelector('[data-doui="banner"]:not([hidden])')`) {
		t.Errorf("no banner in a page that gets no frames")
	}
}
