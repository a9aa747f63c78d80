package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"github.com/doui-consent/doui/policyjson"
	"github.com/doui-consent/doui/web"
)

func benchServer(b *testing.B) *Server {
	b.Helper()
	s, err := testServer()
	if err != nil {
		b.Fatal(err)
	}
	if s.statics.wasm == nil {
		b.Fatal("web/dist/doui.wasm is missing: run `make wasm`")
	}
	return s
}

// BenchmarkBundleBuild is what a policy edit costs the server: render the
// markup per language, encode and minify doui.js, compress it (brotli 11).
func BenchmarkBundleBuild(b *testing.B) {
	s := benchServer(b)
	data, err := web.FS.ReadFile("policies/demo.json")
	if err != nil {
		b.Fatal(err)
	}
	p, err := policyjson.Parse("demo.json", data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := buildBundle(bundleOptions{name: "demo.json", policy: p, privacyURL: "https://consent.example.test/privacy", statics: &s.statics, min: s.min, tmpl: s.tmpl}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPolicyEditServed measures DESIGN.md's "policy edit → served"
// budget (1 s): from writing a valid edit of the policy file to
// /policy.json serving it, through the watcher (its 50 ms debounce
// included), the parse and the bundle build (brotli 11). One op is one
// edit; ns/op is the latency, to 5 ms (the poll interval).
func BenchmarkPolicyEditServed(b *testing.B) {
	s, file, _ := reloadServer(b)
	watching(b, s)
	policy := demoPolicy(b)
	prev := "v1"
	i := 0
	for b.Loop() {
		i++
		v := "bench" + strconv.Itoa(i)
		if err := os.WriteFile(file, withVersion(b, policy, v), 0o644); err != nil {
			b.Fatal(err)
		}
		waitVersion(b, s, v, prev)
		prev = v
	}
}

// benchServe measures one GET of path through ServeHTTP (routing, headers,
// the precompressed variant), as a browser asks for it.
func benchServe(b *testing.B, path string) {
	s := benchServer(b)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	req.Header.Set("Origin", "https://www.example.go.jp")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "br" {
		b.Fatalf("GET %s: %d %q", path, w.Code, w.Header().Get("Content-Encoding"))
	}
	b.SetBytes(int64(w.Body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		w := &discardWriter{h: http.Header{}}
		s.ServeHTTP(w, req)
	}
}

func BenchmarkServeLoader(b *testing.B) { benchServe(b, "/doui.js") }

func BenchmarkServeWasm(b *testing.B) { benchServe(b, wasmPath(benchServer(b))) }

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the server and not a recorder's buffer growth.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
