package main

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// TestPrivacyPageFollowsPolicy renders /privacy for every example in every
// language and holds what issue 14 found wrong: headings said twice,
// banner wording on a page without a banner, labels printed without their
// value, the operator's own services in the table of information sent to
// third parties, and access-log items marked "optional".
func TestPrivacyPageFollowsPolicy(t *testing.T) {
	s := newDemoServer(t)
	heading := regexp.MustCompile(`<h[1-3][^>]*>(.*?)</h[1-3]>`)
	for name, p := range examplePolicies(t) {
		for _, lang := range p.Site.Languages {
			t.Run(name+"."+lang, func(t *testing.T) {
				page := renderPrivacy(t, s, p, lang)
				seen := map[string]bool{}
				for _, m := range heading.FindAllStringSubmatch(page, -1) {
					if h := html.UnescapeString(anyTag.ReplaceAllString(m[1], "")); seen[h] {
						t.Errorf("heading %q appears twice", h)
					} else {
						seen[h] = true
					}
				}
				text := visibleText(page)
				for _, w := range []string{"バナー", "banner", "Banner"} {
					if strings.Contains(text, w) {
						t.Errorf("/privacy has no banner, but says %q", w)
					}
				}
				checkNothingEmpty(t, page)
				var third int
				for _, svc := range p.Services {
					if svc.Provider != nil {
						third++
					}
				}
				if got := strings.Count(page, `<th scope="row">`); got != third {
					t.Errorf("information sent to third parties: %d rows, want one per third party's service (%d)", got, third)
				}
				if third == 0 && !strings.Contains(page, privacyUI[lang]["servicesNone"]) {
					t.Errorf("no third party, and the page does not say so")
				}
				if p.Site.Contact.Name == nil && strings.Contains(page, `id="contact"`) {
					t.Errorf("no contact in the policy, and the page has a contact section")
				}
				for _, c := range p.Collection {
					if c.Kind != "access-log" {
						continue
					}
					log := page[strings.Index(page, ">"+p.Text(c.Name, lang)+"<"):]
					log = log[:strings.Index(log, "</ul>")]
					if !strings.Contains(log, privacyUI[lang]["fieldsAuto"]) || strings.Contains(log, privacyUI[lang]["optional"]) || strings.Contains(log, privacyUI[lang]["required"]) {
						t.Errorf("access log %q: want its items as recorded automatically, neither required nor optional:\n%s", c.ID, visibleText(log))
					}
				}
			})
		}
	}
}

// checkNothingEmpty fails on markup that shows a label without a value or
// an element with nothing in it.
//
// A label ending in a colon before a list is the list's caption, not an
// empty value. A table cell may be empty: a third party's service that
// does not say what it receives has nothing in "data sent" (and doui check
// warns about it).
func checkNothingEmpty(t *testing.T, page string) {
	t.Helper()
	page = strings.NewReplacer("：</p><ul>", "", ": </p><ul>", "").Replace(page)
	for _, bad := range []string{"<p></p>", "<li></li>", "<h3></h3>", "()", "（）", ": </", "：</", "<p> · ", " · </p>", " ·  · ", "<p>:", "<p>："} {
		if i := strings.Index(page, bad); i >= 0 {
			t.Errorf("%q in the page: a label or a place without its value: …%s…", bad, page[max(0, i-80):min(len(page), i+40)])
		}
	}
}

// TestPrivacyAbsentFields renders /privacy for a policy with every
// optional field left out, and with every one present: the labels of the
// fields show exactly when the fields do.
func TestPrivacyAbsentFields(t *testing.T) {
	s := newDemoServer(t)
	bare, err := policyjson.Parse("bare.json", []byte(`{
  "site": {"name": {"ja": "テスト", "en": "Test"}, "operator": {"ja": "テスト省", "en": "Ministry of Testing"}, "languages": ["ja", "en"], "defaultLanguage": "ja",
    "contact": {"name": {"ja": "窓口", "en": "Desk"}}},
  "categories": [{"id": "necessary", "required": true, "label": {"ja": "必須", "en": "Necessary"}, "description": {"ja": "必要", "en": "Needed"}}],
  "services": [{"id": "own", "category": "necessary", "name": {"ja": "記録", "en": "Record"}}],
  "collection": [{"id": "form", "kind": "form", "name": {"ja": "フォーム", "en": "Form"}, "fields": [{"name": {"ja": "氏名", "en": "Name"}}], "purpose": {"ja": "回答", "en": "Replies"}}]
}`))
	if err != nil {
		t.Fatal(err)
	}
	full, err := policyjson.ParseFile("../web/policies/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	labels := func(lang string) []string {
		ui := privacyUI[lang]
		return []string{ui["effective"], ui["version"] + " ", ui["law"], ui["retention"], ui["scope"], ui["form"], ui["lparen"] + ui["optional"], ui["lparen"] + ui["required"], ui["optout"] + "<"}
	}
	for _, lang := range []string{"ja", "en"} {
		page := renderPrivacy(t, s, bare, lang)
		checkNothingEmpty(t, page)
		for _, l := range labels(lang) {
			if strings.Contains(page, l) {
				t.Errorf("%s: %q printed for a field the policy leaves out", lang, l)
			}
		}
		page = renderPrivacy(t, s, full, lang)
		for _, l := range labels(lang) {
			if !strings.Contains(page, l) {
				t.Errorf("%s: %q missing from the demo's page, which has the field", lang, l)
			}
		}
	}
}

// TestSummaryFollowsPolicy: the banner's summary names the optional
// categories and the third parties a policy has, says when information
// goes to a third party whatever the visitor chooses, and says that
// nothing goes to one when no service has a provider.
func TestSummaryFollowsPolicy(t *testing.T) {
	const necessary = `{"id": "necessary", "required": true, "label": {"ja": "必須", "en": "Necessary"}, "description": {"ja": "必要", "en": "Needed"}}`
	cat := func(id, ja, en string) string {
		return `{"id": "` + id + `", "label": {"ja": "` + ja + `", "en": "` + en + `"}, "description": {"ja": "説明", "en": "About"}}`
	}
	svc := func(id, category, provider string) string {
		s := `{"id": "` + id + `", "category": "` + category + `", "name": {"ja": "` + id + `", "en": "` + id + `"}`
		if provider != "" {
			s += `, "provider": {"ja": "` + provider + `", "en": "` + provider + `"}`
		}
		return s + `}`
	}
	tests := []struct {
		name             string
		categories, svcs []string
		wantJa, wantEn   string
	}{
		{"necessary only, the operator's own",
			[]string{necessary}, []string{svc("record", "necessary", "")},
			"当サイトでは、運営に必要な Cookie のみを使用します。外部サービスへの情報送信はありません。",
			"This site uses only the cookies it needs to work. No information is sent to outside services."},
		{"optional categories, no third party",
			[]string{necessary, cat("functional", "利便性の向上", "Convenience"), cat("analytics", "アクセス統計", "Statistics")}, []string{svc("count", "analytics", "")},
			"当サイトでは、運営に必要な Cookie のほか、同意いただいた場合に限り、利便性の向上、アクセス統計のために Cookie 等を使用します。外部サービスへの情報送信はありません。同意はいつでも撤回できます。",
			"This site uses the cookies it needs to work and, only if you agree, cookies and similar technologies for: Convenience, Statistics. No information is sent to outside services. You can withdraw your consent at any time."},
		{"third parties in optional categories",
			[]string{necessary, cat("analytics", "アクセス解析", "Analytics"), cat("functional", "表示設定", "Display"), cat("media", "動画", "Videos")},
			[]string{svc("ga", "analytics", "Google LLC"), svc("prefs", "functional", ""), svc("yt", "media", "Google LLC"), svc("vimeo", "media", "Vimeo Inc.")},
			"当サイトでは、運営に必要な Cookie のほか、同意いただいた場合に限り、アクセス解析、表示設定、動画のために Cookie 等を使用します。アクセス解析、動画では、外部の事業者（Google LLC、Vimeo Inc.）に情報を送信します。同意はいつでも撤回できます。",
			"This site uses the cookies it needs to work and, only if you agree, cookies and similar technologies for: Analytics, Display, Videos. For Analytics and Videos, information is sent to third parties: Google LLC and Vimeo Inc. You can withdraw your consent at any time."},
		{"a third party in the required category",
			[]string{necessary, cat("analytics", "アクセス解析", "Analytics")},
			[]string{svc("cdn", "necessary", "CDN K.K."), svc("ga", "analytics", "Google LLC"), svc("fonts", "analytics", "CDN K.K.")},
			"当サイトでは、運営に必要な Cookie のほか、同意いただいた場合に限り、アクセス解析のために Cookie 等を使用します。外部の事業者（CDN K.K.）に情報を送信します。アクセス解析では、外部の事業者（Google LLC）に情報を送信します。同意はいつでも撤回できます。",
			"This site uses the cookies it needs to work and, only if you agree, cookies and similar technologies for: Analytics. Information is sent to third parties: CDN K.K. For Analytics, information is sent to third parties: Google LLC. You can withdraw your consent at any time."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"site": {"name": {"ja": "テスト", "en": "Test"}, "operator": {"ja": "テスト省", "en": "Ministry of Testing"}, "languages": ["ja", "en"], "defaultLanguage": "ja"},
  "categories": [` + strings.Join(tt.categories, ", ") + `], "services": [` + strings.Join(tt.svcs, ", ") + `]}`
			p, err := policyjson.Parse("p.json", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			for lang, want := range map[string]string{"ja": tt.wantJa, "en": tt.wantEn} {
				if got := bannerView(p, lang, "/privacy").Summary(); got != want {
					t.Errorf("%s:\ngot  %s\nwant %s", lang, got, want)
				}
			}
		})
	}
}

// TestExampleSummaries: for each example, the summary names every
// optional category and every third party, and says there is no third
// party exactly when there is none.
func TestExampleSummaries(t *testing.T) {
	for name, p := range examplePolicies(t) {
		for _, lang := range p.Site.Languages {
			v := bannerView(p, lang, "/privacy")
			got := v.Summary()
			var third bool
			for _, c := range p.Categories {
				if !c.Required && !strings.Contains(got, p.Text(c.Label, lang)) {
					t.Errorf("%s %s: the summary does not name the optional category %q: %s", name, lang, p.Text(c.Label, lang), got)
				}
			}
			for _, s := range p.Services {
				if s.Provider != nil {
					third = true
					if !strings.Contains(got, strings.TrimSuffix(p.Text(s.Provider, lang), ".")) {
						t.Errorf("%s %s: the summary does not name the third party %q: %s", name, lang, p.Text(s.Provider, lang), got)
					}
				}
			}
			if none := strings.Contains(got, v.UI["sendNone"]); none == third {
				t.Errorf("%s %s: third parties %v, but the summary says %q", name, lang, third, got)
			}
			if strings.Contains(got, "{") {
				t.Errorf("%s %s: a placeholder is left in the summary: %s", name, lang, got)
			}
		}
	}
}

// TestJapaneseWording: the Japanese a visitor reads, doui's own and the
// examples', is written as a Japanese public-sector page is: it does not
// address the reader as あなた, which reads as a translation.
func TestJapaneseWording(t *testing.T) {
	check := func(where, text string) {
		if strings.Contains(text, "あなた") {
			t.Errorf("%s: %q addresses the reader as あなた", where, text)
		}
	}
	for k, v := range uiStrings["ja"] {
		check("uiStrings.ja."+k, v)
	}
	for k, v := range privacyUI["ja"] {
		check("privacyUI.ja."+k, v)
	}
	for name, p := range examplePolicies(t) {
		p.MapTexts(func(path, text string) string {
			if strings.HasSuffix(path, ".ja") {
				check(name+": "+path, text)
			}
			return text
		})
	}
}

// TestNamesMatch: within each example, a name a visitor sees in both
// languages (category labels, service names, collection names) has one
// translation: one English name is never two Japanese ones, nor the other
// way round.
func TestNamesMatch(t *testing.T) {
	for name, p := range examplePolicies(t) {
		ja2en, en2ja := map[string]string{}, map[string]string{}
		pair := func(where string, x policyjson.Text) {
			ja, en := x["ja"], x["en"]
			if e, ok := ja2en[ja]; ok && e != en {
				t.Errorf("%s: %s %q is %q here and %q elsewhere", name, where, ja, en, e)
			}
			if j, ok := en2ja[en]; ok && j != ja {
				t.Errorf("%s: %s %q is %q here and %q elsewhere", name, where, en, ja, j)
			}
			ja2en[ja], en2ja[en] = en, ja
		}
		for _, c := range p.Categories {
			pair("category", c.Label)
		}
		for _, s := range p.Services {
			pair("service", s.Name)
			if s.Provider != nil {
				pair("provider", s.Provider)
			}
		}
		for _, c := range p.Collection {
			pair("collection", c.Name)
		}
	}
}

// TestBannerAutofocus: in every example policy and language, the first
// choice the visitor can change carries autofocus, and nothing else does
// (showModal focuses it; HTML allows one per dialog).
func TestBannerAutofocus(t *testing.T) {
	s := newDemoServer(t)
	for name, p := range examplePolicies(t) {
		var first string
		for _, c := range p.Categories {
			if !c.Required {
				first = c.ID
				break
			}
		}
		for _, lang := range p.Site.Languages {
			m := renderBanner(t, s, p, lang)
			var got []string
			for _, tag := range strings.SplitAfter(m, ">") {
				if strings.Contains(tag, " autofocus") {
					id, _, _ := strings.Cut(tag[strings.Index(tag, `data-doui-category="`)+len(`data-doui-category="`):], `"`)
					got = append(got, id)
				}
			}
			if want := []string{first}; first == "" && len(got) != 0 || first != "" && !slices.Equal(got, want) {
				t.Errorf("%s.%s: autofocus on %q, want only on %q", name, lang, got, first)
			}
		}
	}
}
