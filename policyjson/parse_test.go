package policyjson

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// examples are every policy shipped with doui plus the test fixtures that
// must parse.
func examples(t testing.TB) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob("../web/policies/*.json")
	ok, _ := filepath.Glob("testdata/*.json")
	files = append(files, ok...)
	if len(files) < 7 {
		t.Fatalf("found %d example policies, want the demo, five seeds and testdata", len(files))
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f] = readFile(t, f)
	}
	return m
}

func TestExamplesParseAndRoundTrip(t *testing.T) {
	for name, data := range examples(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			p, err := Parse(name, data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkRoundTrip(t, p)
		})
	}
}

// checkRoundTrip asserts parse → marshal → parse gives the same policy,
// the same bytes and the same fingerprint.
func checkRoundTrip(t *testing.T, p *Policy) {
	t.Helper()
	out, err := Marshal(p)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	q, err := Parse("marshalled", out)
	if err != nil {
		t.Fatalf("Parse(Marshal(p)): %v\n%s", err, out)
	}
	if !reflect.DeepEqual(p, q) {
		t.Errorf("policy changed in a round trip:\ngot  %+v\nwant %+v", q, p)
	}
	if got, want := q.Fingerprint(), p.Fingerprint(); got != want {
		t.Errorf("fingerprint after round trip: got %s want %s", got, want)
	}
	again, _ := Marshal(q)
	if !bytes.Equal(again, out) {
		t.Errorf("Marshal is not stable:\n%s\n----\n%s", out, again)
	}
}

// TestSeedFacts checks facts the seed policies (../shared/seeds/) state,
// and only those: each example must keep saying them, and nothing here
// holds a value an example made up (those are for TestInventedValues in
// server/, which wants them gone or flagged by doui check).
func TestSeedFacts(t *testing.T) {
	load := func(name string) *Policy {
		t.Helper()
		p, err := ParseFile("../web/policies/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	required := func(c Collection) (req, opt, unstated []string) {
		for _, f := range c.Fields {
			switch {
			case f.Required == nil:
				unstated = append(unstated, f.Name["en"])
			case *f.Required:
				req = append(req, f.Name["en"])
			default:
				opt = append(opt, f.Name["en"])
			}
		}
		return
	}
	collection := func(p *Policy, id string) Collection {
		t.Helper()
		for _, c := range p.Collection {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("no collection %q", id)
		return Collection{}
	}
	optional := func(p *Policy) (ids []string) {
		for _, c := range p.Categories {
			if !c.Required {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	thirdParties := func(p *Policy) (names []string) {
		for _, s := range p.Services {
			if s.Provider != nil {
				names = append(names, s.Provider["en"])
			}
		}
		return names
	}

	t.Run("ibaraki", func(t *testing.T) {
		// 000: the Ibaraki Prefecture Personal Information Protection
		// Ordinance; an access log (IP, browser, domain, time, frequency);
		// cookies for statistics; no outside party.
		p := load("ibaraki.json")
		if got := p.Site.Law["en"]; got != "Ibaraki Prefecture Personal Information Protection Ordinance" {
			t.Errorf("law: got %q", got)
		}
		var fields []string
		for _, f := range collection(p, "access-log").Fields {
			fields = append(fields, f.Name["en"])
		}
		if want := []string{"IP address", "Browser type", "Domain name", "Time of access", "How often you visit"}; !reflect.DeepEqual(fields[:5], want) {
			t.Errorf("access log fields: got %q want %q first", fields, want)
		}
		if got := optional(p); !reflect.DeepEqual(got, []string{"analytics"}) || thirdParties(p) != nil {
			t.Errorf("optional categories %v, third parties %v: want statistics only, no third party", got, thirdParties(p))
		}
	})
	t.Run("kantei", func(t *testing.T) {
		// 001: the Cabinet Public Relations Office; access log incl. MIN;
		// cookies to count accesses and for display convenience; the
		// "E-mail Information Service" (address, then gender, age range,
		// occupation and region optionally); "Contact us" (comments, then
		// heading, e-mail, gender and country optionally).
		p := load("kantei.json")
		if got := p.Site.Operator["en"]; !strings.Contains(got, "Cabinet Public Relations Office") {
			t.Errorf("operator: got %q", got)
		}
		if log := collection(p, "access-log"); !strings.Contains(log.Fields[2].Name["en"], "(MIN)") {
			t.Errorf("access log: no MIN in %v", log.Fields)
		}
		mail := collection(p, "mail-service")
		req, opt, unstated := required(mail)
		if mail.Name["en"] != "E-mail Information Service" || !reflect.DeepEqual(req, []string{"E-mail address"}) || len(opt) != 4 || unstated != nil {
			t.Errorf("mail service %q: required %v, optional %v, unstated %v", mail.Name["en"], req, opt, unstated)
		}
		req, opt, unstated = required(collection(p, "contact-us"))
		if !reflect.DeepEqual(req, []string{"Your comments"}) || len(opt) != 4 || unstated != nil {
			t.Errorf("contact us: required %v, optional %v, unstated %v", req, opt, unstated)
		}
		if got := optional(p); !reflect.DeepEqual(got, []string{"analytics", "functional"}) || thirdParties(p) != nil {
			t.Errorf("optional categories %v, third parties %v", got, thirdParties(p))
		}
	})
	t.Run("mic", func(t *testing.T) {
		// 002: scope https://www.soumu.go.jp/; cookies for convenience
		// only; opinion form with name, prefecture and e-mail voluntary,
		// opinions passed on to other ministries; event registration;
		// the Public Relations Office's postal address.
		p := load("mic.json")
		if !reflect.DeepEqual(p.Site.Scope, []string{"https://www.soumu.go.jp/"}) {
			t.Errorf("scope: got %v", p.Site.Scope)
		}
		if got := p.Site.Contact.Address["en"]; got != "1-2, Kasumigaseki 2-chome, Chiyoda-City, Tokyo, 100-8926" {
			t.Errorf("contact address: got %q", got)
		}
		form := collection(p, "opinion-form")
		if _, opt, _ := required(form); !reflect.DeepEqual(opt, []string{"Name", "Prefecture you live in", "E-mail address"}) || form.SharedWith == nil {
			t.Errorf("opinion form: optional %v, shared with %v", opt, form.SharedWith)
		}
		if req, opt, _ := required(collection(p, "event-registration")); req != nil || opt != nil {
			t.Errorf("event registration: the seed says nothing of required or optional, got required %v optional %v", req, opt)
		}
		if got := optional(p); !reflect.DeepEqual(got, []string{"functional"}) || thirdParties(p) != nil {
			t.Errorf("optional categories %v, third parties %v: want convenience only", got, thirdParties(p))
		}
	})
	t.Run("tokyo", func(t *testing.T) {
		// 003: the Tokyo Metropolitan Ordinance on the Protection of
		// Personal Information; user information (domain, IP,
		// environment); Google Analytics by Google Inc., which visitors
		// may opt out of with Google's add-on.
		p := load("tokyo.json")
		if got := p.Site.Law["en"]; got != "Tokyo Metropolitan Ordinance on the Protection of Personal Information" {
			t.Errorf("law: got %q", got)
		}
		if got := thirdParties(p); !reflect.DeepEqual(got, []string{"Google Inc."}) {
			t.Errorf("third parties: got %v want Google Inc. (the seed's name)", got)
		}
		ga := p.Services[1]
		if ga.Name["en"] != "Google Analytics" || ga.Category != "analytics" || !slices.Contains(optional(p), ga.Category) {
			t.Errorf("Google Analytics in category %q, optional categories %v: visitors must be able to refuse it", ga.Category, optional(p))
		}
		var addOn bool
		for _, s := range p.Sections {
			for _, l := range s.Links {
				addOn = addOn || strings.Contains(l.Label["en"], "Opt-out Browser Add-on")
			}
		}
		if !addOn {
			t.Error("no link to the Google Analytics opt-out add-on the seed names")
		}
	})
	t.Run("mofa", func(t *testing.T) {
		// 004: dated 1 December 2020, at http://www.mofa.go.jp/about/privacy.html;
		// covers the overseas establishments' sites; "What's New" mail
		// services (e-mail address); third-party services including
		// social media.
		p := load("mofa.json")
		if p.Site.Effective != "2020-12-01" || p.Site.PolicyURL != "http://www.mofa.go.jp/about/privacy.html" {
			t.Errorf("effective %q, policy page %q", p.Site.Effective, p.Site.PolicyURL)
		}
		if !strings.Contains(p.Sections[0].Body["en"], "overseas establishments") || p.Site.Scope != nil {
			t.Errorf("scope: the premise must name the overseas establishments' sites and no URL list may narrow it, got %v", p.Site.Scope)
		}
		if req, _, _ := required(collection(p, "whats-new")); !reflect.DeepEqual(req, []string{"E-mail address"}) {
			t.Errorf("mail service: required %v", req)
		}
		if got := thirdParties(p); len(got) != 1 || !strings.Contains(strings.ToLower(p.Services[1].Name["en"]), "social media") {
			t.Errorf("third parties %v: want the social media services the seed mentions", got)
		}
	})
	for _, name := range []string{"ibaraki.json", "kantei.json", "mic.json", "tokyo.json", "mofa.json"} {
		p := load(name)
		if p.Collection[0].Kind != "access-log" {
			t.Errorf("%s: first collection is %q, want the access log", name, p.Collection[0].Kind)
		}
		if len(p.Site.Languages) != 2 {
			t.Errorf("%s: languages %v", name, p.Site.Languages)
		}
	}
}

// TestDemoFacts checks what the browser tests rely on in the demo policy,
// which is fictional.
func TestDemoFacts(t *testing.T) {
	demo, err := ParseFile("../web/policies/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := demo.Config()
	var ids []string
	for _, c := range cfg.Categories {
		ids = append(ids, c.ID)
	}
	if want := []string{"necessary", "analytics", "functional", "media"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("demo categories: got %v want %v", ids, want)
	}
	an, _ := cfg.Category("analytics")
	if len(an.Services) != 1 || !reflect.DeepEqual(an.Services[0].MeasurementIDs, []string{"G-DOUIDEMO1"}) ||
		!reflect.DeepEqual(an.Services[0].Hosts, []string{"www.googletagmanager.com", "www.google-analytics.com"}) {
		t.Errorf("demo analytics: got %+v", an)
	}
}

// minimal is the base document of the error table: each case edits it.
func minimal(t testing.TB) string { return string(readFile(t, "testdata/minimal.json")) }

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old by new in testdata/minimal.json (once)
		doc      string // or parse this document instead
		want     []string
	}{
		{name: "unknown field", old: `"version": "1",`, new: `"version": "1", "verison": "2",`,
			want: []string{`6:21: site.verison: unknown field "verison": did you mean "version"?`}},
		{name: "unknown field, case", old: `"policyUrl"`, new: `"policyURL"`,
			want: []string{`9:5: site.policyURL: unknown field "policyURL": did you mean "policyUrl"? (names are case-sensitive)`}},
		{name: "unknown field, case, required", old: `"defaultLanguage"`, new: `"defaultlanguage"`,
			want: []string{
				`2:11: site.defaultLanguage: missing "defaultLanguage": add "defaultLanguage": "…"`,
				`8:5: site.defaultlanguage: unknown field "defaultlanguage": did you mean "defaultLanguage"? (names are case-sensitive)`}},
		{name: "duplicate key", old: `"version": "1",`, new: `"version": "1", "version": "2",`,
			want: []string{`6:21: site.version: "version" is written twice in the same object (first at line 6, column 5): keep only one`}},
		{name: "duplicate category id", old: `{"id": "analytics", "label"`, new: `{"id": "necessary", "required": true, "label"`,
			want: []string{
				`14:12: categories[1].id: category id "necessary" is already used by categories[0]`,
				`17:30: services[0].category: category "analytics" is not defined: use one of "necessary", or add it under "categories"`}},
		{name: "undefined category", old: `"category": "analytics"`, new: `"category": "analytic"`,
			want: []string{`17:30: services[0].category: category "analytic" is not defined: use one of "necessary", "analytics"`}},
		{name: "missing translation", old: `"name": {"ja": "テスト", "en": "Test"}`, new: `"name": {"ja": "テスト"}`,
			want: []string{`3:13: site.name: the English ("en") text is missing: add "en": "…"`}},
		{name: "undeclared language", old: `"name": {"ja": "テスト", "en": "Test"}`, new: `"name": {"ja": "テスト", "en": "Test", "fr": "Essai"}`,
			want: []string{`3:41: site.name.fr: "fr" is not one of the site's languages (ja, en)`}},
		{name: "empty text, column counts characters", old: `"name": {"ja": "テスト", "en": "Test"}`, new: `"name": {"ja": "テスト", "en": ""}`,
			want: []string{`3:33: site.name.en: is empty: this field needs a value`}},
		{name: "javascript url", old: `"https://test.example/privacy"`, new: `"javascript:alert(1)"`,
			want: []string{`9:18: site.policyUrl: javascript: addresses are not allowed here`}},
		{name: "data url", old: `"https://policies.google.com/privacy"`, new: `"data:text/html,hi"`,
			want: []string{`18:120: services[0].privacyUrl: data: addresses are not allowed here`}},
		{name: "relative url", old: `"https://test.example/privacy"`, new: `"/privacy"`,
			want: []string{`9:18: site.policyUrl: "/privacy" is not a full web address`}},
		{name: "cookie pattern, star inside", old: `{"name": "_ga"}`, new: `{"name": "_g*a"}`,
			want: []string{`18:27: services[0].cookies[0].name: "_g*a": a pattern has one * and only at the end`}},
		{name: "cookie pattern, lone star", old: `{"name": "_ga"}`, new: `{"name": "*"}`,
			want: []string{`18:27: services[0].cookies[0].name: a lone * would match every cookie`}},
		{name: "cookie name with space", old: `{"name": "_ga"}`, new: `{"name": "my cookie"}`,
			want: []string{`18:27: services[0].cookies[0].name: "my cookie" is not a cookie name`}},
		{name: "measurement id", old: `"G-TEST1"`, new: `"G-test1"`,
			want: []string{`18:94: services[0].measurementIds[0]: "G-test1": write measurement IDs in capital letters, like G-TEST1`}},
		{name: "universal analytics id", old: `"G-TEST1"`, new: `"UA-12345-1"`,
			want: []string{`18:94: services[0].measurementIds[0]: "UA-12345-1" is a Universal Analytics ID`}},
		{name: "host with scheme", old: `"www.googletagmanager.com"`, new: `"https://www.googletagmanager.com/gtag/js"`,
			want: []string{`18:46: services[0].hosts[0]: "https://www.googletagmanager.com/gtag/js": write the host name only`}},
		{name: "missing required field", old: `"defaultLanguage": "ja",`, new: ``,
			want: []string{`2:11: site.defaultLanguage: missing "defaultLanguage": add "defaultLanguage": "…"`}},
		{name: "empty required field", old: `"defaultLanguage": "ja"`, new: `"defaultLanguage": " "`,
			want: []string{`8:24: site.defaultLanguage: is empty: this field needs a value`}},
		{name: "empty optional field", old: `"version": "1"`, new: `"version": " "`,
			want: []string{`6:16: site.version: is empty: write a value, or remove the field if there is nothing to say`}},
		{name: "contact without a name", old: `"contact": {"name": {"ja": "窓口", "en": "Desk"}, `, new: `"contact": {`,
			want: []string{`10:16: site.contact.name: missing "name": add "name": {"ja": "…", "en": "…"}`}},
		{name: "transmissions without a provider", old: `"provider": {"ja": "Google", "en": "Google"}, `, new: `"transmissions": [{"data": {"ja": "URL", "en": "URL"}, "recipient": {"ja": "G", "en": "G"}, "purpose": {"ja": "解析", "en": "Counting"}}], `,
			want: []string{`17:94: services[0].transmissions: only a service run by a third party sends information outside: add its "provider"`}},
		{name: "field required not a boolean", old: `"services": [`, new: `"collection": [{"id": "form", "kind": "form", "name": {"ja": "フォーム", "en": "Form"}, "fields": [{"name": {"ja": "氏名", "en": "Name"}, "required": "yes"}], "purpose": {"ja": "回答", "en": "Replies"}}], "services": [`,
			want: []string{`16:147: collection[0].fields[0].required: must be true or false, not a text in quotes`}},
		{name: "wrong type", old: `"version": "1"`, new: `"version": 1`,
			want: []string{`6:16: site.version: must be a text in double quotes, like "…", not the number 1`}},
		{name: "null", old: `"defaultLanguage": "ja"`, new: `"defaultLanguage": null`,
			want: []string{`8:24: site.defaultLanguage: null is not allowed: write a text in double quotes, like "…"`}},
		{name: "null, optional field", old: `"version": "1"`, new: `"version": null`,
			want: []string{`6:16: site.version: null is not allowed: write a value or leave the field out`}},
		{name: "text as string", old: `"name": {"ja": "テスト", "en": "Test"}`, new: `"name": "Test"`,
			want: []string{`3:13: site.name: must be an object with one text per language, like {"ja": "…", "en": "…"}, not a text in quotes`}},
		{name: "unknown consent mode type", old: `["analytics_storage"]`, new: `["analytics"]`,
			want: []string{`14:130: categories[1].consentMode[0]: "analytics" is not a Google Consent Mode type`}},
		{name: "consent mode in two categories", old: `"required": true,`, new: `"required": true, "consentMode": ["analytics_storage"],`,
			want: []string{`14:130: categories[1].consentMode[0]: "analytics_storage" is already granted by category "necessary"`}},
		{name: "lifetime over 13 months", old: `"categories": [`, new: `"consent": {"lifetimeMonths": 24}, "categories": [`,
			want: []string{`12:33: consent.lifetimeMonths: a consent may last at most 13 months`}},
		{name: "lifetime not whole", old: `"categories": [`, new: `"consent": {"lifetimeMonths": 6.5}, "categories": [`,
			want: []string{`12:33: consent.lifetimeMonths: must be a whole number, like 6, not 6.5`}},
		{name: "category id", old: `{"id": "analytics", "label"`, new: `{"id": "Web Analytics", "label"`,
			want: []string{`14:12: categories[1].id: "Web Analytics" is not a valid id: use lower-case letters a-z, digits, '_' and '-' (at most 64), like "web-analytics"`,
				`17:30: services[0].category: category "analytics" is not defined`}},
		{name: "necessary not required", old: `"required": true, `, new: ``,
			want: []string{`13:5: categories[0].required: the "necessary" category must be required`}},
		{name: "default language not declared", old: `"defaultLanguage": "ja"`, new: `"defaultLanguage": "fr"`,
			want: []string{`8:24: site.defaultLanguage: "fr" is not in site.languages: write one of "ja", "en"`}},
		{name: "analytics in a required category", old: `"category": "analytics"`, new: `"category": "necessary"`,
			want: []string{`17:30: services[0].category: Google Analytics cannot be in the required category "necessary"`}},
		{name: "duplicate host", old: `"hosts": ["www.googletagmanager.com"]`, new: `"hosts": ["www.googletagmanager.com", "www.googletagmanager.com"]`,
			want: []string{`18:74: services[0].hosts[1]: host "www.googletagmanager.com" is already listed by services[0]`}},
		{name: "effective date", old: `"version": "1",`, new: `"version": "1", "effective": "2020/12/01",`,
			want: []string{`6:34: site.effective: "2020/12/01" is not a date`}},
		{name: "every problem at once", doc: strings.NewReplacer(
			`"defaultLanguage": "ja"`, `"defaultLanguage": ""`,
			`"category": "analytics"`, `"category": "ads"`,
			`"G-TEST1"`, `"UA-1"`,
			`"scope": ["https://test.example/"]`, `"scope": ["ftp://test.example/"], "extra": true`,
		).Replace(minimal(t)),
			want: []string{
				`5:15: site.scope[0]: ftp: addresses are not allowed here`,
				`5:39: site.extra: unknown field "extra"`,
				`8:24: site.defaultLanguage: is empty`,
				`17:30: services[0].category: category "ads" is not defined`,
				`18:94: services[0].measurementIds[0]: "UA-1" is a Universal Analytics ID`,
			}},
		{name: "trailing data", doc: "{}\n}",
			want: []string{`2:1: unexpected text after the end of the policy`}},
		{name: "two documents", doc: "{} {}",
			want: []string{`1:4: unexpected text after the end of the policy`}},
		{name: "syntax error", doc: "{\n  \"site\": {,}\n}",
			want: []string{`2:12: JSON syntax error: invalid character ',' looking for beginning of object key string`}},
		{name: "bad escape inside a string", doc: "{\n  \"site\": \"a\\qb\"\n}",
			want: []string{`2:14: JSON syntax error: invalid character 'q' in string escape code`}},
		{name: "missing comma", doc: "{\n  \"site\": {}\n  \"consent\": {}\n}",
			want: []string{`3:3: JSON syntax error: invalid character '"' after object key:value pair`}},
		{name: "truncated", doc: "{\n  \"site\": {",
			want: []string{`2:12: the file ends in the middle of the policy`}},
		{name: "empty file", doc: " \n",
			want: []string{`1:1: the file is empty`}},
		{name: "not an object", doc: "[]",
			want: []string{`1:1: must be an object in curly braces, {…}, not a list […]`}},
		{name: "invalid utf-8", doc: "{\"site\": \"\xff\xfe\"}",
			want: []string{`1:11: byte 0xFF is not UTF-8: save the file as UTF-8 (not Shift_JIS or another encoding)`, `1:12: byte 0xFE is not UTF-8`}},
		{name: "too deep", doc: strings.Repeat("[", 100),
			want: []string{`1:66: nested more than 64 levels deep`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc
			if doc == "" {
				base := minimal(t)
				if !strings.Contains(base, tt.old) {
					t.Fatalf("test edit %q not found in minimal.json", tt.old)
				}
				doc = strings.Replace(base, tt.old, tt.new, 1)
			}
			p, err := Parse("p.json", []byte(doc))
			if p != nil || err == nil {
				t.Fatalf("Parse succeeded, want %d errors", len(tt.want))
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T, want Errors", err)
			}
			if len(es) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(es), len(tt.want), err)
			}
			for i, e := range es {
				if got := e.Error(); !strings.HasPrefix(got, "p.json:"+tt.want[i]) {
					t.Errorf("error %d:\ngot  %s\nwant p.json:%s…", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	big := append([]byte(`{"site": "`), bytes.Repeat([]byte("x"), MaxSize)...)
	_, err := Parse("big.json", big)
	if got, want := err.Error(), "big.json: the file is 1.0 MiB; a policy may be at most 1 MiB"; !strings.HasPrefix(got, want) {
		t.Errorf("got %q want %q…", got, want)
	}
	path := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(path, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(path); err == nil || !strings.Contains(err.Error(), "at most 1 MiB") {
		t.Errorf("ParseFile: got %v, want a size error", err)
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.HasPrefix(err.Error(), "read policy ") {
		t.Errorf("ParseFile of a missing file: got %v", err)
	}
}

func TestByteOrderMark(t *testing.T) {
	if _, err := Parse("bom.json", append([]byte("\uFEFF"), minimal(t)...)); err != nil {
		t.Errorf("a UTF-8 byte order mark is refused: %v", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	p, err := Parse("m.json", []byte(minimal(t)))
	if err != nil {
		t.Fatal(err)
	}
	cfg := p.Config()
	if cfg.LifetimeDays != 182 || !cfg.GPC || cfg.Fingerprint != p.Fingerprint() || cfg.Version != "1" {
		t.Errorf("defaults: got days %d gpc %v fp %q ver %q, want 182 true %q 1", cfg.LifetimeDays, cfg.GPC, cfg.Fingerprint, cfg.Version, p.Fingerprint())
	}
	off := false
	p.Consent = Consent{LifetimeMonths: 13, GPC: &off}
	if cfg := p.Config(); cfg.LifetimeDays != 395 || cfg.GPC {
		t.Errorf("13 months, gpc off: got days %d gpc %v, want 395 false", cfg.LifetimeDays, cfg.GPC)
	}
	if len(cfg.Categories) != 2 || !cfg.Categories[0].Required || cfg.Categories[1].Services[0].Name != "GA" ||
		cfg.Categories[1].Services[0].Cookies[0].Name != "_ga" {
		t.Errorf("categories: got %+v", cfg.Categories)
	}
}

func TestText(t *testing.T) {
	p := &Policy{Site: Site{DefaultLanguage: "ja"}}
	tx := Text{"ja": "こんにちは", "en": "Hello"}
	for _, tt := range []struct{ lang, want string }{
		{"en", "Hello"}, {"en-GB", "Hello"}, {"ja", "こんにちは"}, {"fr", "こんにちは"}, {"", "こんにちは"},
	} {
		if got := p.Text(tx, tt.lang); got != tt.want {
			t.Errorf("Text(%q): got %q want %q", tt.lang, got, tt.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	base, err := Parse("m.json", []byte(minimal(t)))
	if err != nil {
		t.Fatal(err)
	}
	fp := base.Fingerprint()
	if len(fp) != 16 || strings.Trim(fp, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Errorf("fingerprint %q: want 16 characters of [a-z2-7]", fp)
	}
	tests := []struct {
		name     string
		old, new string
		material bool
	}{
		{"typo in a purpose", `"en": "Counting"}`, `"en": "Countng"}`, false},
		{"reworded label", `"en": "Analytics"}`, `"en": "Visitor statistics"}`, false},
		{"provider name fixed", `"en": "Google"}`, `"en": "Google LLC"}`, false},
		{"site name", `"en": "Test"}`, `"en": "Testing site"}`, false},
		{"contact", `"en": "Tokyo"}`, `"en": "Osaka"}`, false},
		{"version", `"version": "1"`, `"version": "2"`, false},
		{"lifetime", `"categories": [`, `"consent": {"lifetimeMonths": 3}, "categories": [`, false},
		{"category order", `{"id": "necessary", "required": true, "label": {"ja": "必須", "en": "Necessary"}, "description": {"ja": "必須", "en": "Needed"}},
    {"id": "analytics", "label": {"ja": "解析", "en": "Analytics"}, "description": {"ja": "解析", "en": "Counting"}, "consentMode": ["analytics_storage"]}`,
			`{"id": "analytics", "label": {"ja": "解析", "en": "Analytics"}, "description": {"ja": "解析", "en": "Counting"}, "consentMode": ["analytics_storage"]},
    {"id": "necessary", "required": true, "label": {"ja": "必須", "en": "Necessary"}, "description": {"ja": "必須", "en": "Needed"}}`, false},
		{"sections added", `"services": [`, `"sections": [{"id": "security", "title": {"ja": "安全", "en": "Security"}, "body": {"ja": "守ります", "en": "We protect it"}}], "services": [`, false},
		{"new category", `"categories": [`, `"categories": [{"id": "media", "label": {"ja": "動画", "en": "Video"}, "description": {"ja": "動画", "en": "Video"}},`, true},
		{"category becomes required", `{"id": "analytics", "label"`, `{"id": "analytics", "required": true, "label"`, true},
		{"consent mode", `["analytics_storage"]`, `["analytics_storage", "ad_storage"]`, true},
		{"new service", `"services": [`, `"services": [{"id": "yt", "category": "analytics", "name": {"ja": "YT", "en": "YT"}, "provider": {"ja": "G", "en": "G"}, "purpose": {"ja": "動画", "en": "Video"}},`, true},
		{"service moves category", `"category": "analytics"`, `"category": "necessary"`, true},
		{"new cookie", `{"name": "_ga"}`, `{"name": "_ga"}, {"name": "_ga_*"}`, true},
		{"new host", `["www.googletagmanager.com"]`, `["www.googletagmanager.com", "www.google-analytics.com"]`, true},
		{"new measurement id", `["G-TEST1"]`, `["G-TEST1", "G-TEST2"]`, true},
		{"new recipient row", `"cookies":`, `"transmissions": [{"data": {"ja": "URL", "en": "URL"}, "recipient": {"ja": "G", "en": "G"}, "purpose": {"ja": "解析", "en": "Counting"}}], "cookies":`, true},
		{"provider changes (privacy policy host)", `https://policies.google.com/privacy`, `https://www.example-analytics.com/privacy`, true},
		{"revision bumped", `"categories": [`, `"consent": {"revision": 1}, "categories": [`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := minimal(t)
			if !strings.Contains(doc, tt.old) {
				t.Fatalf("edit %q not found", tt.old)
			}
			doc = strings.Replace(doc, tt.old, tt.new, 1)
			want := fp
			if strings.Contains(tt.name, "category") {
				// Analytics cannot be required: take the measurement ID out
				// of both sides to compare like with like.
				doc = strings.Replace(doc, `, "measurementIds": ["G-TEST1"]`, ``, 1)
				before, err := Parse("before.json", []byte(strings.Replace(minimal(t), `, "measurementIds": ["G-TEST1"]`, ``, 1)))
				if err != nil {
					t.Fatal(err)
				}
				want = before.Fingerprint()
			}
			p, err := Parse("edited.json", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if changed := p.Fingerprint() != want; changed != tt.material {
				t.Errorf("fingerprint changed: got %v want %v (a material edit asks visitors again, wording does not)", changed, tt.material)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	data := readFile(b, "../web/policies/tokyo.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("tokyo.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFingerprint(b *testing.B) {
	p, err := ParseFile("../web/policies/demo.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Fingerprint()
	}
}
