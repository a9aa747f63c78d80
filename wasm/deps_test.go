//go:build !js

package main

import (
	"go/build/constraint"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWasmDependencies keeps what every visitor downloads small: the wasm
// must not link encoding/json, net/http or the policy parser (DESIGN.md),
// nor fmt, which with reflect and os cost about 70 KB brotli (the reason
// for the patched safejs in wasm/safejs), nor time (~37 KB: the clock is
// Date.now(), see banner.Millis).
func TestWasmDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string]bool{}
	for _, d := range strings.Fields(string(out)) {
		deps[d] = true
	}
	if !deps["github.com/doui-consent/doui/banner"] {
		t.Fatalf("go list -deps does not list banner; got %d packages", len(deps))
	}
	for _, bad := range []string{"encoding/json", "net/http", "github.com/doui-consent/doui/policyjson", "regexp", "text/template", "fmt", "reflect", "os", "time"} {
		if deps[bad] {
			t.Errorf("the wasm imports %s", bad)
		}
	}
}

// TestBuildTags: every non-test file here is js/wasm only, so a native
// build of the module never sees syscall/js (safejs does the same).
func TestBuildTags(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		expr, err := constraint.Parse(first)
		if err != nil || expr.String() != "js && wasm" {
			t.Errorf("%s: first line %q, want //go:build js && wasm", f, first)
		}
	}
}

// TestNoConsentRules: every consent rule is package banner's, and wasm only
// carries banner's Effects out. These shapes are how a rule creeps back in:
// building a decision or record by hand, merging grants, testing what the
// decision holds instead of asking banner.
func TestNoConsentRules(t *testing.T) {
	rules := []struct{ re, why string }{
		{`banner\.(Decision|Record|Effects)\{`, "builds banner's values by hand"},
		{`append\([^)]*\.Granted`, "merges grants"},
		{`\ba\.dec\.(ShowBanner|Reason|GPC)\b[^,}]*[{]`, "branches on the decision"},
		{`(if|&&|\|\|)[^{]*\ba\.dec\.Granted`, "tests the granted list itself"},
		{`\bcontains\([^,]*Granted`, "tests the granted list itself"},
		{`case "(accept-all|reject-all|withdraw)"`, "maps an action name to its meaning"},
		{`banner\.Method(AcceptAll|RejectAll|Custom|Withdraw|GPC)\b`, "interprets methods"},
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, r := range rules {
				if regexp.MustCompile(r.re).MatchString(line) {
					t.Errorf("%s:%d %s (a consent rule belongs in package banner): %s", f, i+1, r.why, strings.TrimSpace(line))
				}
			}
		}
	}
	if checked < 3 {
		t.Fatalf("checked %d files, want wasm's sources", checked)
	}
}
