// Package e2e runs doui in a real headless Chromium: the doui server on one
// loopback origin, a site that drops the snippet in on a second, fake
// trackers on a third, counting every request they get.
package e2e

import (
	"context"
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

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
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
	dir, err := os.MkdirTemp("", "doui-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	env.bin = filepath.Join(dir, "doui")
	build := exec.Command("go", "build", "-o", env.bin, "../server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build doui:", err)
		return 1
	}
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

// douiServer is a running `doui serve`.
type douiServer struct {
	URL    string
	policy string
	cmd    *exec.Cmd
	log    *syncBuffer
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
	addr := freeAddr(t, "127.0.0.1")
	s := runDoui(t, addr, "-policy", pf)
	s.policy = pf
	return s
}

// runDoui starts `doui serve -addr addr args...` and waits until /healthz
// answers; the process is interrupted when the test ends.
func runDoui(t *testing.T, addr string, args ...string) *douiServer {
	t.Helper()
	s := &douiServer{URL: "http://" + addr, log: &syncBuffer{}}
	s.cmd = exec.Command(env.bin, append([]string{"serve", "-addr", addr}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		s.cmd.Wait()
		if t.Failed() {
			t.Logf("doui log:\n%s", s.log.String())
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("doui did not come up: %v\n%s", err, s.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
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

func freeAddr(t *testing.T, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
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
	quiet := func(format string, args ...any) {
		if !strings.Contains(format, "unhandled") {
			t.Logf(format, args...)
		}
	}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(quiet))
	t.Cleanup(cancel)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(tcancel)
	var consoleMu sync.Mutex
	var console []string
	var jsErrors []string
	chromedp.ListenTarget(ctx, func(ev any) {
		consoleMu.Lock()
		defer consoleMu.Unlock()
		switch e := ev.(type) {
		case *network.EventLoadingFailed:
			if !e.Canceled && e.BlockedReason == "" {
				console = append(console, "loading failed: "+e.ErrorText)
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
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
	if err := chromedp.Run(ctx, network.Enable()); err != nil {
		t.Fatal(err)
	}
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

// eventually polls cond until it holds or 10 s have passed, for positive
// checks on what a page requests: the check after it says what failed.
func eventually(cond func() bool) {
	for deadline := time.Now().Add(10 * time.Second); !cond() && time.Now().Before(deadline); {
		time.Sleep(25 * time.Millisecond)
	}
}

// pageAddScript runs src before any page script on every navigation.
func pageAddScript(ctx context.Context, src string) (page.ScriptIdentifier, error) {
	return page.AddScriptToEvaluateOnNewDocument(src).Do(ctx)
}

// allowed lists the tests that expect console errors (set before browser()).
var allowed = map[string]bool{}

func allowConsoleErrors(t *testing.T) { allowed[t.Name()] = true }

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// waitReady waits until the wasm has taken over window.doui.
func waitReady() chromedp.Action {
	return chromedp.Poll(`window.doui && window.doui.ready === true`, nil, chromedp.WithPollingTimeout(20*time.Second))
}

// engineSettled is true once the loader has put doui's markup in and the
// engine is either up, failed, or not wanted (the loader starts it only
// when there is work for it: __doui.b).
const engineSettled = `!!(window.__doui && __doui.root && document.readyState === 'complete' &&
	(!__doui.b || __doui.failed || (window.doui && window.doui.ready === true)))`

// waitSettled waits for engineSettled.
func waitSettled() chromedp.Action {
	return chromedp.Poll(engineSettled, nil, chromedp.WithPollingTimeout(20*time.Second))
}

// bannerVisible reports whether the banner is shown.
func bannerVisible(t *testing.T, ctx context.Context) bool {
	t.Helper()
	var v bool
	run(t, ctx, chromedp.Evaluate(`(() => { const b = document.querySelector('[data-doui="banner"]'); return !!b && !b.hidden && b.checkVisibility(); })()`, &v))
	return v
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
