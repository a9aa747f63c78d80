package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/doui-consent/doui/policyjson"
	"github.com/doui-consent/doui/web"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	mjson "github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
)

// Options configure a Server.
type Options struct {
	// Policy is the policy file to serve; empty serves the embedded demo policy.
	Policy string
	// PublicURL is where visitors reach this server (scheme://host[:port]),
	// used for links the banner shows on other origins.
	PublicURL string
	// Demo adds the demo pages (see demo). Off in production.
	Demo bool
	// TrackerURL is the origin of the demo's fake tracker, which the demo
	// pages load and their CSP allows; empty leaves them without one. Only
	// the demo uses it.
	TrackerURL string
	// Log receives operational messages; nil discards them.
	Log *log.Logger
}

// Server serves doui. Build it with New; it is safe for concurrent use.
type Server struct {
	opts    Options
	min     *minify.M
	tmpl    *template.Template
	statics statics
	current atomic.Pointer[bundle]
	pages   map[string]*asset // pages that do not depend on the policy, by path
	demo    *demo             // nil unless Options.Demo

	securityHeaders []header // on every response

	mu       sync.Mutex // guards refused and lastData
	refused  *refusal
	lastData []byte // the policy file as last read, loaded or refused
}

// refusal is the last policy edit that was not taken, for /healthz.
type refusal struct {
	At     time.Time `json:"at"`
	File   string    `json:"file"`
	Errors []string  `json:"errors"`
}

// New loads the policy, minifies and compresses every asset, and returns a
// ready server. It fails if the policy is invalid.
func New(opts Options) (*Server, error) {
	s, err := newServer(opts, true)
	if err != nil {
		return nil, err
	}
	p, name, data, err := s.readPolicy()
	if err != nil {
		return nil, err
	}
	s.lastData = data
	b, err := s.build(name, p)
	if err != nil {
		return nil, err
	}
	for _, w := range b.warnings {
		s.opts.Log.Printf("warning: policy %s: %s", name, w)
	}
	s.current.Store(b)
	if opts.Demo {
		if s.demo, err = s.newDemo(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// newServer is a Server with its templates and the assets that do not
// depend on the policy, and no policy yet. With compressWasm false the wasm
// is only hashed, not compressed: enough to build bundles (doui check), not
// to serve it.
func newServer(opts Options, compressWasm bool) (*Server, error) {
	if opts.Log == nil {
		opts.Log = log.New(discard{}, "", 0)
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	s := &Server{opts: opts, min: newMinifier(), pages: map[string]*asset{}}
	s.securityHeaders = securityHeaders(opts.PublicURL, "")
	tmpl, err := template.ParseFS(web.FS, "templates/*.html", "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	s.tmpl = tmpl
	if err := s.loadStatics(compressWasm); err != nil {
		return nil, err
	}
	return s, nil
}

// build builds the bundle for a policy to serve (not the demo's examples)
// and checks its doui.js against the budget.
func (s *Server) build(name string, p *policyjson.Policy) (*bundle, error) {
	build := func(p *policyjson.Policy) (*bundle, error) {
		return buildBundle(name, p, &s.statics, s.min, s.tmpl, s.opts.PublicURL+"/privacy")
	}
	b, err := build(p)
	if err != nil {
		return nil, err
	}
	w, err := budgetWarning(b, build)
	if err != nil {
		return nil, err
	}
	if w != "" {
		b.warnings = append(b.warnings, w)
	}
	return b, nil
}

func newMinifier() *minify.M {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("application/json", mjson.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	return m
}

// loadStatics builds the assets that never change while the process runs.
func (s *Server) loadStatics(compressWasm bool) error {
	cssSrc, err := web.FS.ReadFile("doui.css")
	if err != nil {
		return err
	}
	cssMin, err := s.min.Bytes("text/css", cssSrc)
	if err != nil {
		return fmt.Errorf("minify doui.css: %w", err)
	}
	s.statics.css = newAsset(cssMin, "text/css; charset=utf-8")
	s.statics.css.immutable, s.statics.css.cors = true, true

	glue, err := web.FS.ReadFile("dist/wasm_exec.js")
	if err != nil {
		return fmt.Errorf("web/dist/wasm_exec.js is missing: run `make wasm` first")
	}
	if glue, err = s.min.Bytes("application/javascript", glue); err != nil {
		return fmt.Errorf("minify wasm_exec.js: %w", err)
	}
	s.statics.wasmExec = newAsset(glue, "text/javascript; charset=utf-8")
	s.statics.wasmExec.immutable, s.statics.wasmExec.cors = true, true

	// The policy page's layout.
	pageCSS, err := web.FS.ReadFile("pages/page.css")
	if err != nil {
		return fmt.Errorf("read page.css: %w", err)
	}
	if pageCSS, err = s.min.Bytes("text/css", pageCSS); err != nil {
		return fmt.Errorf("minify page.css: %w", err)
	}
	s.pages["/page.css"] = newAsset(pageCSS, "text/css; charset=utf-8")

	mod, err := web.FS.ReadFile("dist/doui.wasm")
	if err != nil {
		// Serving without the wasm keeps every tracker blocked (fail
		// closed), but nothing can be accepted either: say so loudly.
		s.opts.Log.Printf("warning: web/dist/doui.wasm is missing (run `make wasm`); visitors will see the banner but cannot decide")
		return nil
	}
	if !compressWasm {
		s.statics.wasm = uncompressedAsset(mod, "application/wasm")
		return nil
	}
	s.statics.wasm = newWasmAsset(mod)
	return nil
}

// readPolicy reads the configured policy file, or the embedded demo. It
// returns the raw bytes too, so that a watch event that changed nothing
// can be told apart from an edit.
func (s *Server) readPolicy() (*policyjson.Policy, string, []byte, error) {
	if s.opts.Policy == "" {
		data, err := web.FS.ReadFile("policies/demo.json")
		if err != nil {
			return nil, "", nil, err
		}
		p, err := policyjson.Parse("web/policies/demo.json", data)
		if err == nil {
			// The demo's site does not exist: link to the policy page
			// this server renders instead.
			p.Site.PolicyURL = ""
		}
		return p, "(embedded demo policy)", data, err
	}
	name := s.opts.Policy
	data, err := readPolicyFile(name, policyReadTimeout)
	if err != nil {
		return nil, name, nil, err
	}
	p, err := policyjson.Parse(name, data)
	return p, name, data, err
}

// policyReadTimeout bounds reading the policy file: the watcher must never
// hang on it, or every later save and SIGHUP would be ignored.
const policyReadTimeout = 5 * time.Second

// readPolicyFile reads the policy file at name, which must be a regular
// file (a symbolic link to one is fine: Kubernetes mounts ConfigMaps so).
// It never blocks on a FIFO or a device: the file is opened with
// O_NONBLOCK, so that a FIFO without a writer opens at once instead of
// waiting in open(2), and refused unless the opened file is a regular one.
// A read that hangs all the same (a dead network file system) is given up
// after timeout; its goroutine ends whenever the kernel lets it go.
func readPolicyFile(name string, timeout time.Duration) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := readRegularFile(name)
		done <- result{data, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.data, r.err
	case <-timer.C:
		return nil, fmt.Errorf("read policy %s: no answer after %v (a hung network file system?): the last good policy stays; save the file again once it reads", name, timeout)
	}
}

func readRegularFile(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read policy %s: not a regular file but %s: doui reads the policy only from a regular file; save the policy there as one", name, fileKind(fi.Mode()))
	}
	// One byte past the limit, so that Parse reports a file that is too big.
	data, err := io.ReadAll(io.LimitReader(f, policyjson.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", name, err)
	}
	return data, nil
}

// fileKind names what a non-regular file is, for an admin.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file (" + m.Type().String() + ")"
}

// Reload re-reads the policy file. A valid policy replaces the current one
// at once (one atomic pointer swap: a request sees the old bundle or the new
// one, never a mix); an invalid one is refused, logged with every problem's
// line:column and reported on /healthz while the last good policy keeps
// being served. A file caught half-written is just an invalid one: refused,
// and read again on the next change.
func (s *Server) Reload() error {
	_, err := s.reload(true)
	return err
}

// reload is Reload; with force false it does nothing when the file holds
// the same bytes as when it was last read (watch events that change
// nothing: chmod, a sibling file, an editor's backup). It reports whether
// it read a new version.
func (s *Server) reload(force bool) (bool, error) {
	p, name, data, err := s.readPolicy()
	s.mu.Lock()
	same := data != nil && bytes.Equal(data, s.lastData)
	if data != nil {
		s.lastData = data
	}
	s.mu.Unlock()
	if same && !force {
		return false, nil
	}
	if err == nil {
		var b *bundle
		if b, err = s.build(name, p); err == nil {
			old := s.current.Swap(b)
			if old.config.Fingerprint != b.config.Fingerprint {
				s.opts.Log.Printf("policy %s loaded: fingerprint %s (was %s): visitors will be asked again", name, b.config.Fingerprint, old.config.Fingerprint)
			} else {
				s.opts.Log.Printf("policy %s loaded: fingerprint %s unchanged", name, b.config.Fingerprint)
			}
			for _, w := range b.warnings {
				s.opts.Log.Printf("warning: policy %s: %s", name, w)
			}
			return true, nil
		}
	}
	// /healthz may be public: it names the file by its base name.
	msg := err.Error()
	if name != "" {
		msg = strings.ReplaceAll(msg, name, filepath.Base(name))
	}
	s.mu.Lock()
	s.refused = &refusal{At: time.Now().UTC(), File: filepath.Base(name), Errors: strings.Split(msg, "\n")}
	s.mu.Unlock()
	s.opts.Log.Printf("policy edit refused, still serving the last good policy:\n%v", err)
	return true, err
}

// ServeHTTP routes a request. Only GET and HEAD exist; every response,
// errors included, carries the security headers. Paths are matched exactly
// against names built in memory and never touch the file system, so
// traversal ("/../", "%2e%2e", "//etc/passwd"), dotfiles and directory
// paths all end in the same plain 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setHeaders(w.Header(), s.securityHeaders)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed)
		return
	}
	b := s.current.Load()
	p := r.URL.Path
	switch {
	case p == "/doui.js":
		b.loader.serve(w, r)
	case b.langs[p[1:]] != nil:
		b.langs[p[1:]].serve(w, r)
	case p == "/policy.json":
		b.json.serve(w, r)
	case p == "/healthz":
		s.serveHealth(w, r, b)
	case p == "/privacy":
		servePrivacy(w, r, b)
	case s.statics.wasm != nil && p == "/doui."+s.statics.wasm.hash+".wasm":
		s.statics.wasm.serve(w, r)
	case p == "/wasm_exec."+s.statics.wasmExec.hash+".js":
		s.statics.wasmExec.serve(w, r)
	case p == "/doui."+s.statics.css.hash+".css":
		s.statics.css.serve(w, r)
	case s.pages[p] != nil:
		s.pages[p].serve(w, r)
	case s.demo != nil && s.demo.serve(w, r):
	default:
		httpError(w, http.StatusNotFound)
	}
}

// httpError writes the status text and nothing else: no Go error, no path.
func httpError(w http.ResponseWriter, code int) {
	h := w.Header()
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(code), code)
}

func servePrivacy(w http.ResponseWriter, r *http.Request, b *bundle) {
	lang := r.URL.Query().Get("lang")
	a, ok := b.privacy[lang]
	if !ok {
		a = b.privacy[b.policy.Site.DefaultLanguage]
	}
	a.serve(w, r)
}

// health is what /healthz reports. It names the policy file by its base
// name only: the server's directory layout is nobody's business.
type health struct {
	OK          bool      `json:"ok"`
	Policy      string    `json:"policy"`
	Fingerprint string    `json:"fingerprint"`
	Version     string    `json:"version"`
	LoadedAt    time.Time `json:"loadedAt"`
	Wasm        bool      `json:"wasm"`
	// EditPending is true when the file on disk was refused after the
	// policy in force was loaded: the admin's last edit is not live.
	EditPending bool     `json:"editPending"`
	Refused     *refusal `json:"lastRefused,omitempty"`
	// Warnings are about the policy in force: served, but worth a fix
	// (a doui.js over its size budget).
	Warnings []string `json:"warnings,omitempty"`
}

// serveHealth reports the policy in force and the last refused edit.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, b *bundle) {
	s.mu.Lock()
	refused := s.refused
	s.mu.Unlock()
	hl := health{OK: true, Policy: filepath.Base(b.name), Fingerprint: b.config.Fingerprint, Version: b.policy.Site.Version, LoadedAt: b.loadedAt, Wasm: s.statics.wasm != nil, Refused: refused, Warnings: b.warnings}
	if s.opts.Policy == "" {
		hl.Policy = b.name
	}
	hl.EditPending = refused != nil && refused.At.After(b.loadedAt)
	body, _ := json.MarshalIndent(hl, "", "  ")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(body, '\n'))
}

// header is one response header, kept in order so that the server and the
// rules `doui export` writes for nginx and static hosts are the same list.
type header struct{ Name, Value string }

func setHeaders(h http.Header, hs []header) {
	for _, x := range hs {
		h.Set(x.Name, x.Value)
	}
}

// securityHeaders are what every response carries. The CSP is for doui's
// own pages (/privacy, the demo): no inline script or style, no eval, only
// 'wasm-unsafe-eval' for WebAssembly.instantiateStreaming. The loader and
// the wasm are used by other origins, whose own CSP applies to them (see
// README.md, "The CSP a site adds to its own pages"). tracker is the demo tracker's
// origin, allowed on the demo's pages only; empty everywhere else.
func securityHeaders(publicURL, tracker string) []header {
	csp := []string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval' " + tracker,
		"style-src 'self'",
		"img-src 'self' data: " + tracker,
		"frame-src 'self' " + tracker,
		"connect-src 'self' " + tracker,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}
	for i, d := range csp {
		csp[i] = strings.Join(strings.Fields(d), " ")
	}
	hs := []header{
		{"Content-Security-Policy", strings.Join(csp, "; ")},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
	}
	if strings.HasPrefix(publicURL, "https://") {
		hs = append(hs, header{"Strict-Transport-Security", "max-age=63072000"})
	}
	return hs
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Limits are the http.Server's timeouts and header limit; a zero field
// takes the default. They exist as a value so tests can shrink them.
type Limits struct {
	// ReadHeader bounds the time to send the request headers (a slowloris
	// client is cut off after it), Read the whole request, Write the
	// response (a 3 MB identity wasm at 1 Mbps fits), Idle a kept-alive
	// connection between requests, Shutdown how long in-flight requests
	// may take to finish on SIGINT/SIGTERM.
	ReadHeader, Read, Write, Idle, Shutdown time.Duration
	// MaxHeaderBytes caps the request headers.
	MaxHeaderBytes int
}

// defaultLimits are what `doui serve` uses.
func defaultLimits() Limits {
	return Limits{
		ReadHeader:     5 * time.Second,
		Read:           10 * time.Second,
		Write:          60 * time.Second,
		Idle:           120 * time.Second,
		Shutdown:       10 * time.Second,
		MaxHeaderBytes: 16 << 10,
	}
}

func (l Limits) orDefault() Limits {
	d := defaultLimits()
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	l.ReadHeader, l.Read, l.Write = pick(l.ReadHeader, d.ReadHeader), pick(l.Read, d.Read), pick(l.Write, d.Write)
	l.Idle, l.Shutdown = pick(l.Idle, d.Idle), pick(l.Shutdown, d.Shutdown)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return l
}

// newHTTPServer wraps h in an http.Server hardened with l.
func newHTTPServer(h http.Handler, l Limits, errLog *log.Logger) *http.Server {
	l = l.orDefault()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          errLog,
		// "OPTIONS *" reaches the handler (a 405 with the security
		// headers) instead of net/http's bare 200.
		DisableGeneralOptionsHandler: true,
	}
}

// serveUntil serves srv on ln until ctx ends, then shuts down gracefully:
// no new connections, requests in flight finish (for up to grace). It
// returns nil after a clean shutdown.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
