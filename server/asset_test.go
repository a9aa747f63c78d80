package main

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// fakeWasm is a stand-in module: the cache does not look inside, and a
// small one keeps brotli 11 fast.
func fakeWasm(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	mod := []byte("\x00asm\x01\x00\x00\x00")
	for len(mod) < 64<<10 {
		mod = append(mod, "func "[:1+r.IntN(5)]...)
		mod = append(mod, byte(r.IntN(256)))
	}
	return mod
}

// servedWasm is what a browser that accepts brotli gets for a, decoded.
func servedWasm(t *testing.T, a *asset) []byte {
	t.Helper()
	w := get(t, http.HandlerFunc(a.serve), "GET", "/doui.wasm", "Accept-Encoding", "br")
	if enc := w.Header().Get("Content-Encoding"); enc != "br" {
		t.Fatalf("Content-Encoding: got %q want br", enc)
	}
	return decode(t, "br", w.Body.Bytes())
}

// TestWasmCacheVerified: the brotli wasm kept in the user's cache
// directory is used only if it decodes to the module being served. A
// tampered, truncated or foreign file is rebuilt, not served as immutable
// for a year.
func TestWasmCacheVerified(t *testing.T) {
	mod := fakeWasm(1)
	tests := []struct {
		name   string
		tamper func(t *testing.T, cached []byte) []byte
	}{
		{"another module", func(t *testing.T, _ []byte) []byte { return brotliCompress(fakeWasm(2)) }},
		{"truncated", func(t *testing.T, cached []byte) []byte { return cached[:len(cached)/2] }},
		{"garbage", func(t *testing.T, _ []byte) []byte { return []byte("not brotli at all") }},
		{"appended", func(t *testing.T, cached []byte) []byte {
			return append(cached, brotliCompress([]byte("<script>evil()</script>"))...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			a := newWasmAsset(mod) // fills the cache
			files, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "doui", "*.wasm.br"))
			if len(files) != 1 {
				t.Fatalf("cache files: got %v, want one .wasm.br", files)
			}
			cached, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(files[0], tt.tamper(t, bytes.Clone(cached)), 0o644); err != nil {
				t.Fatal(err)
			}
			b := newWasmAsset(mod) // a restart: reads the cache
			if got := servedWasm(t, b); !bytes.Equal(got, mod) {
				t.Fatalf("served wasm after the cache was tampered with decodes to %d bytes that are not the module (%d bytes)", len(got), len(mod))
			}
			if a.etag != b.etag {
				t.Errorf("ETag changed across restarts: %s then %s", a.etag, b.etag)
			}
			// The bad file was replaced: the next start reads a good one.
			if again, _ := os.ReadFile(files[0]); !bytes.Equal(again, cached) {
				t.Errorf("the cache holds a bad file after the rebuild (%d bytes, want the %d of a good one)", len(again), len(cached))
			}
		})
	}
}
