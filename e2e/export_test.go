package e2e

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/doui-consent/doui/e2e/testkit"
)

var benchWrk = flag.Bool("bench-wrk", false, "run TestWrkBench: wrk against doui serve and nginx serving `doui export`")

const brotliModule = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"

// exportTo runs `doui export` for the demo policy, for files served at
// publicURL, and returns the export directory.
func exportTo(t *testing.T, publicURL string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command(env.bin, "export", "-policy", "../web/policies/demo.json", "-public-url", publicURL, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("doui export: %v\n%s", err, out)
	}
	return dir
}

// startNginx runs Debian's nginx in the foreground on addr, serving the
// export in dir with the nginx rules the export wrote, as its docs say to
// include them. It stops at the end of the test.
func startNginx(t *testing.T, addr, dir string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin = "/usr/sbin/nginx"; !fileExists(bin) {
			t.Fatal("nginx not found (apt-get install -y nginx libnginx-mod-http-brotli-static)")
		}
	}
	prefix := t.TempDir()
	include := filepath.Join(dir, "nginx", "doui.conf")
	var head strings.Builder
	if os.Geteuid() == 0 {
		// Workers would run as nobody, who cannot read a test's 0700
		// temporary directories.
		head.WriteString("user root;\n")
	}
	if fileExists(brotliModule) {
		fmt.Fprintf(&head, "load_module %s;\n", brotliModule)
	} else {
		// Without ngx_brotli, the export's docs say to drop brotli_static.
		conf, err := os.ReadFile(include)
		if err != nil {
			t.Fatal(err)
		}
		include = filepath.Join(prefix, "doui.conf")
		os.WriteFile(include, regexp.MustCompile(`(?m)^\s*brotli_static on;\n`).ReplaceAll(conf, nil), 0o644)
		t.Log("nginx without ngx_brotli: serving gzip only")
	}
	conf := fmt.Sprintf(`%sworker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    server {
        listen %[3]s;
        root %[4]s;
        include %[5]s;
        location / { return 404; }
    }
}
`, head.String(), prefix, addr, filepath.Join(dir, "public"), include)
	cf := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var log testkit.SyncBuffer
	cmd := exec.Command(bin, "-p", prefix, "-c", cf, "-e", filepath.Join(prefix, "error.log"), "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // nginx: fast shutdown
		cmd.Wait()
		if t.Failed() {
			el, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			t.Logf("nginx output:\n%s\nerror.log:\n%s", log.String(), el)
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/doui.js")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			el, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			t.Fatalf("nginx did not come up: %v\n%s\n%s", err, log.String(), el)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// siteFor is newSite with doui served from douiURL (any server), and the
// page sent with the given Content-Security-Policy ("" for none). In csp,
// {doui} and {tracker} stand for the two origins.
func siteFor(t *testing.T, douiURL, csp string) *site {
	t.Helper()
	s := &site{doui: &douiServer{Server: &testkit.Server{URL: douiURL}}, tracker: newFakeTracker()}
	trackerURL := serveOn(t, "127.0.0.3", s.tracker)
	csp = strings.NewReplacer("{doui}", douiURL, "{tracker}", trackerURL).Replace(csp)
	s.URL = serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = "ja"
		}
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, sitePage, lang, douiURL, trackerURL, "", trackerURL)
	}))
	return s
}

// acceptAndReject runs the drop-in flow on s in two fresh browsers: the
// banner shows and nothing is sent; accept loads the tracker once; reject
// (in the other) loads nothing.
func acceptAndReject(t *testing.T, s *site) {
	t.Helper()
	ctx := browser(t)
	watchCSP(t, ctx)
	s.open(t, ctx, "")
	if !eventually(func() bool { return bannerVisible(t, ctx) }) {
		t.Fatal("banner not visible on first visit")
	}
	run(t, ctx, quiet())
	if n := s.tracker.count(""); n != 0 {
		t.Fatalf("tracker requests before consent: got %d want 0", n)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	eventually(func() bool { return s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet()) // and nothing loads twice, or violates the CSP late
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Fatalf("tracker script after accept: got %d want 1", n)
	}
	if bannerVisible(t, ctx) {
		t.Error("banner still visible after accept")
	}
	if v := cspViolations(t, ctx); len(v) > 0 {
		t.Errorf("CSP violations: %q", v)
	}

	before := s.tracker.count("")
	ctx2 := browser(t)
	s.open(t, ctx2, "")
	run(t, ctx2, click(`[data-doui="banner"] [data-doui-action="reject-all"]`))
	if !eventually(func() bool { return stored(t, ctx2, "r") }) {
		t.Fatalf("no refusal stored: cookies %v", cookies(t, ctx2))
	}
	s.open(t, ctx2, "")
	run(t, ctx2, quiet())
	if n := s.tracker.count(""); n != before {
		t.Errorf("tracker requests after reject: got %d want 0", n-before)
	}
	if bannerVisible(t, ctx2) {
		t.Error("banner shown again after reject + reload")
	}
}

// watchCSP records the page's CSP violations in window.__csp, from before
// any of its scripts run (Chrome reports them to the DevTools log, not to
// the console API the harness watches).
func watchCSP(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, addScript(`window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));`))
}

func cspViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `window.__csp || []`)
}

// TestExportServedByNginx exports the demo policy, serves it with Debian's
// nginx and the export's own nginx rules, checks the headers nginx sends,
// then runs the drop-in flow against it.
func TestExportServedByNginx(t *testing.T) {
	addr := testkit.FreeAddr(t, "127.0.0.1")
	dir := exportTo(t, "http://"+addr)
	url := startNginx(t, addr, dir)

	wasm, _ := filepath.Glob(filepath.Join(dir, "public", "doui.*.wasm"))
	if len(wasm) != 1 {
		t.Fatalf("exported wasm: got %v", wasm)
	}
	wasmPath := "/" + filepath.Base(wasm[0])
	tests := []struct {
		path, accept, ctype, enc, cache string
		cors                            bool
	}{
		{"/doui.js", "br", "text/javascript; charset=utf-8", "br", "no-cache", true},
		{"/doui.js", "gzip", "text/javascript; charset=utf-8", "gzip", "no-cache", true},
		{"/doui.js", "identity", "text/javascript; charset=utf-8", "", "no-cache", true},
		{wasmPath, "br", "application/wasm", "br", "public, max-age=31536000, immutable", true},
		{wasmPath, "gzip", "application/wasm", "gzip", "public, max-age=31536000, immutable", true},
		{"/policy.json", "gzip", "application/json", "gzip", "no-cache", true},
		{"/privacy", "gzip", "text/html; charset=utf-8", "gzip", "no-cache", false},
		{"/privacy?lang=en", "", "text/html; charset=utf-8", "", "no-cache", false},
	}
	if !fileExists(brotliModule) {
		tests = tests[1:]
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.accept, func(t *testing.T) {
			req, _ := http.NewRequest("GET", url+tt.path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != 200 {
				t.Fatalf("status: got %d want 200", resp.StatusCode)
			}
			for k, want := range map[string]string{
				"Content-Type":           tt.ctype,
				"Content-Encoding":       tt.enc,
				"Cache-Control":          tt.cache,
				"Vary":                   "Accept-Encoding",
				"X-Content-Type-Options": "nosniff",
			} {
				if got := strings.Join(h.Values(k), ", "); got != want {
					t.Errorf("%s: got %q want %q", k, got, want)
				}
			}
			if got := h.Get("Access-Control-Allow-Origin") == "*"; got != tt.cors {
				t.Errorf("Access-Control-Allow-Origin: got %q, want CORS %v", h.Get("Access-Control-Allow-Origin"), tt.cors)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "'wasm-unsafe-eval'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy: got %q", csp)
			}
			if strings.HasPrefix(tt.path, "/privacy") {
				wantLang := `lang="ja"`
				if strings.Contains(tt.path, "lang=en") {
					wantLang = `lang="en"`
				}
				if tt.enc == "" && !strings.Contains(string(body), wantLang) {
					t.Errorf("%s is not the %s page", tt.path, wantLang)
				}
			}
			// A revalidation with nginx's ETag is a 304.
			if etag := h.Get("ETag"); etag != "" {
				req.Header.Set("If-None-Match", etag)
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 304 {
					t.Errorf("If-None-Match %s: got %d want 304", etag, resp.StatusCode)
				}
			}
		})
	}
	for _, p := range []string{"/_headers", "/_redirects", "/../nginx/doui.conf", "/nope"} {
		resp, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("%s: got %d want 404 (or 400)", p, resp.StatusCode)
		}
	}

	acceptAndReject(t, siteFor(t, url, ""))
}

// siteCSP is the Content-Security-Policy README.md tells a site to
// send, with {doui} for doui's origin and {tracker} for the site's own
// third parties (which its CSP allows anyway). Keep the two in step.
const siteCSP = "default-src 'self'; " +
	"script-src 'self' {doui} 'wasm-unsafe-eval' {tracker}; " +
	"connect-src 'self' {doui} {tracker}; " +
	"img-src 'self' {tracker}; " +
	"frame-src {tracker}; " +
	"style-src 'self'; " +
	"object-src 'none'; base-uri 'self'"

// TestBannerUnderSiteCSP runs the drop-in flow on a page that sends exactly
// the documented CSP: a violation is a console error, which fails the test.
func TestBannerUnderSiteCSP(t *testing.T) {
	d := startDoui(t, "web/policies/demo.json")
	s := siteFor(t, d.URL, siteCSP)
	s.doui = d
	acceptAndReject(t, s)
}

// TestBannerUnderSiteCSPWithoutWasmEval: without 'wasm-unsafe-eval' the
// wasm cannot start; the banner still shows (it is the loader's) and
// nothing is sent, even on accept.
func TestBannerUnderSiteCSPWithoutWasmEval(t *testing.T) {
	allowConsoleErrors(t)
	d := startDoui(t, "web/policies/demo.json")
	s := siteFor(t, d.URL, strings.Replace(siteCSP, " 'wasm-unsafe-eval'", "", 1))
	ctx := browser(t)
	watchCSP(t, ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="banner"]`)),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`),
		quiet()) // the engine failed (settled) and the page went idle
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests without the wasm: got %d want 0", n)
	}
	if v := cspViolations(t, ctx); len(v) == 0 {
		t.Error("no CSP violation recorded without 'wasm-unsafe-eval': is watchCSP working?")
	} else {
		t.Logf("violations, as expected: %q", v)
	}
}

// TestWrkBench measures doui serve against nginx serving the export of the
// same policy, in the same run, with wrk: requests/s and p99 for the
// loader and the wasm, brotli as browsers ask for it. Both log nothing. Run
// by `make bench` (go test ./e2e -run TestWrkBench -bench-wrk).
func TestWrkBench(t *testing.T) {
	if !*benchWrk {
		t.Skip("run with -bench-wrk (make bench)")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Fatal("wrk not found (apt-get install -y wrk)")
	}
	// doui serve, access log off like nginx's.
	daddr := testkit.FreeAddr(t, "127.0.0.1")
	pf, _ := filepath.Abs("../web/policies/demo.json")
	var dlog testkit.SyncBuffer
	cmd := exec.Command(env.bin, "serve", "-addr", daddr, "-policy", pf, "-demo-tracker", "", "-log", "off")
	cmd.Stdout, cmd.Stderr = &dlog, &dlog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	douiURL := "http://" + daddr
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(douiURL + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("doui did not come up:\n%s", dlog.String())
		}
	}
	naddr := testkit.FreeAddr(t, "127.0.0.1")
	dir := exportTo(t, "http://"+naddr)
	nginxURL := startNginx(t, naddr, dir)
	wasm, _ := filepath.Glob(filepath.Join(dir, "public", "doui.*.wasm"))
	wasmPath := "/" + filepath.Base(wasm[0])

	dur := os.Getenv("WRK_DURATION")
	if dur == "" {
		dur = "5s"
	}
	type row struct{ what, server, rps, p99, transfer string }
	var rows []row
	for _, path := range []string{"/doui.js", wasmPath} {
		for _, srv := range []struct{ name, url string }{{"doui serve", douiURL}, {"nginx (export)", nginxURL}} {
			out, err := exec.Command(wrk, "-t2", "-c32", "-d"+dur, "--latency", "-H", "Accept-Encoding: br", srv.url+path).CombinedOutput()
			if err != nil {
				t.Fatalf("wrk: %v\n%s", err, out)
			}
			rps, p99, transfer := parseWrk(t, string(out))
			name := path
			if path == wasmPath {
				name = "/doui.HASH.wasm"
			}
			rows = append(rows, row{name, srv.name, rps, p99, transfer})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nwrk -t2 -c32 -d%s --latency -H 'Accept-Encoding: br' (loopback, %d CPUs)\n\n", dur, numCPU())
	fmt.Fprintf(&b, "| path | server | requests/s | p99 latency | transfer/s |\n|---|---|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.what, r.server, r.rps, r.p99, r.transfer)
	}
	fmt.Print(b.String())
}

func parseWrk(t *testing.T, out string) (rps, p99, transfer string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			rps = f[1]
		case len(f) == 2 && f[0] == "Transfer/sec:":
			transfer = f[1]
		case len(f) == 2 && f[0] == "99%":
			p99 = f[1]
		case len(f) >= 4 && f[0] == "Non-2xx":
			t.Errorf("wrk saw errors: %s", sc.Text())
		}
	}
	if rps == "" || p99 == "" {
		t.Fatalf("cannot read wrk's output:\n%s", out)
	}
	if v, _ := strconv.ParseFloat(rps, 64); v <= 0 {
		t.Errorf("wrk: %s requests/s", rps)
	}
	return rps, p99, transfer
}

func numCPU() int {
	out, _ := exec.CommandContext(context.Background(), "nproc").Output()
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}
