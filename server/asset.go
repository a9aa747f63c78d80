package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
)

// asset is one response body, minified and compressed once when its content
// changes, then served from memory. Safe for concurrent reads; never mutated
// after newAsset returns.
type asset struct {
	body, gz, br []byte
	ctype        string
	etag         string // strong, quoted
	hash         string // first 12 hex digits of the body's SHA-256
	immutable    bool   // content-hashed name: cache for a year
	cors         bool   // other origins may fetch it (the loader, the wasm, the policy)
	modtime      time.Time
}

// newAsset compresses body with gzip and brotli (level 11). Brotli at 11 is
// slow (about a second per MB), which is why this runs once per content
// change and never per request.
func newAsset(body []byte, ctype string) *asset {
	a := uncompressedAsset(body, ctype)
	if len(body) < 256 {
		return a // compression would not pay for its header
	}
	a.gz = gzipCompress(body)
	a.br = brotliCompress(body)
	return a
}

// uncompressedAsset is an asset with its validators and no variants yet.
// The hash in an immutable file's name is 8 hex digits (32 bits): enough
// to tell the versions of one file apart, and each digit costs every
// visitor bytes in doui.js, which names them all.
func uncompressedAsset(body []byte, ctype string) *asset {
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	return &asset{body: body, ctype: ctype, etag: `"` + h[:32] + `"`, hash: h[:8], modtime: time.Now().UTC().Truncate(time.Second)}
}

func gzipCompress(body []byte) []byte {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	return gz.Bytes()
}

// brotliCompress uses the smallest window that holds the whole body: a
// larger one compresses no better and costs memory (a 16 MB window made
// every policy reload allocate about half a gigabyte).
func brotliCompress(body []byte) []byte {
	lgwin := 10
	for lgwin < 24 && 1<<lgwin < len(body) {
		lgwin++
	}
	var br bytes.Buffer
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: 11, LGWin: lgwin})
	bw.Write(body)
	bw.Close()
	return br.Bytes()
}

// encoding picks the smallest variant the client accepts (any q above 0
// counts as accepted: the server, which knows the sizes, chooses). "*"
// accepts br and gzip unless they are named with q=0. A client that
// refuses identity (identity;q=0) still gets it: 406 helps nobody.
func (a *asset) encoding(accept string) (name string, body []byte) {
	ok := acceptedEncodings(accept)
	accepts := func(enc string) bool {
		v, named := ok[enc]
		if named {
			return v
		}
		return ok["*"]
	}
	if a.br != nil && accepts("br") {
		return "br", a.br
	}
	if a.gz != nil && (accepts("gzip") || accepts("x-gzip")) {
		return "gzip", a.gz
	}
	return "", a.body
}

// acceptedEncodings maps each coding named in an Accept-Encoding header to
// whether it is acceptable (false when its q is 0).
func acceptedEncodings(header string) map[string]bool {
	ok := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		accepted := true
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				accepted = err == nil && q > 0
			}
		}
		ok[name] = accepted
	}
	return ok
}

// Cache policies: a content-hashed name never changes meaning, so it is
// cached for a year. The fixed names (doui.js, policy.json, pages) are
// "no-cache": stored, but revalidated on every use (a cheap 304 with the
// strong ETag), because a policy edit must reach visitors within a second,
// not after a max-age.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "no-cache"
)

// headers are a's own response headers, the same whether the server sends
// them or `doui export` writes them into header rules for a static host.
func (a *asset) headers() []header {
	hs := []header{{"Content-Type", a.ctype}, {"Cache-Control", cacheShort}}
	if a.immutable {
		hs[1].Value = cacheImmutable
	}
	if a.cors {
		// Any origin may drop doui in; nothing here is credentialed.
		hs = append(hs,
			header{"Access-Control-Allow-Origin", "*"},
			header{"Cross-Origin-Resource-Policy", "cross-origin"},
			header{"Timing-Allow-Origin", "*"})
	}
	return hs
}

// serve writes a with the right encoding, caching and CORS headers. Range,
// If-None-Match and HEAD are http.ServeContent's job.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	setHeaders(h, a.headers())
	h.Add("Vary", "Accept-Encoding")
	enc, body := a.encoding(r.Header.Get("Accept-Encoding"))
	etag := a.etag
	if enc != "" {
		h.Set("Content-Encoding", enc)
		// Each representation has its own strong validator.
		etag = strings.TrimSuffix(a.etag, `"`) + "-" + enc + `"`
		// ServeContent leaves out Content-Length for an encoded body (it
		// cannot know the range is over the encoded bytes); without a
		// Range the length is simply the variant's, and a length lets
		// HEAD answer and the browser show progress instead of chunking.
		if r.Header.Get("Range") == "" {
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", a.modtime, bytes.NewReader(body))
}

// newWasmAsset is newAsset for the wasm module, whose brotli variant takes
// seconds to build: it is kept in the user's cache directory, keyed by the
// module's hash, so restarts and tests pay for it once per build.
//
// The cached file is trusted only as far as it is checked: it is used when
// it decodes to exactly mod, byte for byte, with nothing after it. Anything
// else (a file tampered with, truncated by a full disk, written by another
// build) is rebuilt and replaced, never served under mod's ETag as
// immutable for a year. Decoding the 3 MB module takes about 50 ms, against
// the seconds compressing it takes.
func newWasmAsset(mod []byte) *asset {
	a := uncompressedAsset(mod, "application/wasm")
	a.immutable, a.cors = true, true
	a.gz = gzipCompress(mod)
	cache := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(dir, "doui", strings.Trim(a.etag, `"`)+".wasm.br")
		if br, err := os.ReadFile(cache); err == nil && brotliDecodesTo(br, mod) {
			a.br = br
			return a
		}
	}
	a.br = brotliCompress(mod)
	if cache != "" && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		tmp := cache + ".tmp" + strconv.Itoa(os.Getpid())
		if os.WriteFile(tmp, a.br, 0o644) == nil {
			os.Rename(tmp, cache)
		}
	}
	return a
}

// brotliDecodesTo reports whether br is one brotli stream that decodes to
// exactly want.
func brotliDecodesTo(br, want []byte) bool {
	// One byte past want, so that a longer stream shows; the reader
	// reports data after the end of the stream as an error.
	got, err := io.ReadAll(io.LimitReader(brotli.NewReader(bytes.NewReader(br)), int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}
