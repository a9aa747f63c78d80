package main

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/doui-consent/doui/policyjson"
)

// examplePolicies are the policies doui ships, by name ("mofa").
func examplePolicies(t *testing.T) map[string]*policyjson.Policy {
	t.Helper()
	files, _ := filepath.Glob("../web/policies/*.json")
	if len(files) != 6 {
		t.Fatalf("found %d policies in web/policies, want the demo and five seeds: %v", len(files), files)
	}
	out := map[string]*policyjson.Policy{}
	for _, f := range files {
		p, err := policyjson.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = p
	}
	return out
}

// renderBanner is the banner markup for p in lang as bundles render it,
// before minifying.
func renderBanner(t *testing.T, s *Server, p *policyjson.Policy, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "banner", bannerView(p, lang, "/privacy")); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func renderPrivacy(t *testing.T, s *Server, p *policyjson.Policy, lang string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "privacy", privacyView(p, lang, "hash")); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var (
	blockTag = regexp.MustCompile(`(?i)</?(h[1-6]|p|div|li|ul|label|summary|details|section|dialog|form|tr|th|td|table|thead|tbody|header|main)\b[^>]*>`)
	anyTag   = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is what a reader of markup sees, a line per block, buttons
// in [brackets]: enough to review wording, not a renderer.
func visibleText(markup string) string {
	markup = regexp.MustCompile(`(?i)<button\b[^>]*>`).ReplaceAllString(markup, "\n[")
	markup = strings.ReplaceAll(markup, "</button>", "]\n")
	markup = blockTag.ReplaceAllString(markup, "\n")
	markup = html.UnescapeString(anyTag.ReplaceAllString(markup, ""))
	var lines []string
	for _, l := range strings.Split(markup, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestBannerTextGolden holds what the banner and the preferences say for
// each example policy, in each language: testdata/banner/NAME.LANG.golden,
// rewritten with go test ./server -run BannerText -update. Read a diff of
// these files as a visitor would read the banner.
func TestBannerTextGolden(t *testing.T) {
	s := newDemoServer(t)
	for name, p := range examplePolicies(t) {
		for _, lang := range p.Site.Languages {
			t.Run(name+"."+lang, func(t *testing.T) {
				got := visibleText(renderBanner(t, s, p, lang))
				golden := filepath.Join("testdata", "banner", name+"."+lang+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./server -run BannerText -update)", err)
				}
				if got != string(want) {
					t.Errorf("banner text differs from %s:\ngot\n%s\nwant\n%s", golden, got, want)
				}
			})
		}
	}
}
