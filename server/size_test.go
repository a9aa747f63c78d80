package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Size budgets (DESIGN.md). Sizes are deterministic for a given toolchain,
// so unlike the timing budgets they are enforced by a test. Brotli is the
// server's own (brotliCompress: quality 11, window the smallest power of two,
// 1 KB to 16 MB, that holds the body: 4 MB for the wasm): what visitors download.
const (
	wasmBudget = 470 * 1000 // the wasm module, brotli
)

// TestWasmSizeBudget builds the wasm exactly as the Makefile does (its
// recipe, read with make -n) and checks the brotli size against the budget.
func TestWasmSizeBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm (-short)")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found: the wasm is built with the Makefile's recipe")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	const target = "web/dist/doui.wasm"
	out, err := exec.Command("make", "-s", "-B", "-n", "-C", root, target).Output()
	if err != nil {
		t.Fatalf("make -n %s: %v", target, err)
	}
	var recipe string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "-o "+target+" ") {
			recipe = strings.TrimSpace(line)
		}
	}
	if recipe == "" || !strings.Contains(recipe, " build ") {
		t.Fatalf("no go build line for %s in make -n output:\n%s", target, out)
	}
	mod := filepath.Join(t.TempDir(), "doui.wasm")
	cmd := exec.Command("sh", "-c", strings.Replace(recipe, "-o "+target+" ", "-o '"+mod+"' ", 1))
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", recipe, err, b)
	}
	raw, err := os.ReadFile(mod)
	if err != nil {
		t.Fatal(err)
	}
	br := len(brotliCompress(raw))
	t.Logf("wasm: %d bytes, %d brotli (budget %d, %+d): %s", len(raw), br, wasmBudget, wasmBudget-br, recipe)
	if br > wasmBudget {
		t.Errorf("the wasm is %d bytes brotli, over the %d budget by %d (%s)", br, wasmBudget, br-wasmBudget, recipe)
	}
}

// TestLoaderSizeBudget checks doui.js as served (loader, banner markup for
// every language, config, CSS; minified, brotli) for the demo policy and
// every embedded example policy.
func TestLoaderSizeBudget(t *testing.T) {
	s := newDemoServer(t)
	sizes := map[string]*asset{}
	for lang, a := range s.current.Load().loaders {
		sizes["(demo) "+lang] = a
	}
	for name, b := range s.demo.examples {
		for lang, a := range b.loaders {
			sizes[name+" "+lang] = a
		}
	}
	var names []string
	for n := range sizes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := sizes[n]
		t.Logf("doui.js %-11s %5d bytes, %5d gzip, %5d brotli (budget %d, %+d)", n, len(a.body), len(a.gz), len(a.br), loaderBudget, loaderBudget-len(a.br))
		if len(a.br) > loaderBudget {
			t.Errorf("doui.js for %s is %d bytes brotli, over the %d budget by %d", n, len(a.br), loaderBudget, len(a.br)-loaderBudget)
		}
	}
}

// embedBudget holds the embed placeholders' script (web/embed.js, minified,
// brotli), which pages with a held iframe fetch besides doui.js: what it
// adds to their first visit.
const embedBudget = 650

func TestEmbedSizeBudget(t *testing.T) {
	s := newDemoServer(t)
	n := 0
	for name, a := range s.current.Load().fetched {
		if !strings.HasPrefix(name, "embed.") {
			continue
		}
		n++
		t.Logf("%s %d bytes, %d brotli (budget %d, %+d)", name, len(a.body), len(a.br), embedBudget, embedBudget-len(a.br))
		if len(a.br) > embedBudget {
			t.Errorf("%s is %d bytes brotli, over the %d budget by %d", name, len(a.br), embedBudget, len(a.br)-embedBudget)
		}
	}
	if n != 2 {
		t.Errorf("embed scripts: got %d, want one per language (2)", n)
	}
}
