package scan

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/doui-consent/doui/e2e/testkit"
)

// The test site: pages with real published snippets (testdata/site) on
// www.site.localhost (Chromium resolves *.localhost to 127.0.0.1, so the
// site's trackers can set cookies on its parent domain as GA does),
// doui serve on 127.0.0.1 with testdata/site/policy.json, and one fake
// vendor answering over TLS on 127.0.0.3 for every tracker host name. The
// scan's browser reaches the vendor through --host-resolver-rules and
// takes its certificate with --ignore-certificate-errors: the snippets
// keep their https:// URLs byte for byte.

// vendorHosts are the names the fake vendor answers for.
var vendorHosts = []string{
	"www.googletagmanager.com", "www.google-analytics.com",
	"www.youtube.com", "www.youtube-nocookie.com",
	"cdn.matomo.cloud", "doui-demo.matomo.cloud",
	"connect.facebook.net", "www.facebook.com",
	"widgets.example.net",
}

type testSite struct {
	URL    string // http://www.site.localhost:PORT
	Doui   string // doui serve's origin
	Policy string // testdata/site/policy.json
	// Args are the -browser-arg values a scan of the site needs.
	Args []string

	mu     sync.Mutex
	served []string // paths the site answered, in order
	vendor []string // host+path the vendor answered
}

func startSite(t testing.TB) *testSite {
	t.Helper()
	needBrowser(t)
	policy, err := filepath.Abs("testdata/site/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	s := &testSite{Policy: policy}
	s.Doui = startDoui(t, "-policy", policy).URL
	siteLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(siteLn.Addr().String())
	s.URL = "http://www.site.localhost:" + port
	serve(t, siteLn, http.HandlerFunc(s.servePage), nil)

	vendorLn, err := net.Listen("tcp", "127.0.0.3:0")
	if err != nil {
		t.Fatal(err)
	}
	serve(t, vendorLn, http.HandlerFunc(s.serveVendor), &tls.Config{Certificates: []tls.Certificate{testkit.SelfSigned(t, vendorHosts)}})
	var rules []string
	for _, h := range vendorHosts {
		rules = append(rules, "MAP "+h+" "+vendorLn.Addr().String())
	}
	s.Args = []string{
		"--host-resolver-rules=" + strings.Join(rules, ","),
		"--ignore-certificate-errors",
		// Loopback stands in for the internet here: no https upgrade of
		// the site, no local-network prompt for the vendors.
		"--disable-features=HttpsUpgrades,LocalNetworkAccessChecks",
	}
	return s
}

func serve(t testing.TB, ln net.Listener, h http.Handler, tc *tls.Config) {
	srv := &http.Server{Handler: h, TLSConfig: tc, ErrorLog: log.New(io.Discard, "", 0)}
	if tc != nil {
		go srv.ServeTLS(ln, "", "")
	} else {
		go srv.Serve(ln)
	}
	t.Cleanup(func() { srv.Close() })
}

// pages maps the site's paths to testdata/site files.
var pages = map[string]string{
	"/": "index.html", "/gtm": "gtm.html", "/media": "media.html", "/matomo": "matomo.html",
	"/pixel": "pixel.html", "/news": "news.html", "/widgets": "widgets.html", "/about": "about.html",
	"/plain": "plain.html", "/hosts": "hosts.html", "/robots.txt": "robots.txt", "/sitemap.xml": "sitemap.xml",
	"/private/report": "about.html",
}

func (s *testSite) servePage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.served = append(s.served, r.URL.Path)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Path == "/files/annual.pdf" {
		w.Header().Set("Content-Type", "application/pdf")
		io.WriteString(w, "%PDF-1.4\n")
		return
	}
	name, ok := pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, err := os.ReadFile(filepath.Join("testdata", "site", name))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body := strings.NewReplacer("{{DOUI}}", s.Doui, "{{SITE}}", s.URL).Replace(string(data))
	switch filepath.Ext(name) {
	case ".html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	case ".xml":
		w.Header().Set("Content-Type", "application/xml")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	io.WriteString(w, body)
}

// serveVendor is every tracker at once, told apart by host and path.
func (s *testSite) serveVendor(w http.ResponseWriter, r *http.Request) {
	host, _, _ := strings.Cut(r.Host, ":")
	s.mu.Lock()
	s.vendor = append(s.vendor, host+r.URL.Path)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	script := func(name string) {
		data, err := os.ReadFile(filepath.Join("testdata", "vendor", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(data)
	}
	p := r.URL.Path
	switch {
	case host == "www.googletagmanager.com" && p == "/gtag/js":
		script("gtag.js")
	case host == "www.googletagmanager.com" && p == "/gtm.js":
		script("gtm.js")
	case host == "cdn.matomo.cloud" && strings.HasSuffix(p, "/matomo.js"):
		script("matomo.js")
	case host == "connect.facebook.net" && strings.HasSuffix(p, "/fbevents.js"):
		script("fbevents.js")
	case host == "widgets.example.net" && p == "/weather.js":
		script("weather.js")
	case strings.HasPrefix(p, "/embed/"):
		if host == "www.youtube.com" {
			// The player's session cookie, on YouTube's own domain: a
			// third-party cookie for the site.
			w.Header().Add("Set-Cookie", "YSC=DouiTestSession; Domain=youtube.com; Path=/; Secure; HttpOnly; SameSite=None")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>video</title><p>video</p><script src="/s/player/doui/player.js"></script>`)
	case strings.HasPrefix(p, "/s/player/"):
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `document.body.dataset.player = 'ready';`)
	default:
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	}
}

// servedPaths returns the paths the site answered.
func (s *testSite) servedPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.served)
}

// lineOf returns the 1-based line of the first line of testdata/site/name
// holding text, so that expected positions follow the files.
func lineOf(t testing.TB, name, text string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "site", name))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", name, text)
	return 0
}

// fmtFindings is a finding list for a failure message.
func fmtFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s", f)
	}
	return b.String()
}
