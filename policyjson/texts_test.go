package policyjson

import (
	"reflect"
	"strings"
	"testing"
)

func TestMapTexts(t *testing.T) {
	p, err := ParseFile("../web/policies/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	before, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	q := p.MapTexts(func(path, text string) string {
		paths[path] = text
		return "<" + path + ">"
	})
	if after, _ := Marshal(p); string(after) != string(before) {
		t.Fatal("MapTexts changed the policy it copies")
	}
	tests := []struct{ path, got, want string }{
		{"categories[1].description.ja", q.Categories[1].Description["ja"], "<categories[1].description.ja>"},
		{"site.name.en", q.Site.Name["en"], "<site.name.en>"},
		{"services[1].transmissions[0].data.ja", q.Services[1].Transmissions[0].Data["ja"], "<services[1].transmissions[0].data.ja>"},
		{"categories[1].id (not a text)", q.Categories[1].ID, p.Categories[1].ID},
		{"site.policyUrl (not a text)", q.Site.PolicyURL, p.Site.PolicyURL},
		{"services[1].hosts[0] (not a text)", q.Services[1].Hosts[0], p.Services[1].Hosts[0]},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q want %q", tt.path, tt.got, tt.want)
		}
	}
	if got, want := paths["categories[1].description.ja"], p.Categories[1].Description["ja"]; got != want {
		t.Errorf("f got %q for categories[1].description.ja, want the text %q", got, want)
	}
	for path := range paths {
		if strings.Contains(path, ".id") || strings.HasSuffix(path, "Url") {
			t.Errorf("f was called for %s, which is not a text", path)
		}
	}
	// The copy shares nothing the caller could change through it.
	q.Categories[0].Label["ja"] = "changed"
	q.Services[1].Hosts[0] = "changed.example"
	if p.Categories[0].Label["ja"] == "changed" || p.Services[1].Hosts[0] == "changed.example" {
		t.Error("the copy shares a map or a slice with the original")
	}
	// Nor a *bool (fields[].required, consent.gpc).
	if r := q.Collection[1].Fields[1].Required; r == nil || r == p.Collection[1].Fields[1].Required || *r != *p.Collection[1].Fields[1].Required {
		t.Error("the copy shares the *bool of a field's required, or lost it")
	}
	// UI overrides are texts too.
	p.UI = map[string]map[string]string{"en": {"acceptAll": "OK"}}
	if got := p.MapTexts(func(path, _ string) string { return path }).UI; !reflect.DeepEqual(got, map[string]map[string]string{"en": {"acceptAll": "ui.en.acceptAll"}}) {
		t.Errorf("UI: got %v", got)
	}
}
