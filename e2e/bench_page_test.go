package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// benchInit runs before any page script on every navigation (config C: the
// target's selectors). It records on window.__bench, in performance.now()
// milliseconds from navigation start:
//   - fcp, lcp (+ what the LCP element is), from buffered PerformanceObservers;
//   - cls: layout-shift entries without recent input, with their sources;
//   - lt: every long task (>50 ms);
//   - banner: the first animation frame in which the banner is visible
//     (connected, not hidden by display/visibility/opacity, a non-empty box
//     in the viewport; checked once per frame, like ../shared/bench/cmp);
//   - click: the first trusted click on "accept all" or "preferences", from a
//     capture listener on window (it runs before any banner's own handler):
//     the event's timeStamp, when the listener ran, and whether doui's engine
//     was ready then (window.doui.ready === true);
//   - resp / gone: the first animation frame after that click in which the
//     response shows: for "accept all", resp = the banner is hidden or has
//     started to fade out (its computed opacity went down since the last
//     frame), gone = it is no longer visible; for "preferences", resp = gone
//     = the dialog is visible (a <dialog> also open);
//   - ready: when doui's engine is ready (window.doui is replaced by the API
//     with ready === true; the doui:consent event is the fallback), and the
//     phases of the wasm's start (compile, instantiate, Go's first run).
const benchInit = `(() => {
  if (window.top !== window) return;
  const C = %s;
  const now = () => performance.now();
  const B = (window.__bench = { banner: null, ready: null, readyVia: '', fcp: null, lcp: null, lcpEl: '',
    lt: [], cls: [], click: null, resp: null, gone: null, phase: {}, inst: null, errors: [] });
  const desc = (n) => {
    if (!n || !n.tagName) return n ? n.nodeName : '?';
    let s = n.tagName.toLowerCase();
    if (n.id) s += '#' + n.id;
    const d = n.getAttribute('data-doui');
    if (d) s += '[data-doui=' + d + ']';
    if (typeof n.className == 'string' && n.className) s += '.' + n.className.trim().split(/\s+/).join('.');
    return s;
  };
  const obs = (type, fn) => {
    try { new PerformanceObserver((l) => l.getEntries().forEach(fn)).observe({ type, buffered: true }); }
    catch (e) { B.errors.push(type + ': ' + e.message); }
  };
  obs('longtask', (e) => B.lt.push([e.startTime, e.duration]));
  obs('paint', (e) => { if (e.name === 'first-contentful-paint') B.fcp = e.startTime; });
  obs('largest-contentful-paint', (e) => {
    B.lcp = e.startTime;
    B.lcpEl = desc(e.element) + ' ' + Math.round(e.size) + ' px²' + (e.url ? ' ' + e.url.replace(/^.*\//, '') : '');
  });
  obs('layout-shift', (e) => {
    if (!e.hadRecentInput) B.cls.push({ t: e.startTime, v: e.value, src: (e.sources || []).map((s) => desc(s.node)).join(' ') });
  });
  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    return !(r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth);
  };
  const q = (s) => (s ? document.querySelector(s) : null);
  if (C.banner) {
    const tick = () => {
      if (B.banner == null && visible(q(C.banner))) B.banner = now();
      if (B.banner == null && now() < 60000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
  addEventListener('click', (e) => {
    if (B.click || !e.isTrusted || !e.target || !e.target.closest) return;
    let action = '';
    if (C.accept && e.target.closest(C.accept)) action = 'accept';
    else if (C.prefsBtn && e.target.closest(C.prefsBtn)) action = 'prefs';
    else return;
    B.click = { action, at: e.timeStamp, run: now(), ready: !!(window.doui && window.doui.ready === true) };
    if (B.noWatch) return; // click → tracker: nothing of ours runs in the frames after the click
    const end = now() + 20000;
    const opacity = (el) => (el ? parseFloat(getComputedStyle(el).opacity) : 0);
    let last = opacity(q(C.banner));
    const frame = () => {
      const t = now();
      if (action === 'accept') {
        // A banner still fading in grows more opaque; one that answers
        // the click is hidden, or starts to fade out.
        const el = q(C.banner), vis = visible(el), op = opacity(el);
        if (B.resp == null && (!vis || op < last - 0.001)) B.resp = t;
        if (B.gone == null && !vis) B.gone = t;
        last = op;
      } else {
        const el = q(C.prefs);
        if (B.resp == null && visible(el) && (el.tagName !== 'DIALOG' || el.open)) B.resp = B.gone = t;
      }
      if (B.gone == null && t < end) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, true);
  if (!C.doui) return;
  let v = window.doui;
  const seen = (how) => {
    if (B.ready == null && v && v.ready === true) { B.ready = now(); B.readyVia = how; }
  };
  Object.defineProperty(window, 'doui', {
    configurable: true, enumerable: true,
    get() { return v; },
    set(x) { v = x; seen('set'); },
  });
  addEventListener('doui:consent', () => seen('event'), true);
  const P = B.phase;
  for (const f of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) {
    const orig = WebAssembly[f];
    if (!orig) continue;
    WebAssembly[f] = function () {
      const t0 = now();
      if (f.startsWith('compile') && P.compileStart == null) P.compileStart = t0;
      return orig.apply(this, arguments).then((r) => {
        const inst = r.instance || (r instanceof WebAssembly.Instance ? r : null);
        if (inst) { B.inst = inst; P.instStart = t0; P.instEnd = now(); }
        if (r instanceof WebAssembly.Module || r.module) P.compiled = now();
        return r;
      });
    };
  }
  let G;
  Object.defineProperty(window, 'Go', {
    configurable: true, enumerable: true,
    get() { return G; },
    set(Cls) {
      G = Cls;
      const run = Cls && Cls.prototype && Cls.prototype.run;
      if (typeof run == 'function') Cls.prototype.run = function () {
        P.runStart = now();
        const r = run.apply(this, arguments);
        P.runEnd = now();
        return r;
      };
    },
  });
})();`

// benchCollect reads what benchInit recorded, with Resource Timing of
// every file the page fetched and of the document itself.
const benchCollect = `(() => {
  const B = window.__bench || { errors: ['no __bench: the init script did not run'] };
  const o = Object.assign({}, B);
  delete o.inst;
  o.mem = -1;
  try { o.mem = B.inst.exports.mem.buffer.byteLength; } catch (e) {}
  o.res = performance.getEntriesByType('resource').map((e) => ({ name: e.name, transfer: e.transferSize,
    enc: e.encodedBodySize, dec: e.decodedBodySize, start: e.startTime, end: e.responseEnd }));
  const n = performance.getEntriesByType('navigation')[0] || {};
  o.nav = { transfer: n.transferSize || 0, enc: n.encodedBodySize || 0, load: n.loadEventEnd || 0 };
  o.now = performance.now();
  o.viewport = innerWidth + '×' + innerHeight;
  return JSON.stringify(o);
})()`

type benchRes struct {
	Name               string
	Transfer, Enc, Dec float64
	Start, End         float64
}

// benchPage is what one page view recorded (see benchInit).
type benchPage struct {
	FCP, LCP, Banner, Ready *float64
	LCPEl                   string
	ReadyVia                string
	LT                      [][2]float64
	CLS                     []struct {
		T, V float64
		Src  string
	}
	Click *struct {
		Action  string
		At, Run float64
		Ready   bool
	}
	Resp, Gone *float64
	Phase      map[string]float64
	Mem        float64
	Res        []benchRes
	Nav        struct{ Transfer, Enc, Load float64 }
	Now        float64
	Viewport   string
	Errors     []string
}

func (p *benchPage) longTasks() (n int, max float64) {
	for _, lt := range p.LT {
		n++
		max = math.Max(max, lt[1])
	}
	return
}

// cls sums the layout shifts up to `until` ms after navigation start.
func (p *benchPage) cls(until float64) float64 {
	sum := 0.0
	for _, e := range p.CLS {
		if e.T <= until {
			sum += e.V
		}
	}
	return sum
}

var (
	douiWasmRE = regexp.MustCompile(`^/doui\.[0-9a-f]+\.wasm$`)
	douiGlueRE = regexp.MustCompile(`^/wasm_exec\.[0-9a-f]+\.js$`)
)

// ownFile names a file as the target's own ("" if it is not): every file
// from doui's server is doui's; vanilla-cookieconsent's are under /vendor/.
var douiLoaderRE = regexp.MustCompile(`^/doui(\.[a-z]{2,3})?\.js$`)

func (s *benchSite) ownFile(tg benchTarget, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	origin := u.Scheme + "://" + u.Host
	switch {
	case tg.doui && origin == s.doui.URL:
		switch {
		case douiLoaderRE.MatchString(u.Path): // /doui.js or /doui.LANG.js
			return "doui.js"
		case douiWasmRE.MatchString(u.Path):
			return "doui.wasm"
		case douiGlueRE.MatchString(u.Path):
			return "wasm_exec.js"
		}
		return u.Path
	case tg.name == benchVanilla && origin == s.URL && strings.HasPrefix(u.Path, "/vendor/vanilla-cookieconsent/"):
		return path.Base(u.Path)
	}
	return ""
}

// trackerEntry is the Resource Timing entry of the tracker script, if the
// page requested it.
func (s *benchSite) trackerEntry(p *benchPage) *benchRes {
	for i, r := range p.Res {
		if strings.HasPrefix(r.Name, s.trackerURL+"/gtag/js") {
			return &p.Res[i]
		}
	}
	return nil
}

// benchTab is one fresh Chromium (new profile: no cookies, storage or
// cache) with the profile's throttling and benchInit for a target.
type benchTab struct {
	t        *testing.T
	ctx      context.Context
	close    func()
	mu       sync.Mutex
	errors   []string
	requests []string // every URL the page asked for, from the Network domain
}

func newBenchTab(t *testing.T, p benchProfile, tg benchTarget) (*benchTab, error) {
	profile, err := os.MkdirTemp("", "doui-bench-chromium-")
	if err != nil {
		return nil, err
	}
	flags := append(browserFlags(profile),
		// Real visitors have navigator.webdriver === false; with it true,
		// vanilla-cookieconsent hides its banner from "bots" (like the cmp
		// harness, ../shared/bench/cmp).
		chromedp.Flag("disable-blink-features", "AutomationControlled"),
	)
	alloc, acancel := chromedp.NewExecAllocator(context.Background(), flags...)
	quiet := func(format string, args ...any) {
		if !strings.Contains(format, "unhandled") {
			t.Logf(format, args...)
		}
	}
	bctx, bcancel := chromedp.NewContext(alloc, chromedp.WithErrorf(quiet))
	ctx, tcancel := context.WithTimeout(bctx, 3*time.Minute)
	b := &benchTab{t: t, ctx: ctx}
	var once sync.Once
	b.close = func() {
		once.Do(func() {
			// Close Chromium and wait for it before its profile is removed.
			chromedp.Cancel(bctx)
			tcancel()
			bcancel()
			acancel()
			for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
	t.Cleanup(b.close)
	// Listen, not chromedp.Events: unfinished compares the requests seen
	// here with the page's Resource Timing read by a later command, so every
	// request reported before that command's reply must have been seen; only
	// Listen's func runs in the tab's loop, in order, before the reply.
	err = chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		case *runtime.EventExceptionThrown:
			msg = "exception: " + e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				msg = "console.error: " + strings.Join(parts, " ")
			}
		}
		if msg != "" {
			b.mu.Lock()
			b.errors = append(b.errors, msg)
			b.mu.Unlock()
		}
	})
	if err != nil {
		b.close()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	cfg, _ := json.Marshal(map[string]any{"banner": tg.banner, "accept": tg.accept, "prefsBtn": tg.prefsBtn, "prefs": tg.prefs, "doui": tg.doui})
	steps := []chromedp.Action[chromedp.Void]{
		send(runtime.Enable, cdp.Empty{}),
		send(network.Enable, network.EnableParams{}),
		// chromedp enables the DOM and CSS domains on every tab: Chromium
		// then does DevTools' bookkeeping for the page's DOM and style
		// changes, work no visitor's browser does (doui's click → tracker
		// request, 8 alternate loopback visits each: 3.3 ms median with
		// them on, 3.0 off). The bench reads the page through Runtime; like
		// ../shared/bench/cmp it keeps Network (the tracker's request, the
		// slow link) and Page on.
		send(dom.Disable, cdp.Empty{}),
		send(css.Disable, cdp.Empty{}),
		addScript(fmt.Sprintf(benchInit, cfg)),
	}
	if p.cpu > 1 {
		steps = append(steps, send(emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: p.cpu}))
	}
	if p.slowNet {
		steps = append(steps, chromedp.Func(slowNetwork))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.close()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	// A fresh Chromium keeps working after it starts (new headless mode
	// loads its own WebUI pages: a trace showed the omnibox popup's
	// renderer busy for ~2 s), on the same two cores as the page: measured
	// at once, the page without a banner had LCP 960–1372 ms over 12 slow
	// visits; 3 s later, 836–932.
	time.Sleep(*benchIdle)
	return b, nil
}

// done closes the browser and logs what the page reported as errors.
func (b *benchTab) done(what string) {
	b.close()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		b.t.Logf("%s: page errors: %q", what, b.errors)
	}
}

// navigate starts loading u and returns at once (chromedp.Navigate would
// wait for the load event: a visitor clicks long before that).
func (b *benchTab) navigate(u string) error {
	res, err := chromedp.Call(b.ctx, page.Navigate, page.NavigateParams{URL: u})
	if err == nil && res.ErrorText != "" {
		err = errors.New(res.ErrorText)
	}
	return err
}

// poll evaluates expr every interval until it is true or timeout passes
// (errors, e.g. while the document is replaced, count as false).
func (b *benchTab) poll(expr string, timeout, interval time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("%s: not true within %v (%v)", expr, timeout, err)
			}
			return fmt.Errorf("%s: not true within %v", expr, timeout)
		}
		if b.ctx.Err() != nil {
			return b.ctx.Err()
		}
		time.Sleep(interval)
	}
}

// clickWhenVisible waits, in the page and for at most timeout, for the
// first animation frame in which the banner is visible and the button sel
// is where it was a frame before (a banner may slide in), and is the
// element at its own centre; then it clicks there at once. One round trip,
// not a poll from here, so that the click follows the banner as closely as
// a quick visitor's would.
func (b *benchTab) clickWhenVisible(sel string, timeout time.Duration) error {
	if err := b.poll(`!!window.__bench`, timeout, 20*time.Millisecond); err != nil {
		return fmt.Errorf("the page did not start: %v", err)
	}
	expr := fmt.Sprintf(`new Promise((ok) => {
  const end = performance.now() + %d;
  let last = '';
  const f = () => {
    const B = window.__bench, el = document.querySelector(%q);
    if (B.banner != null && el) {
      const r = el.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2, at = x + ',' + y;
      const hit = document.elementFromPoint(x, y);
      if (at === last && hit && (hit === el || el.contains(hit))) return ok([x, y]);
      last = at;
    }
    if (performance.now() > end) return ok([]);
    requestAnimationFrame(f);
  };
  f();
})`, timeout.Milliseconds(), sel)
	xy, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if len(xy) != 2 {
		return fmt.Errorf("the banner did not show within %v", timeout)
	}
	return b.clickXY(sel, xy)
}

// click presses and releases the mouse (real input events, through
// Input.dispatchMouseEvent) at the centre of the element sel.
func (b *benchTab) click(sel string) error {
	expr := fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return []; const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`, sel)
	xy, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](expr))
	if err != nil {
		return err
	}
	if len(xy) != 2 {
		return fmt.Errorf("no %s in the page", sel)
	}
	return b.clickXY(sel, xy)
}

func (b *benchTab) clickXY(sel string, xy []float64) error {
	if err := chromedp.Do(b.ctx, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		return err
	}
	hit, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!(window.__bench && window.__bench.click)`))
	if err != nil {
		return err
	}
	if !hit {
		at, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.elementFromPoint(%f, %f); return e ? e.outerHTML.slice(0, 120) : 'nothing'; })()`, xy[0], xy[1])))
		return fmt.Errorf("the click at (%.0f, %.0f) did not reach %s (it hit %s)", xy[0], xy[1], sel, at)
	}
	return nil
}

func (b *benchTab) collect() (*benchPage, error) {
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](benchCollect))
	if err != nil {
		return nil, err
	}
	var p benchPage
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("bench data: %v: %.300s", err, raw)
	}
	if len(p.Errors) > 0 {
		b.t.Logf("bench script: %q", p.Errors)
	}
	return &p, nil
}

// unfinished lists the requests the page made that have no Resource Timing
// entry yet: still loading (or failed) when p was collected.
func (b *benchTab) unfinished(p *benchPage) []string {
	done := map[string]bool{}
	for _, r := range p.Res {
		done[r.Name] = true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, u := range b.requests {
		if !done[u] && strings.HasPrefix(u, "http") {
			out = append(out, u)
		}
	}
	return out
}

// heap is the JS heap in use after a forced GC, bytes.
func (b *benchTab) heap() float64 {
	if _, err := chromedp.Call(b.ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		return math.NaN()
	}
	u, err := chromedp.Call(b.ctx, runtime.GetHeapUsage, cdp.Empty{})
	if err != nil {
		return math.NaN()
	}
	return u.UsedSize
}
