package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/doui-consent/doui/policyjson"
)

// The seed examples are five real policies (../shared/seeds/) in doui's
// format. What a seed does not give, the example must not make up: a
// value the format needs but the seed lacks is left out (the format allows
// it) or is a placeholder that doui check flags. stated lists, per example,
// the values of the kinds checked below that the seed does give; vendor
// lists values taken from a vendor's own documentation, which the policy
// page must say it took from there.
var (
	stated = map[string][]string{
		"mic": {
			"https://www.soumu.go.jp/", // 6.: "directories under https://www.soumu.go.jp/"
			// "For further information, please contact:"
			"Public Relations Office, Policy Evaluation and Public Relations Division, Minister's Secretariat, MIC",
			"1-2, Kasumigaseki 2-chome, Chiyoda-City, Tokyo, 100-8926",
		},
		"mofa": {
			"http://www.mofa.go.jp/about/privacy.html", // the page's own address, first line of the seed
			"each service's provider",                  // 7.: "the websites of these third-party providers"
		},
		"tokyo": {"Google Inc."}, // "an access analysis tool provided by Google Inc."
	}
	vendor = map[string][]string{
		// Google's pages on Google Analytics, its opt-out add-on and its
		// cookies (support.google.com/analytics/answer/11397207: _ga and
		// _ga_<container-id>, 2 years), and the hosts gtag.js loads from.
		"tokyo": {"https://policies.google.com/privacy", "https://tools.google.com/dlpage/gaoptout",
			"https://marketingplatform.google.com/about/analytics/terms/jp/", "https://support.google.com/analytics/answer/11397207",
			"www.googletagmanager.com", "www.google-analytics.com", "730"},
	}
	// vendorNote is what the page of an example with vendor values must
	// say, in each language.
	vendorNote = map[string]string{"ja": "Google の公開資料", "en": "Google's own documentation"}

	// invented are values issue 14 found made up in the examples: none may
	// come back unflagged.
	invented = map[string][]string{
		"ibaraki": {"〒310-8555", "https://www.pref.ibaraki.jp/", `"version"`},
		"kantei":  {"〒100-8968", "kantei.go.jp", `"version"`, "メールマガジン等の配信サービス"},
		"mic":     {"menu_kyotsuu", `"version"`},
		"tokyo":   {"G-TOKYO00001", "Google LLC", "〒163-8001", "https://www.metro.tokyo.lg.jp/", `"version"`, `"lifetimeDays": 400`},
		"mofa":    {"〒100-8919", "https://www.mofa.go.jp/", `"version"`},
	}
)

// TestInventedValues runs doui check over each seed example and holds
// that every value of the kinds a seed may lack (addresses, the policy's
// version, the contact, providers, hosts, measurement IDs, cookie
// lifetimes) is stated by the seed, taken from a vendor's documentation
// that the page names, or flagged by a warning at its path; and that a
// missing contact is flagged.
func TestInventedValues(t *testing.T) {
	warning := regexp.MustCompile(`^[^:]+:\d+:\d+: warning: ([^ ]+): `)
	for _, name := range []string{"ibaraki", "kantei", "mic", "tokyo", "mofa"} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join("..", "web", "policies", name+".json")
			var stdout, stderr bytes.Buffer
			if status := runCheck([]string{file}, strings.NewReader(""), &stdout, &stderr); status != 0 {
				t.Fatalf("doui check %s: status %d\n%s%s", file, status, &stdout, &stderr)
			}
			flagged := map[string]bool{}
			for _, line := range strings.Split(stdout.String(), "\n") {
				if m := warning.FindStringSubmatch(line); m != nil {
					flagged[m[1]] = true
				}
			}
			p, err := policyjson.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var usesVendor bool
			for _, v := range values(p) {
				switch {
				case slices.Contains(stated[name], v.value):
				case slices.Contains(vendor[name], v.value):
					usesVendor = true
				case !flagged[v.path]:
					t.Errorf("%s = %q: not in the seed, yet doui check does not flag it (flagged: %v)", v.path, v.value, flagged)
				}
			}
			if p.Site.Contact.Name == nil && !flagged["site.contact"] {
				t.Error("no contact, and doui check does not say so")
			}
			if usesVendor {
				s := newDemoServer(t)
				for _, lang := range p.Site.Languages {
					if page := visibleText(renderPrivacy(t, s, p, lang)); !strings.Contains(page, vendorNote[lang]) {
						t.Errorf("%s: the policy uses values from Google's documentation, and its page does not say so (%q)", lang, vendorNote[lang])
					}
				}
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range invented[name] {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s holds %s again, which its seed does not give", file, s)
				}
			}
		})
	}
}

type pathValue struct{ path, value string }

// values lists the values of p a seed may not give, with their JSON paths.
func values(p *policyjson.Policy) []pathValue {
	var out []pathValue
	add := func(path, v string) {
		if v != "" {
			out = append(out, pathValue{path, v})
		}
	}
	idx := func(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
	for i, u := range p.Site.Scope {
		add(idx("site.scope", i), u)
	}
	add("site.version", p.Site.Version)
	add("site.policyUrl", p.Site.PolicyURL)
	c := p.Site.Contact
	add("site.contact.formUrl", c.FormURL)
	add("site.contact.phone", c.Phone)
	add("site.contact.email", c.Email)
	add("site.contact.name", c.Name["en"])
	add("site.contact.address", c.Address["en"])
	for i, s := range p.Services {
		path := idx("services", i)
		add(path+".provider", s.Provider["en"])
		add(path+".privacyUrl", s.PrivacyURL)
		add(path+".optOutUrl", s.OptOutURL)
		for j, h := range s.Hosts {
			add(idx(path+".hosts", j), h)
		}
		for j, id := range s.MeasurementIDs {
			add(idx(path+".measurementIds", j), id)
		}
		for j, ck := range s.Cookies {
			if ck.Name != "doui" { // doui's own cookie: a fact of using doui, not of the seed
				add(idx(path+".cookies", j)+".lifetimeDays", strconv.Itoa(ck.LifetimeDays))
			}
		}
	}
	for i, col := range p.Collection {
		add(idx("collection", i)+".url", col.URL)
	}
	for i, s := range p.Sections {
		for j, l := range s.Links {
			add(idx(idx("sections", i)+".links", j)+".url", l.URL)
		}
	}
	return out
}
