package banner

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// forbidden are packages banner must not pull in, directly or not: each
// would add to the wasm every visitor downloads. time alone costs ~37 KB
// brotli on js/wasm (see Millis), internal/godebug is what it drags in.
var forbidden = []string{"encoding/json", "fmt", "internal/godebug", "net/http", "reflect", "regexp", "time"}

// TestImports checks banner's own imports: standard library only (no dot in
// the first path element) and nothing forbidden. It reads the source, so it
// also runs under GOOS=js with Node.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s: got a non-standard package want standard library only", name, path)
			}
			for _, bad := range forbidden {
				if path == bad {
					t.Errorf("%s imports %s: got a forbidden package want none of %q", name, path, forbidden)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatalf("got no source files in %s want banner's", mustGetwd(t))
	}
}

// TestDeps checks the transitive dependencies as the wasm build sees them.
// It needs the go command, so it runs natively only.
func TestDeps(t *testing.T) {
	if runtime.GOOS == "js" || testing.Short() {
		t.Skip("needs the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list banner's dependencies: %v", err)
	}
	cmd := exec.Command(gobin, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range forbidden {
			if dep == bad {
				t.Errorf("GOOS=js GOARCH=wasm go list -deps ./banner: got %s want none of %q", dep, forbidden)
			}
		}
	}
}

func mustGetwd(t *testing.T) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
