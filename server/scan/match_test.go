package scan

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/doui-consent/doui/banner"

	"github.com/doui-consent/doui/policyjson"
)

func testPolicy(t *testing.T) *policyjson.Policy {
	t.Helper()
	p, err := policyjson.ParseFile("testdata/site/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHostMatch holds the loader's rule: a declared host covers itself and
// its subdomains, the most specific declaration first.
func TestHostMatch(t *testing.T) {
	p := testPolicy(t)
	p.Services = append(p.Services, policyjson.Service{ID: "facebook-all", Category: "marketing", Hosts: []string{"facebook.com"}})
	x := newIndex(p)
	for _, tc := range []struct {
		host, service string
	}{
		{"www.googletagmanager.com", "google-analytics"},
		{"WWW.GoogleTagManager.com.", "google-analytics"},
		{"region1.www.google-analytics.com", "google-analytics"},
		{"google-analytics.com", ""}, // a parent is not covered
		{"www.facebook.com", "meta-pixel"},
		{"m.facebook.com", "facebook-all"},
		{"evilgoogletagmanager.com", ""},
		{"127.0.0.2", ""},
	} {
		o, ok := x.host(tc.host)
		if o.Service != tc.service || ok != (tc.service != "") {
			t.Errorf("host(%q): got %q %v, want %q", tc.host, o.Service, ok, tc.service)
		}
	}
}

// TestHostMatchAgreesWithBanner holds index.host to banner.URLCategory,
// the engine's own host rule: for every host, the optional category the
// scan finds is the one the engine holds the host back for.
func TestHostMatchAgreesWithBanner(t *testing.T) {
	p := testPolicy(t)
	p.Services = append(p.Services, policyjson.Service{ID: "facebook-all", Category: "marketing", Hosts: []string{"facebook.com"}},
		policyjson.Service{ID: "cdn", Category: "necessary", Hosts: []string{"cdn.jsdelivr.net"}})
	cfg := p.Config()
	x := newIndex(p)
	for _, h := range []string{"www.googletagmanager.com", "WWW.GOOGLETAGMANAGER.COM", "www.googletagmanager.com.", "region1.www.google-analytics.com",
		"google-analytics.com", "www.facebook.com", "m.facebook.com", "facebook.com", "static.hotjar.com", "hotjar.com",
		"www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "cdn.jsdelivr.net", "x.cdn.jsdelivr.net", "cdn.matomo.cloud",
		"doui-demo.matomo.cloud", "matomo.cloud", "127.0.0.2", "localhost", "jp"} {
		want, wantOK := banner.URLCategory(&cfg, "https://"+h+"/x.js")
		o, ok := x.host(h)
		got, gotOK := o.Category, ok && !o.Required
		if !gotOK {
			got = ""
		}
		if got != want || gotOK != wantOK {
			t.Errorf("%s: the scan finds optional category %q (%v), the engine %q (%v)", h, got, gotOK, want, wantOK)
		}
	}
}

// TestCookieMatch holds banner's rules: names through MatchCookie, an
// exact name before a pattern, no domain meaning the page's host and its
// parents, a domain meaning that domain and its subdomains.
func TestCookieMatch(t *testing.T) {
	p := testPolicy(t)
	p.Services = append(p.Services, policyjson.Service{ID: "exact-ga", Category: "necessary", Cookies: []policyjson.Cookie{{Name: "_ga_SPECIAL"}}})
	x := newIndex(p)
	const page = "www.site.example.jp"
	for _, tc := range []struct {
		name, domain, service string
	}{
		{"_ga", ".site.example.jp", "google-analytics"},
		{"_ga", "www.site.example.jp", "google-analytics"},
		{"_ga_ABC123", ".site.example.jp", "google-analytics"},
		{"_ga_SPECIAL", ".site.example.jp", "exact-ga"},
		{"_gid", ".site.example.jp", ""},
		{"_ga", ".other.example.jp", ""}, // not the page's own: no domain in the policy
		{"_ga", ".example.jp", "google-analytics"},
		{"_ga", ".jp", ""},
		{"YSC", ".youtube.com", "youtube"},
		{"YSC", "m.youtube.com", "youtube"},
		{"YSC", ".site.example.jp", ""}, // the policy gives YouTube's domain
		{"_pk_id.1.d0e1", "www.site.example.jp", "matomo"},
		{"doui", "www.site.example.jp", "consent-record"},
		{"__Host-doui", "www.site.example.jp", "consent-record"},
	} {
		o, ok := x.cookie(Cookie{Name: tc.name, Domain: tc.domain}, page)
		if o.Service != tc.service || ok != (tc.service != "") {
			t.Errorf("cookie(%s on %s): got %q %v, want %q", tc.name, tc.domain, o.Service, ok, tc.service)
		}
	}
}

func TestSameSite(t *testing.T) {
	for _, tc := range []struct {
		host, page string
		want       bool
	}{
		{"www.example.go.jp", "www.example.go.jp", true},
		{"example.go.jp", "www.example.go.jp", true},
		{"cdn.www.example.go.jp", "www.example.go.jp", true},
		{"static.example.go.jp", "www.example.go.jp", false},
		{"jp", "www.example.go.jp", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"0.0.1", "127.0.0.1", false},
		{"www.googletagmanager.com", "www.example.go.jp", false},
	} {
		if got := sameSite(tc.host, tc.page); got != tc.want {
			t.Errorf("sameSite(%q, %q): got %v, want %v", tc.host, tc.page, got, tc.want)
		}
	}
}

func TestParseBrowserArg(t *testing.T) {
	for _, tc := range []struct {
		arg, name string
		value     any
		ok        bool
	}{
		{"--host-resolver-rules=MAP a.example 127.0.0.3:443, MAP b.example 127.0.0.3:443", "host-resolver-rules", "MAP a.example 127.0.0.3:443, MAP b.example 127.0.0.3:443", true},
		{"--ignore-certificate-errors", "ignore-certificate-errors", true, true},
		{"ignore-certificate-errors", "", nil, false},
		{"--", "", nil, false},
		{"--=x", "", nil, false},
	} {
		name, value, err := parseBrowserArg(tc.arg)
		if (err == nil) != tc.ok || name != tc.name || value != tc.value {
			t.Errorf("parseBrowserArg(%q): got %q %v %v", tc.arg, name, value, err)
		}
	}
}

func TestIsLoaderName(t *testing.T) {
	for name, want := range map[string]bool{
		"doui.js": true, "doui.en.js": true, "doui.zh-Hant.js": true,
		"doui.min.js.map": false, "wasm_exec.abc123.js": false, "doui.3f9a1c.js": false,
		"mydoui.js": false, "doui.css": false, "doui..js": false,
	} {
		if got := isLoaderName(name); got != want {
			t.Errorf("isLoaderName(%q): got %v, want %v", name, got, want)
		}
	}
}

// TestHostMatchAgreesWithLoader loads a page whose script inserts scripts
// from hosts the policy covers and does not, and checks that doui's loader
// holds back exactly those index.host gives an optional service: scan and
// browser agree on what a host pattern covers.
func TestHostMatchAgreesWithLoader(t *testing.T) {
	s := startSite(t)
	browser, stop, err := startBrowser(context.Background(), env.chromium, s.Args, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rec := newRecorder()
	tctx, cancel, err := openTab(browser, rec, true)
	defer cancel()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := load(tctx, rec, s.URL+"/hosts"); err != nil {
		t.Fatal(err)
	}
	type script struct {
		Src  string `json:"src"`
		Held bool   `json:"held"`
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[[]script](`Array.from(document.querySelectorAll('head script[async]'), function (e) {
		return {src: e.getAttribute('data-src') || e.getAttribute('src'), held: e.hasAttribute('data-consent')};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	x := newIndex(testPolicy(t))
	if len(got) != 10 {
		t.Fatalf("got %d inserted scripts, want 10: %v", len(got), got)
	}
	for _, sc := range got {
		u, err := url.Parse(sc.Src)
		if err != nil {
			t.Fatal(err)
		}
		o, ok := x.host(u.Hostname())
		want := ok && !o.Required
		if sc.Held != want {
			t.Errorf("%s: the loader holds it %v, the scan says it is an optional service's %v (%q)", strings.TrimSuffix(sc.Src, "/t.js"), sc.Held, want, o.Service)
		}
	}
}
