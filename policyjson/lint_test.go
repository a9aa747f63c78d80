package policyjson

import (
	"reflect"
	"strings"
	"testing"
)

// real is minimal.json with nothing left to warn about: real-looking
// addresses and measurement ID, and the transmission its third party
// receives.
func real(t *testing.T) string {
	t.Helper()
	return strings.NewReplacer(
		`https://test.example/`, `https://www.soumu.go.jp/`,
		`G-TEST1`, `G-4GH7K2LQ9P`,
		`"cookies": [{"name": "_ga"}]`, `"transmissions": [{"data": {"ja": "URL", "en": "URL"}, "recipient": {"ja": "G", "en": "G"}, "purpose": {"ja": "解析", "en": "Counting"}}], "cookies": [{"name": "_ga"}]`,
	).Replace(minimal(t))
}

func TestCheckWarnings(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old by new in real(t), once
		doc      string // or check this document instead
		want     []string
	}{
		{name: "nothing to warn about", want: nil},
		{name: "minimal.json, made for tests", doc: minimal(t), want: []string{
			`5:15: warning: site.scope[0]: "https://test.example/" is a placeholder address (test.example is reserved for examples)`,
			`9:18: warning: site.policyUrl: "https://test.example/privacy" is a placeholder address`,
			`17:5: warning: services[0].transmissions: a third party runs this service, but nothing says what it receives`,
			`18:94: warning: services[0].measurementIds[0]: "G-TEST1" looks like a placeholder`,
		}},
		{name: "no contact", old: `,
    "contact": {"name": {"ja": "窓口", "en": "Desk"}, "address": {"ja": "東京", "en": "Tokyo"}}`, new: ``,
			want: []string{`2:11: warning: site.contact: no contact is given`}},
		{name: "contact without address, phone or form", old: `, "address": {"ja": "東京", "en": "Tokyo"}`, new: ``, want: nil},
		{name: "Google's placeholder ID", old: `G-4GH7K2LQ9P`, new: `G-XXXXXXXXXX`,
			want: []string{`services[0].measurementIds[0]: "G-XXXXXXXXXX" looks like a placeholder: write the site's own Google Analytics 4 measurement ID`}},
		{name: "ID of one digit", old: `G-4GH7K2LQ9P`, new: `G-0000000000`,
			want: []string{`services[0].measurementIds[0]: "G-0000000000" looks like a placeholder`}},
		{name: "ID naming a demo", old: `G-4GH7K2LQ9P`, new: `G-DOUIDEMO1`,
			want: []string{`services[0].measurementIds[0]: "G-DOUIDEMO1" looks like a placeholder`}},
		{name: "example.com policy page", old: `"https://www.soumu.go.jp/privacy"`, new: `"https://www.example.com/privacy"`,
			want: []string{`site.policyUrl: "https://www.example.com/privacy" is a placeholder address (www.example.com is reserved for examples)`}},
		{name: "example label under a real suffix", old: `"https://www.soumu.go.jp/privacy"`, new: `"https://www.example.go.jp/privacy"`,
			want: []string{`site.policyUrl: "https://www.example.go.jp/privacy" is a placeholder address`}},
		{name: "example in a path is fine", old: `"https://www.soumu.go.jp/privacy"`, new: `"https://www.soumu.go.jp/example/privacy"`, want: nil},
		{name: "placeholder form, phone and e-mail", old: `"address": {`, new: `"formUrl": "https://form.example/", "phone": "03-0000-0000", "email": "info@example.org", "address": {`,
			want: []string{
				`10:64: warning: site.contact.formUrl: "https://form.example/" is a placeholder address`,
				`10:98: warning: site.contact.phone: "03-0000-0000" looks like a placeholder`,
				`10:123: warning: site.contact.email: "info@example.org" is a placeholder address (example.org is reserved for examples)`,
			}},
		{name: "real phone", old: `"address": {`, new: `"phone": "03-5253-5111", "address": {`, want: nil},
		{name: "placeholder host and cookie domain", old: `"hosts": ["www.googletagmanager.com"]`, new: `"hosts": ["cdn.example.net"]`,
			want: []string{`services[0].hosts[0]: "cdn.example.net" is a placeholder host`}},
		{name: "cookie domain", old: `[{"name": "_ga"}]`, new: `[{"name": "_ga", "domain": ".site.test"}]`,
			want: []string{`services[0].cookies[0].domain: ".site.test" is a placeholder domain`}},
		{name: "service without purpose", old: `, "purpose": {"ja": "解析", "en": "Counting"},
     "transmissions"`, new: `,
     "transmissions"`,
			want: []string{`17:5: warning: services[0].purpose: the service has no purpose`}},
		{name: "the operator's own service sends nothing outside", old: `"provider": {"ja": "Google", "en": "Google"}, `, new: ``,
			want: []string{`transmissions: only a service run by a third party`}}, // an error, see below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc
			if doc == "" {
				doc = real(t)
				if tt.old != "" && !strings.Contains(doc, tt.old) {
					t.Fatalf("test edit %q not found", tt.old)
				}
				doc = strings.Replace(doc, tt.old, tt.new, 1)
			}
			p, warns, err := Check("p.json", []byte(doc))
			if strings.Contains(tt.name, "own service") {
				// Transmissions without a provider are refused outright:
				// the table of /privacy would never show them.
				if err == nil || !strings.Contains(err.Error(), tt.want[0]) {
					t.Errorf("got error %v, want one containing %q", err, tt.want[0])
				}
				return
			}
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if len(warns) != len(tt.want) {
				t.Fatalf("got %d warnings, want %d:\n%v", len(warns), len(tt.want), warns)
			}
			for i, w := range warns {
				if !w.Warning || !strings.Contains(w.Error(), tt.want[i]) || !strings.HasPrefix(w.Error(), "p.json:") {
					t.Errorf("warning %d:\ngot  %s\nwant p.json:…%s…", i, w, tt.want[i])
				}
			}
			// Parse reads the same policy and says nothing of warnings.
			q, err := Parse("p.json", []byte(doc))
			if err != nil || !reflect.DeepEqual(p, q) {
				t.Errorf("Parse: got %v, %v; want the policy Check read", q, err)
			}
		})
	}
}

func TestWarningFormat(t *testing.T) {
	w := &Error{File: "p.json", Line: 3, Col: 11, Path: "site.contact", Msg: "no contact is given", Warning: true}
	if got, want := w.Error(), "p.json:3:11: warning: site.contact: no contact is given"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}
