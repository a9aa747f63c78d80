package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doui-consent/doui/e2e/testkit"
)

// demoTracker is the tracker origin the demo tests hand the server; no
// tracker listens there, only headers and pages name it.
const demoTracker = "http://127.0.0.2:9"

// demoServer is `doui serve -demo`: the embedded demo policy and the
// demo pages, shared by the read-only tests like testServer.
var demoServer = sync.OnceValues(func() (*Server, error) {
	return New(Options{PublicURL: "https://consent.example.test", Demo: true, TrackerURL: demoTracker})
})

func newDemoServer(t *testing.T) *Server {
	t.Helper()
	s, err := demoServer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDemo: with -demo the demo pages are served, and the demo's pages,
// only they, allow the tracker's origin in their CSP.
func TestDemo(t *testing.T) {
	s := newDemoServer(t)
	checkRoutes(t, s, []route{
		{"/", "text/html; charset=utf-8", cacheRevalidate, false},
		{"/admin", "text/html; charset=utf-8", cacheRevalidate, false},
		{"/demo/mic", "text/html; charset=utf-8", cacheRevalidate, false},
		{"/demo/mic/doui.js", "text/javascript; charset=utf-8", cacheRevalidate, true},
		{"/demo/mic/privacy", "text/html; charset=utf-8", cacheRevalidate, false},
	})
	if body := get(t, s, "GET", "/").Body.String(); !strings.Contains(body, "デモ省") || !strings.Contains(body, demoTracker+"/gtag/js") {
		t.Errorf("/ is not the demo ministry's page with the tracker's tag: %.200s", body)
	}
	for _, p := range []string{"/", "/admin", "/demo/mic"} {
		h := get(t, s, "GET", p).Header()
		checkSecurityHeaders(t, h)
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval' "+demoTracker+";") {
			t.Errorf("%s: the CSP does not allow the demo tracker's scripts: %s", p, csp)
		}
	}
	for _, p := range []string{"/privacy", "/doui.js", "/demo/mic/doui.js", "/demo/mic/privacy", "/nope", "/demo/nope", "/demo/mic/"} {
		if csp := get(t, s, "GET", p).Header().Get("Content-Security-Policy"); strings.Contains(csp, "127.0.0.2") {
			t.Errorf("%s: CSP names the demo tracker outside the demo's pages: %s", p, csp)
		}
	}
	for _, p := range []string{"/demo/nope", "/demo/mic/", "/demo/mic/nope", "/demo/", "/demo"} {
		if w := get(t, s, "GET", p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: got %d want 404", p, w.Code)
		}
	}
}

// TestDemoWithoutTracker: an empty -demo-tracker leaves out of the demo's page
// what only the tracker makes true (the sentence naming its origin, the
// analytics status, the video section), not just the tags: no heading
// over nothing, no empty origin.
func TestDemoWithoutTracker(t *testing.T) {
	s, err := New(Options{PublicURL: "https://consent.example.test", Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	body := get(t, s, "GET", "/").Body.String()
	if !strings.Contains(body, "デモ省へようこそ") {
		t.Fatalf("/ is not the demo ministry's page: %.200s", body)
	}
	for _, what := range []string{"<code></code>", "tracker-status", "動画でわかるデモ省", "<iframe"} {
		if strings.Contains(body, what) {
			t.Errorf("the demo page without a tracker has %q", what)
		}
	}
}

// demoOnlyPaths are what the demo adds to a server.
var demoOnlyPaths = []string{"/", "/admin", "/demo/mic", "/demo/mic/doui.js", "/demo/mic/privacy", "/demo/tokyo"}

// TestServeWithoutDemo is `doui serve -policy FILE` as an admin runs it:
// no demo page, and no response (errors, 304s and 405s included) names the
// demo tracker's origin.
func TestServeWithoutDemo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, demoPolicy(t), 0o644); err != nil {
		t.Fatal(err)
	}
	// A tracker URL without the demo is what the old default flags
	// produced: it must not reach any header.
	s, err := New(Options{Policy: file, PublicURL: "https://consent.example.test", TrackerURL: demoTracker})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demoOnlyPaths {
		if w := get(t, s, "GET", p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s without the demo: got %d want 404", p, w.Code)
		}
	}
	etag := get(t, s, "GET", "/doui.js").Header().Get("ETag")
	requests := []struct {
		method, path string
		hdr          []string
	}{
		{"GET", "/doui.js", nil},
		{"GET", "/doui.js", []string{"If-None-Match", etag}},
		{"GET", "/policy.json", nil},
		{"GET", "/privacy", nil},
		{"GET", "/privacy?lang=en", nil},
		{"GET", "/page.css", nil},
		{"GET", "/healthz", nil},
		{"GET", cssPath(s), nil},
		{"GET", "/nope", nil},
		{"POST", "/doui.js", nil},
	}
	for _, p := range demoOnlyPaths {
		requests = append(requests, struct {
			method, path string
			hdr          []string
		}{"GET", p, nil})
	}
	for _, r := range requests {
		w := get(t, s, r.method, r.path, r.hdr...)
		for k, vs := range w.Header() {
			for _, v := range vs {
				if strings.Contains(v, "127.0.0.2") {
					t.Errorf("%s %s: header %s names the demo tracker: %s", r.method, r.path, k, v)
				}
			}
		}
	}
	if w := get(t, s, "GET", "/privacy"); w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte("127.0.0.2")) {
		t.Errorf("/privacy: got %d, or a body that names the demo tracker", w.Code)
	}
}

// TestServeFlags: the demo is opt-in, and a production server needs a
// policy of its own. Each bad command line must end at once with a usage
// error instead of serving.
func TestServeFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, demoPolicy(t), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"no policy, no demo", []string{"-addr", "127.0.0.1:0", "-log", "off"}, "-policy"},
		{"tracker without demo", []string{"-addr", "127.0.0.1:0", "-log", "off", "-policy", file, "-demo-tracker", "127.0.0.2:0"}, "-demo-tracker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr testkit.SyncBuffer
			done := make(chan int, 1)
			go func() { done <- run(append([]string{"serve"}, tt.args...), nil, &stderr, &stderr) }()
			select {
			case code := <-done:
				if code != 2 || !strings.Contains(stderr.String(), tt.msg) {
					t.Errorf("doui serve %v: got exit %d %q, want 2 and a message naming %s", tt.args, code, stderr.String(), tt.msg)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("doui serve %v: still serving after 5s, want a usage error (exit 2)", tt.args)
			}
		})
	}
}
