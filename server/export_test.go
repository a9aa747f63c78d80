package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestExport(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"export", "-public-url", "https://consent.example.test", dir}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("doui export: exit %d: %s", code, stderr.String())
	}
	s := newTestServer(t) // same embedded policy, same public URL
	pub := filepath.Join(dir, "public")

	// Every file is what the server serves at the same path, in each
	// encoding, and carries the same headers in both rule files.
	headers, err := os.ReadFile(filepath.Join(pub, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules := parseHeadersFile(t, string(headers))
	nginx, err := os.ReadFile(filepath.Join(dir, "nginx", "doui.conf"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{ // file → the server's path
		"doui.js":           "/doui.js",
		"policy.json":       "/policy.json",
		wasmPath(s)[1:]:     wasmPath(s),
		wasmExecPath(s)[1:]: wasmExecPath(s),
		cssPath(s)[1:]:      cssPath(s),
		"page.css":          "/page.css",
		"privacy.html":      "/privacy",
		"privacy.ja.html":   "/privacy?lang=ja",
		"privacy.en.html":   "/privacy?lang=en",
	}
	// A loader per language, the loader's JSON files (each language's
	// markup, the engine's data).
	for _, lang := range []string{"ja", "en"} {
		files["doui."+lang+".js"] = "/doui." + lang + ".js"
	}
	for name := range s.current.Load().fetched {
		files[name] = "/" + name
	}
	if len(files) != 16 {
		t.Errorf("files to export: got %d, want 16 (the 9 fixed ones, a loader and a markup file per language, the engine data)", len(files))
	}
	for file, path := range files {
		t.Run(file, func(t *testing.T) {
			for _, enc := range []struct{ accept, ext string }{{"identity", ""}, {"gzip", ".gz"}, {"br", ".br"}} {
				got, err := os.ReadFile(filepath.Join(pub, file+enc.ext))
				if err != nil {
					t.Fatal(err)
				}
				w := get(t, s, "GET", path, "Accept-Encoding", enc.accept)
				if !bytes.Equal(got, w.Body.Bytes()) {
					t.Errorf("%s%s differs from what the server sends for %s (%d vs %d bytes)", file, enc.ext, path, len(got), w.Body.Len())
				}
			}
			w := get(t, s, "GET", path)
			want := w.Header()
			rule := rules["/"+file]
			if rule == nil {
				t.Fatalf("_headers has no rule for /%s", file)
			}
			for _, k := range []string{"Content-Type", "Cache-Control", "Access-Control-Allow-Origin", "Cross-Origin-Resource-Policy", "Vary"} {
				if rule[k] != want.Get(k) {
					t.Errorf("_headers %s: got %q, server sends %q", k, rule[k], want.Get(k))
				}
			}
			block := nginxBlock(t, string(nginx), "/"+file)
			if !strings.Contains(block, `default_type "`+want.Get("Content-Type")+`";`) {
				t.Errorf("nginx block for /%s does not pin Content-Type %q:\n%s", file, want.Get("Content-Type"), block)
			}
			for _, k := range []string{"Cache-Control", "Access-Control-Allow-Origin", "Vary", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "X-Frame-Options"} {
				if v := want.Get(k); v != "" && !strings.Contains(block, "add_header "+k+` "`+v+`" always;`) {
					t.Errorf("nginx block for /%s lacks %s: %s", file, k, v)
				}
			}
			if v := want.Get("Access-Control-Allow-Origin"); v == "" && strings.Contains(block, "Access-Control-Allow-Origin") {
				t.Errorf("nginx block for /%s sends CORS the server does not", file)
			}
			for _, sidecar := range []string{"gzip_static on;", "brotli_static on;"} {
				if !strings.Contains(block, sidecar) {
					t.Errorf("nginx block for /%s lacks %s", file, sidecar)
				}
			}
		})
	}
	// Security headers apply to every path on static hosts.
	all := rules["/*"]
	for _, h := range s.securityHeaders {
		if all[h.Name] != h.Value {
			t.Errorf("_headers /*: %s got %q want %q", h.Name, all[h.Name], h.Value)
		}
	}
	if rules["/privacy"]["Content-Type"] != "text/html; charset=utf-8" {
		t.Errorf("_headers has no rule for the pretty URL /privacy")
	}
	redirects, _ := os.ReadFile(filepath.Join(pub, "_redirects"))
	if !strings.Contains(string(redirects), "/privacy lang=en /privacy.en.html 200") {
		t.Errorf("_redirects: no rule for ?lang=en:\n%s", redirects)
	}
	// The banner on other sites links to the policy page at the public URL.
	loader, _ := os.ReadFile(filepath.Join(pub, "doui.js"))
	if !strings.Contains(string(loader), "https://consent.example.test/privacy?lang=") {
		t.Error("exported loader does not link to the policy page at -public-url")
	}
	// Nothing else is exported: no sources, no demo, no temp files.
	entries, _ := os.ReadDir(pub)
	for _, e := range entries {
		name := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".br"), ".gz")
		if files[name] == "" && name != "_headers" && name != "_redirects" {
			t.Errorf("unexpected exported file %s", e.Name())
		}
	}
}

func TestExportUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"export"}, 2, "one output directory"},
		{[]string{"export", t.TempDir()}, 2, "-public-url is required"},
		{[]string{"export", "-public-url", "https://x.test", "-policy", "nope.json", t.TempDir()}, 1, "nope.json"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, nil, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.msg) {
			t.Errorf("doui %v: got exit %d %q, want %d and %q", tt.args, code, stderr.String(), tt.code, tt.msg)
		}
	}
}

// parseHeadersFile reads a Netlify _headers file: a path line, then
// indented "Name: value" lines.
func parseHeadersFile(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	rules := map[string]map[string]string{}
	var cur map[string]string
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		case !strings.HasPrefix(line, " "):
			cur = map[string]string{}
			rules[line] = cur
		default:
			k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
			if !ok || cur == nil {
				t.Fatalf("_headers: bad line %q", line)
			}
			cur[k] = v
		}
	}
	return rules
}

// nginxBlock returns the body of "location = PATH { … }".
func nginxBlock(t *testing.T, conf, path string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)\nlocation = ` + regexp.QuoteMeta(path) + ` \{\n(.*?)\n\}`).FindStringSubmatch(conf)
	if m == nil {
		t.Fatalf("nginx config has no location = %s", path)
	}
	return m[1]
}
