//go:build !js

package main

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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

// TestJSXErrorsAreRead holds that every function (or func literal) that
// makes a jsx either reports its error (x.report) or reads x.err: a sticky
// error nobody looks at is a DOM failure nobody hears of.
func TestJSXErrorsAreRead(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			switch fn := n.(type) {
			case *ast.FuncDecl:
				body = fn.Body
			case *ast.FuncLit:
				body = fn.Body
			}
			if body == nil {
				return true
			}
			for _, v := range jsxVars(body) {
				checked++
				if !readsErr(body, v) {
					t.Errorf("%s: %s is a jsx whose error is never read: defer %s.report(...) or check %s.err", fset.Position(body.Lbrace), v, v, v)
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("found no jsx variable at all: the test looks in the wrong place")
	}
}

// jsxVars names the variables declared `var v jsx` directly in body (not in
// nested func literals, which are checked on their own).
func jsxVars(body *ast.BlockStmt) []string {
	var out []string
	for _, st := range body.List {
		d, ok := st.(*ast.DeclStmt)
		if !ok {
			continue
		}
		g, ok := d.Decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, sp := range g.Specs {
			vs, ok := sp.(*ast.ValueSpec)
			if id, isIdent := vs.Type.(*ast.Ident); ok && isIdent && id.Name == "jsx" {
				for _, n := range vs.Names {
					out = append(out, n.Name)
				}
			}
		}
	}
	return out
}

// readsErr reports whether body mentions v.err or v.report, outside nested
// func literals that declare their own v.
func readsErr(body *ast.BlockStmt, v string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && slices.Contains(jsxVars(lit.Body), v) {
			return false
		}
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == v && (sel.Sel.Name == "err" || sel.Sel.Name == "report") {
				found = true
			}
		}
		return !found
	})
	return found
}
