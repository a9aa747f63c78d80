//go:build !js

package main

import (
	"go/build/constraint"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWasmDependencies keeps what every visitor downloads small: the wasm
// must not link encoding/json, net/http or the policy parser (DESIGN.md),
// nor fmt, which with reflect and os cost about 70 KB brotli (the reason
// for the patched safejs in wasm/safejs).
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
	for _, bad := range []string{"encoding/json", "net/http", "github.com/doui-consent/doui/policyjson", "regexp", "text/template", "fmt", "reflect", "os"} {
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
