// Package e2e runs doui in a real headless Chromium: the doui server on one
// loopback origin, a site that drops the snippet in on a second, fake
// trackers on a third, counting every request they get.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/doui-consent/doui/e2e/testkit"
)

// env is shared by the tests of one run.
var env struct {
	bin      string // the built doui command
	chromium string
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	bin, remove, err := testkit.BuildDoui("doui-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "build doui:", err)
		return 1
	}
	defer remove()
	env.bin = bin
	env.chromium = findChromium()
	if env.chromium == "" {
		if os.Getenv("DOUI_REQUIRE_BROWSER") != "" {
			fmt.Fprintln(os.Stderr, "e2e: Chromium not found (install Debian's chromium: apt-get install -y chromium)")
			return 1
		}
		fmt.Fprintln(os.Stderr, "e2e: Chromium not found; browser tests fail (set up with .ci/run)")
		return 1
	}
	return m.Run()
}

func findChromium() string {
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// douiServer is a running `doui serve`, with the policy file it serves
// when startDoui started it.
type douiServer struct {
	*testkit.Server
	policy string
}

// startDoui runs doui serve on a free port of 127.0.0.1 with a copy of the
// given policy (a path relative to the repository root).
func startDoui(t *testing.T, policy string) *douiServer {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", policy))
	if err != nil {
		t.Fatal(err)
	}
	pf := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(pf, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s := runDoui(t, testkit.FreeAddr(t, "127.0.0.1"), "-policy", pf)
	s.policy = pf
	return s
}

// runDoui starts `doui serve -addr addr args...` and waits until /healthz
// answers; the process is interrupted when the test ends.
func runDoui(t *testing.T, addr string, args ...string) *douiServer {
	t.Helper()
	return &douiServer{Server: testkit.Serve(t, env.bin, addr, args...)}
}

// healthz returns the body of /healthz.
func (s *douiServer) healthz(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(s.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// fingerprint is the policy fingerprint /healthz reports.
func (s *douiServer) fingerprint(t *testing.T) string {
	t.Helper()
	_, after, _ := strings.Cut(s.healthz(t), `"fingerprint": "`)
	fp, _, _ := strings.Cut(after, `"`)
	return fp
}

// serveOn starts h on a free port of host (127.0.0.2, 127.0.0.3 … are
// distinct origins) and returns its origin URL.
func serveOn(t *testing.T, host string, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// browserFlags start Chromium the way this machine needs it: headless, no
// network beyond loopback, real tracker host names mapped to the fake
// trackers on 127.0.0.3.
func browserFlags(profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(env.chromium),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-features", "HttpsUpgrades,LocalNetworkAccessChecks"),
		chromedp.Flag("host-resolver-rules", "MAP www.googletagmanager.com 127.0.0.3, MAP www.google-analytics.com 127.0.0.3, MAP www.youtube.com 127.0.0.3, MAP www.youtube-nocookie.com 127.0.0.3, MAP cdn.matomo.cloud 127.0.0.3"),
		chromedp.WindowSize(1280, 900),
	}
}

// browser starts a fresh Chromium (new profile: no cookies, storage or
// cache) for one test and returns its tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes may still be writing the
	// profile for a moment after the browser is told to exit.
	profile, err := os.MkdirTemp("", "doui-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	alloc, acancel := chromedp.NewExecAllocator(context.Background(), browserFlags(profile)...)
	t.Cleanup(acancel)
	// chromedp logs CDP events it does not know as errors; they are not.
	logf := func(format string, args ...any) {
		if !strings.Contains(format, "unhandled") {
			t.Logf(format, args...)
		}
	}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(logf))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(tcancel)
	pn := &pageNet{open: map[network.RequestID]openRequest{}, held: map[network.RequestID]bool{}}
	ctx = context.WithValue(ctx, pageNetKey{}, pn)
	var consoleMu sync.Mutex
	var console []string
	var jsErrors []string
	// Listen, not chromedp.Events: the console check at the end of the test
	// and networkIdle must have seen every event that came before the reply
	// to their last command, and only Listen's func runs in the tab's own
	// loop, in order, before that reply is read (Events' iterators deliver
	// from another goroutine, later).
	err = chromedp.Listen(ctx, func(ev any) {
		pn.see(ev)
		consoleMu.Lock()
		defer consoleMu.Unlock()
		switch e := ev.(type) {
		case *network.EventLoadingFailed:
			if !e.Canceled && e.BlockedReason == "" {
				console = append(console, "loading failed: "+e.ErrorText)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				jsErrors = append(jsErrors, "console."+string(e.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			jsErrors = append(jsErrors, "exception: "+msg)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, send(network.Enable, network.EnableParams{}))
	// No console errors on the happy path: a test that provokes one on
	// purpose says so with allowConsoleErrors.
	t.Cleanup(func() {
		consoleMu.Lock()
		defer consoleMu.Unlock()
		if len(jsErrors) > 0 && !allowed[t.Name()] {
			t.Errorf("console errors in the page: %q", jsErrors)
		}
		if t.Failed() {
			t.Logf("browser events: %q", console)
		}
	})
	return ctx
}

// pageNet is what a tab's page asked the network for and has not received
// yet, from the Network domain's events. Requests that the test itself
// holds back (Fetch domain, see holdWasm) are set apart: they end when the
// test says so, not when the page is done.
type pageNet struct {
	mu   sync.Mutex
	open map[network.RequestID]openRequest
	held map[network.RequestID]bool
}

type openRequest struct {
	url    string
	loader cdp.LoaderID // the document that asked
}

type pageNetKey struct{}

// see takes one event of the tab; it runs in the tab's loop (Listen).
func (n *pageNet) see(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if strings.HasPrefix(e.Request.URL, "http") {
			n.open[e.RequestID] = openRequest{e.Request.URL, e.LoaderID} // a redirect keeps its id: still open
		}
	case *network.EventResponseReceived:
		// A frame's document from another site loads in a process (and a
		// target) of its own: this tab sees its request and response, not
		// its end. The response is enough: the server has seen the request.
		if e.Type == network.ResourceTypeDocument {
			delete(n.open, e.RequestID)
		}
	case *network.EventLoadingFinished:
		delete(n.open, e.RequestID)
		delete(n.held, e.RequestID)
	case *network.EventLoadingFailed:
		delete(n.open, e.RequestID)
		delete(n.held, e.RequestID)
	case *fetch.EventRequestPaused:
		n.held[e.NetworkID] = true
	case *page.EventFrameNavigated:
		// A new document in the tab: what the old one still had in flight
		// was dropped with it, and Chromium does not always say so.
		if e.Frame.ParentID == "" {
			for id, r := range n.open {
				if r.loader != "" && r.loader != e.Frame.LoaderID {
					delete(n.open, id)
				}
			}
		}
	}
}

// pending lists the requests still open, apart from the held ones.
func (n *pageNet) pending() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for id, r := range n.open {
		if !n.held[id] {
			out = append(out, r.url)
		}
	}
	return out
}

// eventually polls cond until it holds or 20 s have passed and returns its
// last answer. A positive check (a request seen, a cookie set, an element
// shown) waits with it: it passes as soon as the thing happens, and the
// check after it says what failed.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(25 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// quiet waits until the page has done what it is going to do, for the
// checks that something did NOT happen: no tracker request, no cookie, the
// banner not back, no layout shift, no axe violation. An absence cannot be
// polled for: it can only be looked at after a wait. This wait ends on
// signs that the work is over, not after a fixed time: the engine has
// settled (up, failed, or not wanted; engineSettled), then the page's
// network is idle (networkIdle). A positive check never waits for quiet:
// it polls with eventually.
func quiet() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(waitSettled(), networkIdle())
}

// networkIdle waits until every request the page has started has finished,
// twice in a row, each time after a turn of the page's event loop (two
// animation frames and a timer): work that a click or the engine's start
// queued has run and asked for what it asks for, and a script that just
// arrived has run and may have asked for more. Chromium reports a request
// (Network.requestWillBeSent) in the task that starts it, and Listen sees
// that event before the reply to the turn, so a request started before the
// turn ended is counted. Requests the test holds back do not count, so
// that it also works while the engine is held (see holdWasm). It fails
// after 20 s, naming what is still loading.
func networkIdle() chromedp.Action[chromedp.Void] {
	turn := chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))`, chromedp.EvalAwaitPromise)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		pn := ctx.Value(pageNetKey{}).(*pageNet)
		deadline := time.Now().Add(20 * time.Second)
		for idle := 0; idle < 2; {
			if _, err := turn(ctx, t); err != nil {
				return err
			}
			open := pn.pending()
			if len(open) == 0 {
				idle++
				continue
			}
			idle = 0
			if time.Now().After(deadline) {
				return fmt.Errorf("page still loading after 20 s: %q", open)
			}
		}
		return nil
	})
}

// addScript runs src before any page script on every navigation.
func addScript(src string) chromedp.Action[chromedp.Void] {
	return send(page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
}

// captureWarnings keeps every console.warn of the pages that follow in
// window.__warns (and still prints it), for tests of doui's warnings.
func captureWarnings() chromedp.Action[chromedp.Void] {
	return addScript(`window.__warns = []; const w = console.warn; console.warn = (...a) => { __warns.push(a.join(' ')); w(...a); };`)
}

// send is a step that sends one protocol command and drops its result.
func send[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

// allowed lists the tests that expect console errors (set before browser()).
var allowed = map[string]bool{}

func allowConsoleErrors(t *testing.T) { allowed[t.Name()] = true }

// run runs steps in the tab, in order, and fails the test on an error.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// get runs an action that returns a value and returns it; an error fails
// the test.
func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// eval evaluates expr in the page and returns its value as a T.
func eval[T any](t *testing.T, ctx context.Context, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	return get(t, ctx, chromedp.Evaluate[T](expr, opts...))
}

// startEngine starts the engine without a choice (a command pushed on
// window.doui is work for it) and waits until it is ready.
func startEngine() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Evaluate[chromedp.Void](`window.doui.push(function () {})`), waitReady())
}

// waitReady waits until the wasm has taken over window.doui.
func waitReady() chromedp.Action[chromedp.Void] {
	return pollPage[chromedp.Void](`window.doui && window.doui.ready === true`)
}

// pollPage polls expr in the page until it is truthy, for up to 20 s, and
// returns its value. A poll runs in the page's JavaScript context as
// chromedp last saw it; right after a navigation that context can already
// be gone (Chromium: "Cannot find context with specified id", seen under
// load), and then the poll starts again in the new document's.
func pollPage[T any](expr string) chromedp.Action[T] {
	poll := chromedp.Poll[T](expr, chromedp.WithPollingTimeout(20*time.Second))
	return func(ctx context.Context, t *chromedp.Target) (T, error) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			v, err := poll(ctx, t)
			var e *cdproto.Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, "Cannot find context") || time.Now().After(deadline) {
				return v, err
			}
			time.Sleep(25 * time.Millisecond) // for chromedp to see the new context
		}
	}
}

// engineSettled is true once the loader has put doui's markup in, the
// placeholder code has run if the page needed it (__doui.f), and the
// engine is either up, failed, or not wanted (the loader starts it only
// when there is work for it: __doui.b).
const engineSettled = `!!(window.__doui && __doui.root && document.readyState === 'complete' &&
	(!__doui.f || __doui.frames) &&
	(!__doui.b || __doui.failed || (window.doui && window.doui.ready === true)))`

// waitSettled waits for engineSettled.
func waitSettled() chromedp.Action[chromedp.Void] {
	return pollPage[chromedp.Void](engineSettled)
}

// waitReloaded waits, after an action that makes doui reload the page (a
// withdrawal of something that ran), for the new page with its engine
// ready. The page must have been marked with markPage before the action.
// The old page's execution context goes away under a poll, so this polls
// from here, one evaluation at a time.
func waitReloaded(t *testing.T, ctx context.Context) {
	t.Helper()
	var err error
	fresh := eventually(func() bool {
		try, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		var ok bool
		ok, err = chromedp.Run(try, chromedp.Evaluate[bool](`window.__before === undefined && !!window.doui && window.doui.ready === true`))
		return err == nil && ok
	})
	if !fresh {
		t.Fatalf("no reload (last error %v)", err)
	}
}

// markPage marks the current document, for waitReloaded.
func markPage() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`window.__before = 1`)
}

// bannerVisible reports whether the banner is shown.
func bannerVisible(t *testing.T, ctx context.Context) bool {
	t.Helper()
	return eval[bool](t, ctx, `(() => { const b = document.querySelector('[data-doui="banner"]'); return !!b && !b.hidden && b.checkVisibility(); })()`)
}
