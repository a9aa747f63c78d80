package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// testServer is one Server with the embedded demo policy, shared by the
// read-only tests: building one compresses every asset (about a second).
var testServer = sync.OnceValues(func() (*Server, error) {
	return New(Options{PublicURL: "https://consent.example.test"})
})

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s, err := testServer()
	if err != nil {
		t.Fatal(err)
	}
	if s.statics.wasm == nil {
		t.Fatal("web/dist/doui.wasm is missing: run `make wasm`")
	}
	return s
}

// paths of the hashed assets, which change with every build.
func wasmPath(s *Server) string { return "/doui." + s.statics.wasm.hash + ".wasm" }
func wasmExecPath(s *Server) string {
	for name := range s.current.Load().fetched {
		if strings.HasPrefix(name, "wasm_exec.") {
			return "/" + name
		}
	}
	return "/wasm_exec.missing.js"
}
func cssPath(s *Server) string { return "/doui." + s.statics.css.hash + ".css" }

func get(t testing.TB, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// route is a path and the headers it must be served with.
type route struct {
	path, ctype, cache string
	cors               bool
}

const cacheYear, cacheRevalidate = "public, max-age=31536000, immutable", "no-cache"

func TestRoutes(t *testing.T) {
	s := newTestServer(t)
	checkRoutes(t, s, []route{
		{"/doui.js", "text/javascript; charset=utf-8", cacheRevalidate, true},
		{"/policy.json", "application/json", cacheRevalidate, true},
		{wasmPath(s), "application/wasm", cacheYear, true},
		{wasmExecPath(s), "text/javascript; charset=utf-8", cacheYear, true},
		{cssPath(s), "text/css; charset=utf-8", cacheYear, true},
		{"/privacy", "text/html; charset=utf-8", cacheRevalidate, false},
		{"/privacy?lang=en", "text/html; charset=utf-8", cacheRevalidate, false},
		{"/privacy?lang=xx", "text/html; charset=utf-8", cacheRevalidate, false},
		{"/page.css", "text/css; charset=utf-8", cacheRevalidate, false},
		{"/healthz", "application/json", "no-store", false},
	})
	if a, b := get(t, s, "GET", "/privacy?lang=en").Body.String(), get(t, s, "GET", "/privacy").Body.String(); a == b || !strings.Contains(a, `lang="en"`) {
		t.Error("/privacy?lang=en is not the English page")
	}
}

// checkRoutes GETs each route and checks its status and headers.
func checkRoutes(t *testing.T, s *Server, routes []route) {
	t.Helper()
	for _, tt := range routes {
		t.Run(tt.path, func(t *testing.T) {
			w := get(t, s, "GET", tt.path)
			if w.Code != 200 {
				t.Fatalf("status: got %d want 200", w.Code)
			}
			h := w.Header()
			if got := h.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type: got %q want %q", got, tt.ctype)
			}
			if got := h.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control: got %q want %q", got, tt.cache)
			}
			if got, want := h.Get("Access-Control-Allow-Origin"), map[bool]string{true: "*"}[tt.cors]; got != want {
				t.Errorf("Access-Control-Allow-Origin: got %q want %q", got, want)
			}
			if tt.cache != "no-store" {
				if got := h.Get("Vary"); got != "Accept-Encoding" {
					t.Errorf("Vary: got %q want Accept-Encoding", got)
				}
				if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(h.Get("ETag")) {
					t.Errorf("ETag: got %q, want a strong quoted hash", h.Get("ETag"))
				}
			}
		})
	}
}

func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		t.Fatalf("unknown Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return out
}

func TestEncodingNegotiation(t *testing.T) {
	s := newTestServer(t)
	tests := []struct{ accept, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "br"}, // what Chromium sends
		{"BR", "br"},
		{"br;q=0, gzip", "gzip"},
		{"br; q=0.0, gzip;q=0.5", "gzip"},
		{"gzip;q=0", ""},
		{"br;q=0, gzip;q=0", ""},
		{"*", "br"},
		{"*;q=0", ""},
		{"*, br;q=0", "gzip"},
		{"identity;q=0", ""}, // nothing else offered: identity anyway, never 406
		{"deflate", ""},
		{"x-gzip", "gzip"},
	}
	for _, path := range []string{"/doui.js", wasmPath(s), "/policy.json", "/privacy"} {
		want := get(t, s, "GET", path, "Accept-Encoding", "identity").Body.Bytes()
		for _, tt := range tests {
			t.Run(path+"/"+tt.accept, func(t *testing.T) {
				w := get(t, s, "GET", path, "Accept-Encoding", tt.accept)
				if got := w.Header().Get("Content-Encoding"); got != tt.want {
					t.Fatalf("Content-Encoding: got %q want %q", got, tt.want)
				}
				if got := w.Header().Get("Vary"); got != "Accept-Encoding" {
					t.Errorf("Vary: got %q want Accept-Encoding", got)
				}
				if got := decode(t, tt.want, w.Body.Bytes()); !bytes.Equal(got, want) {
					t.Errorf("decoded body differs from identity (%d vs %d bytes)", len(got), len(want))
				}
			})
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/doui.js", "/policy.json", wasmPath(s), "/privacy"} {
		etags := map[string]string{}
		for _, enc := range []string{"identity", "gzip", "br"} {
			etags[enc] = get(t, s, "GET", path, "Accept-Encoding", enc).Header().Get("ETag")
		}
		if etags["identity"] == etags["gzip"] || etags["gzip"] == etags["br"] || etags["identity"] == etags["br"] {
			t.Errorf("%s: each encoding needs its own ETag, got %v", path, etags)
		}
		for _, enc := range []string{"identity", "gzip", "br"} {
			tests := []struct {
				name, inm string
				want      int
			}{
				{"same", etags[enc], 304},
				{"weak", "W/" + etags[enc], 304},
				{"list", `"nope", ` + etags[enc], 304},
				{"star", "*", 304},
				{"other", `"0123"`, 200},
			}
			for _, other := range []string{"identity", "gzip", "br"} {
				if other != enc {
					tests = append(tests, struct {
						name, inm string
						want      int
					}{"etag of " + other, etags[other], 200})
				}
			}
			for _, tt := range tests {
				t.Run(path+"/"+enc+"/"+tt.name, func(t *testing.T) {
					w := get(t, s, "GET", path, "Accept-Encoding", enc, "If-None-Match", tt.inm)
					if w.Code != tt.want {
						t.Fatalf("status: got %d want %d", w.Code, tt.want)
					}
					if tt.want == 304 {
						if w.Body.Len() != 0 {
							t.Errorf("304 with a body of %d bytes", w.Body.Len())
						}
						if got := w.Header().Get("ETag"); got != etags[enc] {
							t.Errorf("304 ETag: got %q want %q", got, etags[enc])
						}
						if w.Header().Get("Cache-Control") == "" || w.Header().Get("Vary") == "" {
							t.Errorf("304 lost Cache-Control or Vary: %v", w.Header())
						}
					}
				})
			}
		}
	}
}

func TestRange(t *testing.T) {
	s := newTestServer(t)
	size := len(s.statics.wasm.body)
	tests := []struct {
		name, accept, rng string
		code              int
		body              string
		contentRange      string
	}{
		{"magic", "identity", "bytes=0-3", 206, "\x00asm", "bytes 0-3/" + itoa(size)},
		{"version", "identity", "bytes=4-7", 206, "\x01\x00\x00\x00", "bytes 4-7/" + itoa(size)},
		{"suffix", "identity", "bytes=-1", 206, string(s.statics.wasm.body[size-1:]), "bytes " + itoa(size-1) + "-" + itoa(size-1) + "/" + itoa(size)},
		{"brotli bytes", "br", "bytes=0-0", 206, string(s.statics.wasm.br[:1]), "bytes 0-0/" + itoa(len(s.statics.wasm.br))},
		{"past the end", "identity", "bytes=" + itoa(size+10) + "-", 416, "", "bytes */" + itoa(size)},
		{"garbage", "identity", "bytes=x-y", 416, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, s, "GET", wasmPath(s), "Accept-Encoding", tt.accept, "Range", tt.rng)
			if w.Code != tt.code {
				t.Fatalf("status: got %d want %d", w.Code, tt.code)
			}
			if tt.code == 206 && w.Body.String() != tt.body {
				t.Errorf("body: got %q want %q", w.Body.String(), tt.body)
			}
			if tt.contentRange != "" && w.Header().Get("Content-Range") != tt.contentRange {
				t.Errorf("Content-Range: got %q want %q", w.Header().Get("Content-Range"), tt.contentRange)
			}
			if tt.code == 416 {
				if enc := w.Header().Get("Content-Encoding"); enc != "" {
					t.Errorf("416 carries Content-Encoding %q on a plain-text body", enc)
				}
			}
		})
	}
	// If-Range with the current ETag honours the range; with another, the
	// whole representation comes back.
	etag := get(t, s, "GET", wasmPath(s)).Header().Get("ETag")
	if w := get(t, s, "GET", wasmPath(s), "Range", "bytes=0-3", "If-Range", etag); w.Code != 206 {
		t.Errorf("If-Range current: got %d want 206", w.Code)
	}
	if w := get(t, s, "GET", wasmPath(s), "Range", "bytes=0-3", "If-Range", `"old"`); w.Code != 200 || w.Body.Len() != size {
		t.Errorf("If-Range stale: got %d with %d bytes, want 200 with %d", w.Code, w.Body.Len(), size)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestHead(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/doui.js", "/policy.json", wasmPath(s), "/privacy", "/page.css"} {
		for _, enc := range []string{"identity", "br"} {
			t.Run(path+"/"+enc, func(t *testing.T) {
				g := get(t, s, "GET", path, "Accept-Encoding", enc)
				h := get(t, s, "HEAD", path, "Accept-Encoding", enc)
				if h.Code != 200 {
					t.Fatalf("status: got %d want 200", h.Code)
				}
				if h.Body.Len() != 0 {
					t.Errorf("HEAD body: got %d bytes want 0", h.Body.Len())
				}
				for _, k := range []string{"Content-Length", "Content-Type", "ETag", "Content-Encoding", "Cache-Control"} {
					if h.Header().Get(k) != g.Header().Get(k) {
						t.Errorf("%s: HEAD %q, GET %q", k, h.Header().Get(k), g.Header().Get(k))
					}
				}
				if h.Header().Get("Content-Length") != itoa(g.Body.Len()) {
					t.Errorf("Content-Length: got %s want %d", h.Header().Get("Content-Length"), g.Body.Len())
				}
			})
		}
	}
}

func TestMethods(t *testing.T) {
	s := newTestServer(t)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"} {
		for _, path := range []string{"/doui.js", wasmPath(s), "/policy.json", "/healthz", "/nope"} {
			t.Run(m+" "+path, func(t *testing.T) {
				w := get(t, s, m, path)
				if w.Code != 405 {
					t.Fatalf("status: got %d want 405", w.Code)
				}
				if got := w.Header().Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow: got %q want %q", got, "GET, HEAD")
				}
				checkSecurityHeaders(t, w.Header())
			})
		}
	}
}

// checkSecurityHeaders is what every response must carry.
func checkSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, bad := range []string{"unsafe-inline", "unsafe-eval'", "*"} {
		if strings.Contains(strings.ReplaceAll(csp, "'wasm-unsafe-eval'", ""), bad) {
			t.Errorf("CSP allows %s: %s", bad, csp)
		}
	}
	for _, want := range []string{"'wasm-unsafe-eval'", "frame-ancestors 'none'", "default-src 'self'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %s: %q", want, csp)
		}
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: got %q want %q", k, got, want)
		}
	}
	if pp := h.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "geolocation=()") {
		t.Errorf("Permissions-Policy: got %q", pp)
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	s := newTestServer(t)
	etag := get(t, s, "GET", "/doui.js").Header().Get("ETag")
	tests := []struct {
		name, method, path string
		hdr                []string
		code               int
	}{
		{"loader", "GET", "/doui.js", nil, 200},
		{"wasm", "GET", wasmPath(s), []string{"Accept-Encoding", "br"}, 200},
		{"glue", "GET", wasmExecPath(s), nil, 200},
		{"css", "GET", cssPath(s), nil, 200},
		{"policy", "GET", "/policy.json", nil, 200},
		{"privacy", "GET", "/privacy", nil, 200},
		{"index (demo only)", "GET", "/", nil, 404},
		{"healthz", "GET", "/healthz", nil, 200},
		{"head", "HEAD", "/doui.js", nil, 200},
		{"304", "GET", "/doui.js", []string{"If-None-Match", etag}, 304},
		{"206", "GET", wasmPath(s), []string{"Range", "bytes=0-3"}, 206},
		{"416", "GET", wasmPath(s), []string{"Range", "bytes=99999999-"}, 416},
		{"404", "GET", "/nope", nil, 404},
		{"404 demo", "GET", "/demo/nope/doui.js", nil, 404},
		{"405", "POST", "/doui.js", nil, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, s, tt.method, tt.path, tt.hdr...)
			if w.Code != tt.code {
				t.Fatalf("status: got %d want %d", w.Code, tt.code)
			}
			checkSecurityHeaders(t, w.Header())
		})
	}
}

func TestHSTSOnlyOverHTTPS(t *testing.T) {
	if hs := securityHeaders("http://127.0.0.1:8080", ""); headerValue(hs, "Strict-Transport-Security") != "" {
		t.Error("HSTS sent for an http public URL")
	}
	if hs := securityHeaders("https://consent.example.go.jp", ""); headerValue(hs, "Strict-Transport-Security") == "" {
		t.Error("no HSTS for an https public URL")
	}
}

func headerValue(hs []header, name string) string {
	for _, h := range hs {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// TestTraversal sends raw request lines, so that what reaches the handler
// is what net/http makes of them, not what a client library cleaned up.
func TestTraversal(t *testing.T) {
	s := newTestServer(t)
	ts := httptest.NewServer(s)
	defer ts.Close()
	targets := []string{
		"/../../../../etc/passwd",
		"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/..%2f..%2fetc/passwd",
		"/.%2e/.%2e/etc/passwd",
		"//etc/passwd",
		"///etc/passwd",
		"/demo/../../etc/passwd",
		"/demo/..%2f..%2fetc%2fpasswd/doui.js",
		"/privacy/../../server/main.go",
		"/doui.js/../../go.mod",
		"/doui.js/",
		"/doui.js%00.txt",
		"/.git/config",
		"/.env",
		"/.well-known/",
		"/.policy.json.swp",
		"/web/",
		"/web/policies/demo.json",
		"/policies/demo.json",
		"/templates/banner.html",
		"/dist/doui.wasm",
		"/dist/",
		"/demo/",
		"/demo/mic/",
		"/demo/mic/../../healthz",
		"/server/",
		"/\\..\\..\\etc\\passwd",
		"/%5c..%5c..%5cetc%5cpasswd",
		"/" + strings.Repeat("a/", 2000),
	}
	leak := regexp.MustCompile(`(?i)/etc|passwd|/work|/home|/tmp|\.go\b|go\.mod|open |no such file|permission|embed|runtime|panic|web/`)
	for _, target := range targets {
		t.Run(target[:min(len(target), 40)], func(t *testing.T) {
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: doui.test\r\nConnection: close\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 404 && resp.StatusCode != 400 {
				t.Fatalf("status: got %d want 404 (or 400): %q", resp.StatusCode, body)
			}
			if m := leak.Find(body); m != nil {
				t.Errorf("body leaks %q: %q", m, body)
			}
			if resp.StatusCode == 404 {
				checkSecurityHeaders(t, resp.Header)
				if got := strings.TrimSpace(string(body)); got != "Not Found" {
					t.Errorf("404 body: got %q want %q", got, "Not Found")
				}
			}
		})
	}
}
