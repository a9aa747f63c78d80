package scan

import (
	"net/url"
	"strings"
	"testing"

	"github.com/doui-consent/doui/policyjson"
)

// TestKnownTable checks every entry: a known category, a vendor source
// over https, texts in Japanese and English, and match rules that find the
// entry again.
func TestKnownTable(t *testing.T) {
	k, err := loadKnown()
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Services) < 9 {
		t.Fatalf("%d known services, want at least the 9 of issue 15", len(k.Services))
	}
	for _, c := range []string{"analytics", "marketing", "media", "unknown"} {
		kc, ok := k.Categories[c]
		if !ok || kc.Label["ja"] == "" || kc.Label["en"] == "" || kc.Description["ja"] == "" || kc.Description["en"] == "" {
			t.Errorf("category %q: missing, or without its texts in ja and en", c)
		}
	}
	for _, s := range k.Services {
		if _, ok := k.Categories[s.Category]; !ok {
			t.Errorf("%s: category %q is not in the table", s.ID, s.Category)
		}
		if len(s.Sources) == 0 {
			t.Errorf("%s: no source: cite the vendor's documentation", s.ID)
		}
		for _, src := range s.Sources {
			if u, err := url.Parse(src); err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s: source %q is not an https URL", s.ID, src)
			}
		}
		for _, txt := range []policyjson.Text{s.Name, s.Provider, s.Purpose} {
			if txt["ja"] == "" || txt["en"] == "" {
				t.Errorf("%s: a text lacks ja or en: %v", s.ID, txt)
			}
		}
		for _, m := range s.Match {
			host, path, _ := strings.Cut(m, "/")
			if got := k.byRequest(host, "/"+path); got == nil || got.ID != s.ID {
				t.Errorf("%s: match %q finds %v", s.ID, m, got)
			}
		}
		for _, c := range s.Cookies {
			name := exampleCookie(c.Name)
			if got, _ := k.byCookie(name); got == nil || got.ID != s.ID {
				t.Errorf("%s: cookie %q finds %v", s.ID, c.Name, got)
			}
		}
	}
	for _, tc := range []struct{ host, path, want string }{
		{"www.googletagmanager.com", "/gtag/js", "google-analytics"},
		{"www.googletagmanager.com", "/gtm.js", "google-tag-manager"},
		{"region1.google-analytics.com", "/g/collect", "google-analytics"},
		{"i.ytimg.com", "/vi/x/0.jpg", "youtube"},
		{"www.facebook.com", "/tr", "meta-pixel"},
		{"www.facebook.com", "/plugins/like.php", ""},
		{"doui-demo.matomo.cloud", "/matomo.php", "matomo"},
		{"notyoutube.com", "/", ""},
	} {
		got := ""
		if s := k.byRequest(tc.host, tc.path); s != nil {
			got = s.ID
		}
		if got != tc.want {
			t.Errorf("byRequest(%s, %s): got %q, want %q", tc.host, tc.path, got, tc.want)
		}
	}
}

// TestProposeEveryKnownService proposes every known service at once, in a
// policy with a third language, and checks that the result parses: the
// table's hosts, cookie patterns, ids and texts are all a policy allows.
func TestProposeEveryKnownService(t *testing.T) {
	k, err := loadKnown()
	if err != nil {
		t.Fatal(err)
	}
	p := testPolicy(t)
	p.Services = p.Services[:1] // the consent record only
	p.Site.Languages = append(p.Site.Languages, "zh")
	addLang := func(tx policyjson.Text) {
		if tx != nil {
			tx["zh"] = tx["en"]
		}
	}
	addLang(p.Site.Name)
	addLang(p.Site.Operator)
	addLang(p.Site.Contact.Name)
	addLang(p.Site.Contact.Address)
	for i := range p.Categories {
		addLang(p.Categories[i].Label)
		addLang(p.Categories[i].Description)
	}
	for i := range p.Services {
		addLang(p.Services[i].Name)
		addLang(p.Services[i].Purpose)
	}
	if _, err := policyjson.Marshal(p); err != nil {
		t.Fatal(err)
	}
	a := newAnalysis(p, k)
	for _, s := range k.Services {
		host, path, _ := strings.Cut(s.Match[0], "/")
		if strings.Count(host, ".") == 1 {
			host = "www." + host
		}
		a.hosts[host] = &undeclared{host: host, paths: []string{"/" + path}}
		for _, c := range s.Cookies {
			name := exampleCookie(c.Name)
			a.cookies[name] = &undeclared{cookie: Cookie{Name: name, Domain: ".site.example.jp", LifetimeDays: 30}}
		}
	}
	a.hosts["tracker.unknown-vendor.jp"] = &undeclared{host: "tracker.unknown-vendor.jp", paths: []string{"/t.js"}}
	a.cookies["mystery"] = &undeclared{cookie: Cookie{Name: "mystery", Domain: "www.site.example.jp"}}
	prop, fixed, err := propose(p, a)
	if err != nil {
		t.Fatal(err)
	}
	// Every known service, the unknown vendor's, and one for the unknown
	// first-party cookie.
	if got, want := len(fixed.Services), 1+len(k.Services)+2; got != want {
		t.Errorf("%d services after the proposal, want %d:\n%s", got, want, strings.Join(prop.Changes, "\n"))
	}
	for _, s := range fixed.Services {
		if s.Name["zh"] == "" {
			t.Errorf("service %s has no name in zh", s.ID)
		}
	}
	if prop.Placeholders != 3 {
		t.Errorf("placeholders: got %d, want 3 (the unknown vendor's provider and purpose, the unknown cookie's purpose)", prop.Placeholders)
	}
}

// exampleCookie is a cookie name a pattern matches: itself, or the prefix
// and "1".
func exampleCookie(pattern string) string {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return p + "1"
	}
	return pattern
}
