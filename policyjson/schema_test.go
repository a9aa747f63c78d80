package policyjson

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(readFile(t, "../web/policy.schema.json")))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("policy.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("policy.schema.json")
	if err != nil {
		t.Fatalf("compile web/policy.schema.json: %v", err)
	}
	return s
}

func schemaValid(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// TestSchemaAgrees proves web/policy.schema.json and Parse agree: both
// accept every example, both refuse what a schema can express, and the
// checks only Parse can make (they need the whole document: ids used twice,
// references, texts per declared language, keys written twice) are listed
// here so the schema's description stays honest.
func TestSchemaAgrees(t *testing.T) {
	s := compileSchema(t)
	for name, data := range examples(t) {
		if err := schemaValid(t, s, data); err != nil {
			t.Errorf("%s: schema refuses an example that Parse accepts: %v", name, err)
		}
	}
	tests := []struct {
		name      string
		old, new  string
		schemaToo bool // the schema refuses it as well
	}{
		{"unknown field", `"version": "1",`, `"version": "1", "verison": "2",`, true},
		{"unknown top-level field", `"categories": [`, `"banner": {}, "categories": [`, true},
		{"missing required field", `"defaultLanguage": "ja",`, ``, true},
		{"contact without a name", `"contact": {"name": {"ja": "窓口", "en": "Desk"}, `, `"contact": {`, true},
		{"transmissions without a provider", `"provider": {"ja": "Google", "en": "Google"}, `, `"transmissions": [{"data": {"ja": "URL", "en": "URL"}, "recipient": {"ja": "G", "en": "G"}, "purpose": {"ja": "解析", "en": "Counting"}}], `, true},
		{"field required not a boolean", `"services": [`, `"collection": [{"id": "form", "kind": "form", "name": {"ja": "フォーム", "en": "Form"}, "fields": [{"name": {"ja": "氏名", "en": "Name"}, "required": "yes"}], "purpose": {"ja": "回答", "en": "Replies"}}], "services": [`, true},
		{"missing services", `"services": [`, `"servics": [`, true},
		{"empty string", `"version": "1"`, `"version": " "`, true},
		{"empty text", `"en": "Test"}`, `"en": ""}`, true},
		{"wrong type", `"version": "1"`, `"version": 1`, true},
		{"null", `"version": "1"`, `"version": null`, true},
		{"text as plain string", `"name": {"ja": "テスト", "en": "Test"}`, `"name": "Test"`, true},
		{"javascript url", `"https://test.example/privacy"`, `"javascript:alert(1)"`, true},
		{"data url", `"https://policies.google.com/privacy"`, `"data:text/html,hi"`, true},
		{"relative url", `"https://test.example/privacy"`, `"/privacy"`, true},
		{"url with user", `"https://test.example/privacy"`, `"https://admin@test.example/privacy"`, true},
		{"cookie star inside", `{"name": "_ga"}`, `{"name": "_g*a"}`, true},
		{"cookie lone star", `{"name": "_ga"}`, `{"name": "*"}`, true},
		{"cookie two stars", `{"name": "_ga"}`, `{"name": "_ga**"}`, true},
		{"cookie space", `{"name": "_ga"}`, `{"name": "a b"}`, true},
		{"cookie path", `{"name": "_ga"}`, `{"name": "_ga", "path": "app"}`, true},
		{"measurement id lower case", `"G-TEST1"`, `"G-test1"`, true},
		{"universal analytics", `"G-TEST1"`, `"UA-12345-1"`, true},
		{"host with scheme", `"www.googletagmanager.com"`, `"https://www.googletagmanager.com"`, true},
		{"host upper case", `"www.googletagmanager.com"`, `"WWW.googletagmanager.com"`, true},
		{"host without dot", `"www.googletagmanager.com"`, `"localhost"`, true},
		{"consent mode type", `["analytics_storage"]`, `["analytics"]`, true},
		{"lifetime over 13", `"categories": [`, `"consent": {"lifetimeMonths": 14}, "categories": [`, true},
		{"lifetime zero", `"categories": [`, `"consent": {"lifetimeMonths": 0}, "categories": [`, true},
		{"negative revision", `"categories": [`, `"consent": {"revision": -1}, "categories": [`, true},
		{"category id", `{"id": "analytics", "label"`, `{"id": "Analytics", "label"`, true},
		{"necessary not required", `"required": true, `, ``, true},
		{"necessary required false", `"required": true, `, `"required": false, `, true},
		{"language code", `["ja", "en"]`, `["ja", "EN"]`, true},
		{"language listed twice", `["ja", "en"]`, `["ja", "en", "ja"]`, true},
		{"no categories", `"categories": [`, `"categories": [], "x": [`, true},
		{"effective not a date", `"version": "1",`, `"version": "1", "effective": "2020-13-01",`, true},
		{"email", `"address": {`, `"email": "mailto:x", "address": {`, true},
		{"collection kind", `"services": [`, `"collection": [{"id": "log", "kind": "log", "name": {"ja": "ログ", "en": "Log"}, "fields": [{"name": {"ja": "IP", "en": "IP"}}], "purpose": {"ja": "運用", "en": "Running"}}], "services": [`, true},
		{"collection without fields", `"services": [`, `"collection": [{"id": "log", "kind": "access-log", "name": {"ja": "ログ", "en": "Log"}, "fields": [], "purpose": {"ja": "運用", "en": "Running"}}], "services": [`, true},
		{"ui key", `"services": [`, `"ui": {"ja": {"accept all": "同意"}}, "services": [`, true},

		{"duplicate key", `"version": "1",`, `"version": "1", "version": "2",`, false},
		{"duplicate category id", `{"id": "analytics", "label"`, `{"id": "necessary", "required": true, "label"`, false},
		{"duplicate service id", `"services": [`, `"services": [{"id": "ga", "category": "analytics", "name": {"ja": "A", "en": "A"}, "provider": {"ja": "A", "en": "A"}, "purpose": {"ja": "A", "en": "A"}},`, false},
		{"undefined category", `"category": "analytics"`, `"category": "analytic"`, false},
		{"missing translation", `"name": {"ja": "テスト", "en": "Test"}`, `"name": {"ja": "テスト"}`, false},
		{"undeclared language", `"en": "Test"}`, `"en": "Test", "fr": "Essai"}`, false},
		{"default language not declared", `"defaultLanguage": "ja"`, `"defaultLanguage": "fr"`, false},
		{"consent mode in two categories", `"required": true,`, `"required": true, "consentMode": ["analytics_storage"],`, false},
		{"analytics in a required category", `"category": "analytics"`, `"category": "necessary"`, false},
		{"host in two services", `"services": [`, `"services": [{"id": "gtm", "category": "analytics", "name": {"ja": "A", "en": "A"}, "provider": {"ja": "A", "en": "A"}, "purpose": {"ja": "A", "en": "A"}, "hosts": ["www.googletagmanager.com"]},`, false},
		{"lifetime not whole", `"categories": [`, `"consent": {"lifetimeMonths": 6.0}, "categories": [`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := minimal(t)
			if !strings.Contains(base, tt.old) {
				t.Fatalf("edit %q not found in minimal.json", tt.old)
			}
			doc := []byte(strings.Replace(base, tt.old, tt.new, 1))
			if _, err := Parse("doc.json", doc); err == nil {
				t.Errorf("Parse accepts it, want an error")
			}
			err := schemaValid(t, s, doc)
			switch {
			case tt.schemaToo && err == nil:
				t.Errorf("the schema accepts it, Parse refuses it: tighten web/policy.schema.json")
			case !tt.schemaToo && err != nil:
				t.Errorf("the schema refuses it too (%v): move the case up to the shared ones", err)
			}
		})
	}
}
