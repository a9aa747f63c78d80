package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser benchmark runs only when asked for (`make bench`): its
// numbers are reported, never asserted (DESIGN.md: budgets are measured in
// benchmarks, never in timed tests).
var (
	benchBrowser = flag.Bool("bench-browser", false, "run TestBrowserBench, the browser benchmark (make bench)")
	benchRuns    = flag.Int("bench-runs", 5, "cold runs per profile in TestBrowserBench (a fresh Chromium profile each)")
)

// benchProfile is one set of conditions a page view is measured under.
type benchProfile struct {
	name     string
	cpu      float64 // CDP CPU throttling rate; 0 or 1 = none
	slowNet  bool    // 1.6 Mbps down, 750 kbps up, 150 ms RTT
	describe string
}

var benchProfiles = []benchProfile{
	{name: "loopback", describe: "loopback, no throttling"},
	{name: "throttled", cpu: 4, slowNet: true, describe: "4× CPU, 1.6 Mbps / 750 kbps, 150 ms RTT"},
}

// benchInit runs before any page script on every navigation. It records
// on window.__bench: when the banner is first visible (checked once per
// animation frame, like ../shared/bench/cmp), when the wasm is first ready
// (window.doui is replaced by the API with ready === true; the doui:consent
// event the wasm fires right after is the fallback), every long task, and
// the wasm instance (for its memory).
const benchInit = `(() => {
  if (window.top !== window) return;
  const now = () => performance.now();
  const B = (window.__bench = { banner: null, ready: null, readyVia: '', lt: [], inst: null, errors: [] });
  try {
    new PerformanceObserver((l) => l.getEntries().forEach((e) => B.lt.push([e.startTime, e.duration])))
      .observe({ type: 'longtask', buffered: true });
  } catch (e) { B.errors.push('longtask: ' + e.message); }
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
  // Phases of the wasm start: compiled, instantiated, Go's first run.
  const P = (B.phase = {});
  for (const f of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) {
    const orig = WebAssembly[f];
    if (!orig) continue;
    WebAssembly[f] = function () {
      const t0 = now();
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
    set(C) {
      G = C;
      const run = C && C.prototype && C.prototype.run;
      if (typeof run == 'function') C.prototype.run = function () {
        P.runStart = now();
        const r = run.apply(this, arguments);
        P.runEnd = now();
        return r;
      };
    },
  });
  const visible = (el) => {
    if (!el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    return !(r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth);
  };
  const tick = () => {
    if (B.banner == null) {
      const el = document.querySelector('[data-doui="banner"]');
      if (el && visible(el)) B.banner = now();
    }
    if (B.banner == null && now() < 30000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`

// benchCollect reads what benchInit recorded, plus Resource Timing of
// doui's own files (its server sends Timing-Allow-Origin: *).
const benchCollect = `(() => {
  const B = window.__bench || {};
  const res = {};
  for (const e of performance.getEntriesByType('resource')) {
    const u = new URL(e.name);
    let k = '';
    if (u.pathname === '/doui.js') k = 'loader';
    else if (/^\/doui\.[0-9a-f]+\.wasm$/.test(u.pathname)) k = 'wasm';
    else if (/^\/wasm_exec\.[0-9a-f]+\.js$/.test(u.pathname)) k = 'glue';
    if (k) res[k] = { transfer: e.transferSize, enc: e.encodedBodySize, dec: e.decodedBodySize, start: e.startTime, end: e.responseEnd };
  }
  let mem = -1;
  try { mem = B.inst.exports.mem.buffer.byteLength; } catch (e) {}
  return JSON.stringify({ phase: B.phase || {}, banner: B.banner, ready: B.ready, readyVia: B.readyVia, lt: B.lt, mem, res, errors: B.errors || [] });
})()`

type benchFile struct {
	Transfer, Enc, Dec float64
	Start, End         float64
}

type benchSample struct {
	Phase    map[string]float64
	Banner   *float64
	Ready    *float64
	ReadyVia string
	LT       [][2]float64
	Mem      float64
	Res      map[string]benchFile
	Errors   []string
	Heap     float64 // JS heap used after a forced GC, bytes
}

func (s benchSample) longTasks() (n int, total, max float64) {
	for _, lt := range s.LT {
		n++
		total += lt[1]
		max = math.Max(max, lt[1])
	}
	return
}

// TestBrowserBench loads the drop-in page (the site on its own origin, doui
// on another) in a fresh Chromium per run, cold and then once more warm
// (same profile: the immutable wasm comes from the HTTP cache), under each
// profile, and prints median and min–max of every measure.
func TestBrowserBench(t *testing.T) {
	if !*benchBrowser {
		t.Skip("browser benchmark: run with -bench-browser (make bench)")
	}
	s := newSite(t, "")
	type key struct{ profile, visit string }
	samples := map[key][]benchSample{}
	for i := 0; i < *benchRuns; i++ {
		// Interleaved, so that a burst of load on the machine spreads
		// over every profile instead of skewing one.
		for _, p := range benchProfiles {
			t.Run(fmt.Sprintf("%s/%d", p.name, i+1), func(t *testing.T) {
				cold, warm := benchRun(t, s, p)
				samples[key{p.name, "cold"}] = append(samples[key{p.name, "cold"}], cold)
				samples[key{p.name, "warm"}] = append(samples[key{p.name, "warm"}], warm)
			})
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\nBrowser benchmark: %d runs per profile, Chromium %s, %s; %s\n", *benchRuns, chromiumVersion(), machine(), time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&out, "median [min–max]; bytes are Resource Timing sizes of doui's own files (wire = transferSize, incl. headers; enc = encoded body; dec = decoded)\n")
	for _, p := range benchProfiles {
		for _, visit := range []string{"cold", "warm"} {
			ss := samples[key{p.name, visit}]
			if len(ss) == 0 {
				continue
			}
			fmt.Fprintf(&out, "\n%s, %s visit (%s)\n", p.name, visit, p.describe)
			benchTable(&out, ss)
		}
	}
	out.WriteString("\n")
	benchBudgets(&out, func(profile, visit string) []benchSample { return samples[key{profile, visit}] })
	fmt.Print(out.String())
	if f := os.Getenv("DOUI_BENCH_OUT"); f != "" {
		if err := os.WriteFile(f, []byte(out.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// benchRun measures one cold visit in a fresh profile, then a warm one.
func benchRun(t *testing.T, s *site, p benchProfile) (cold, warm benchSample) {
	ctx := browser(t)
	run(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		if _, err := page.AddScriptToEvaluateOnNewDocument(benchInit).Do(ctx); err != nil {
			return err
		}
		if p.cpu > 1 {
			if err := emulation.SetCPUThrottlingRate(p.cpu).Do(ctx); err != nil {
				return err
			}
		}
		if p.slowNet {
			return slowNetwork(ctx)
		}
		return nil
	}))
	cold = benchVisit(t, ctx, s.URL+"/")
	// A repeat visit: another page view of the site, the wasm from cache.
	run(t, ctx, chromedp.Navigate("about:blank"))
	warm = benchVisit(t, ctx, s.URL+"/?again")
	// Close Chromium now and wait for it, so that its profile directory
	// is no longer written to when the test's TempDir is removed.
	if err := chromedp.Cancel(ctx); err != nil {
		t.Logf("close chromium: %v", err)
	}
	return cold, warm
}

// slowNetwork applies Lighthouse's "slow 4G" link: 150 ms RTT, 1.6 Mbps
// down, 750 kbps up. Network.emulateNetworkConditions is deprecated (and
// gone from cdproto) but still answered by Chromium; its successor
// emulateNetworkConditionsByRule is the fallback.
func slowNetwork(ctx context.Context) error {
	const latency, down, up = 150, 1.6e6 / 8, 750e3 / 8
	params := map[string]any{"offline": false, "latency": latency, "downloadThroughput": down, "uploadThroughput": up}
	if err := cdp.Execute(ctx, "Network.emulateNetworkConditions", params, nil); err == nil {
		return nil
	}
	_, err := network.EmulateNetworkConditionsByRule(false, []*network.Conditions{{Latency: latency, DownloadThroughput: down, UploadThroughput: up}}).Do(ctx)
	return err
}

func benchVisit(t *testing.T, ctx context.Context, url string) benchSample {
	t.Helper()
	run(t, ctx,
		chromedp.Navigate(url),
		chromedp.Poll(`window.__bench && window.__bench.ready != null && window.__bench.banner != null`, nil, chromedp.WithPollingTimeout(40*time.Second)),
		// Long tasks after ready (the rest of the Go side's start, GC)
		// are counted too.
		chromedp.Sleep(1000*time.Millisecond),
	)
	var smp benchSample
	run(t, ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		if err := heapprofiler.CollectGarbage().Do(ctx); err != nil {
			return err
		}
		used, _, _, _, err := runtime.GetHeapUsage().Do(ctx)
		smp.Heap = used
		return err
	}))
	var raw string
	run(t, ctx, chromedp.Evaluate(benchCollect, &raw))
	if err := json.Unmarshal([]byte(raw), &smp); err != nil {
		t.Fatalf("bench data: %v: %s", err, raw)
	}
	var lts []string
	for _, lt := range smp.LT {
		lts = append(lts, fmt.Sprintf("%.0f+%.0f", lt[0], lt[1]))
	}
	t.Logf("%s: banner %.0f ms, ready %.0f ms, long tasks (start+duration ms): %s", url, ptr(smp.Banner), ptr(smp.Ready), strings.Join(lts, " "))
	if len(smp.Errors) > 0 {
		t.Logf("bench script: %q", smp.Errors)
	}
	return smp
}

// stat is median and range of a measure over the runs; NaN values (not
// measured) are left out.
type stat struct {
	med, min, max float64
	n             int
}

func statOf(vs []float64) stat {
	var xs []float64
	for _, v := range vs {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return stat{med: math.NaN(), min: math.NaN(), max: math.NaN()}
	}
	sort.Float64s(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return stat{med: m, min: xs[0], max: xs[len(xs)-1], n: len(xs)}
}

func (s stat) format(unit string) string {
	if s.n == 0 {
		return "n/a"
	}
	f := func(v float64) string {
		switch unit {
		case "KB":
			return fmt.Sprintf("%.1f", v/1000)
		case "MB":
			return fmt.Sprintf("%.2f", v/1e6)
		case "ms":
			return fmt.Sprintf("%.0f", v)
		}
		return fmt.Sprintf("%g", v)
	}
	if s.min == s.max {
		return f(s.med) + " " + unit
	}
	return fmt.Sprintf("%s %s [%s–%s]", f(s.med), unit, f(s.min), f(s.max))
}

func measure(ss []benchSample, fn func(benchSample) float64) stat {
	var vs []float64
	for _, s := range ss {
		vs = append(vs, fn(s))
	}
	return statOf(vs)
}

func ptr(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func file(name string, fn func(benchFile) float64) func(benchSample) float64 {
	return func(s benchSample) float64 {
		f, ok := s.Res[name]
		if !ok {
			return math.NaN()
		}
		return fn(f)
	}
}

func benchTable(out *strings.Builder, ss []benchSample) {
	rows := []struct {
		name string
		s    stat
		unit string
	}{
		{"loader (doui.js) wire", measure(ss, file("loader", func(f benchFile) float64 { return f.Transfer })), "KB"},
		{"loader enc / dec", measure(ss, file("loader", func(f benchFile) float64 { return f.Enc })), "KB"},
		{"", measure(ss, file("loader", func(f benchFile) float64 { return f.Dec })), "KB"},
		{"glue (wasm_exec.js) wire", measure(ss, file("glue", func(f benchFile) float64 { return f.Transfer })), "KB"},
		{"wasm wire", measure(ss, file("wasm", func(f benchFile) float64 { return f.Transfer })), "KB"},
		{"wasm enc / dec", measure(ss, file("wasm", func(f benchFile) float64 { return f.Enc })), "KB"},
		{"", measure(ss, file("wasm", func(f benchFile) float64 { return f.Dec })), "KB"},
		{"loader loaded (responseEnd)", measure(ss, file("loader", func(f benchFile) float64 { return f.End })), "ms"},
		{"wasm loaded (responseEnd)", measure(ss, file("wasm", func(f benchFile) float64 { return f.End })), "ms"},
		{"nav start → banner visible", measure(ss, func(s benchSample) float64 { return ptr(s.Banner) }), "ms"},
		{"nav start → wasm ready", measure(ss, func(s benchSample) float64 { return ptr(s.Ready) }), "ms"},
		{"wasm loaded → ready", measure(ss, func(s benchSample) float64 {
			f, ok := s.Res["wasm"]
			if !ok {
				return math.NaN()
			}
			return ptr(s.Ready) - f.End
		}), "ms"},
		{"wasm loaded → compiled", measure(ss, phase("compiled", "")), "ms"},
		{"instantiate (call → resolved)", measure(ss, phase("instEnd", "instStart")), "ms"},
		{"go.run, first task", measure(ss, phase("runEnd", "runStart")), "ms"},
		{"go.run called → ready", measure(ss, func(s benchSample) float64 { return ptr(s.Ready) - phase("runStart", "")(s) }), "ms"},
		{"long tasks (>50 ms), count", measure(ss, func(s benchSample) float64 { n, _, _ := s.longTasks(); return float64(n) }), ""},
		{"long tasks, total", measure(ss, func(s benchSample) float64 { _, tot, _ := s.longTasks(); return tot }), "ms"},
		{"longest task (if >50 ms)", measure(ss, func(s benchSample) float64 { _, _, m := s.longTasks(); return m }), "ms"},
		{"JS heap after GC", measure(ss, func(s benchSample) float64 { return s.Heap }), "MB"},
		{"wasm memory", measure(ss, func(s benchSample) float64 {
			if s.Mem < 0 {
				return math.NaN()
			}
			return s.Mem
		}), "MB"},
	}
	// "enc / dec" rows are one line: enc, then dec.
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		val := r.s.format(r.unit)
		if i+1 < len(rows) && rows[i+1].name == "" {
			val += " / " + rows[i+1].s.format(rows[i+1].unit)
			i++
		}
		fmt.Fprintf(out, "  %-30s %s\n", r.name, val)
	}
}

// benchBudgets prints each of DESIGN.md's browser budgets as held or missed,
// and by how much (on the median).
func benchBudgets(out *strings.Builder, get func(profile, visit string) []benchSample) {
	verdict := func(name string, got, limit float64, unit string) {
		if math.IsNaN(got) {
			fmt.Fprintf(out, "budget %-52s not measured\n", name)
			return
		}
		word := "held"
		if got > limit {
			word = fmt.Sprintf("MISSED by %.0f %s", got-limit, unit)
		}
		fmt.Fprintf(out, "budget %-52s %.0f %s (limit %.0f): %s\n", name, got, unit, limit, word)
	}
	cold, warm, thr := get("loopback", "cold"), get("loopback", "warm"), get("throttled", "cold")
	verdict("wasm ready, cold, loopback (median)", measure(cold, func(s benchSample) float64 { return ptr(s.Ready) }).med, 150, "ms")
	verdict("long tasks, cold, loopback (median count)", measure(cold, func(s benchSample) float64 { n, _, _ := s.longTasks(); return float64(n) }).med, 0, "")
	verdict("longest task, cold, throttled (median)", measure(thr, func(s benchSample) float64 { _, _, m := s.longTasks(); return m }).med, 100, "ms")
	verdict("longest task, cold, throttled (worst run)", measure(thr, func(s benchSample) float64 { _, _, m := s.longTasks(); return m }).max, 100, "ms")
	verdict("wasm bytes on the wire, warm (max)", measure(warm, file("wasm", func(f benchFile) float64 { return f.Transfer })).max, 0, "B")
	verdict("wasm ready, warm, loopback (median)", measure(warm, func(s benchSample) float64 { return ptr(s.Ready) }).med, 60, "ms")
	fmt.Fprintf(out, "(banner visible before the fastest JS banner: see ../shared/bench/cmp and README.md)\n")
}

func chromiumVersion() string {
	out, err := execOutput(env.chromium, "--version")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(out)
}

func machine() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	n, _ := execOutput("nproc")
	return fmt.Sprintf("%s CPU(s) %s", strings.TrimSpace(n), cpu)
}

func execOutput(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}

// phase is s.Phase[end] - s.Phase[start]; start "" is the wasm's
// responseEnd for "compiled", 0 otherwise.
func phase(end, start string) func(benchSample) float64 {
	return func(s benchSample) float64 {
		e, ok := s.Phase[end]
		if !ok {
			return math.NaN()
		}
		if start == "" {
			if end == "compiled" {
				f, ok := s.Res["wasm"]
				if !ok {
					return math.NaN()
				}
				return e - f.End
			}
			return e
		}
		b, ok := s.Phase[start]
		if !ok {
			return math.NaN()
		}
		return e - b
	}
}
