package main

import (
	"fmt"
	"html/template"
	"io"
	"log"
	"strings"
	"sync"
	"sync/atomic"

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

	// reloading lets one reload run at a time: the watcher and SIGHUP may
	// ask at once, and the later read must be the one that stays.
	reloading sync.Mutex
	mu        sync.Mutex // guards refused and lastData
	refused   *refusal
	lastData  []byte // the policy file as last read, loaded or refused
}

// New loads the policy, minifies and compresses every asset, and returns a
// ready server. It fails if the policy is invalid.
func New(opts Options) (*Server, error) {
	s, err := newServer(opts, true)
	if err != nil {
		return nil, err
	}
	p, name, data, warnings, err := s.readPolicy()
	if err != nil {
		return nil, err
	}
	s.lastData = data
	b, err := s.build(name, p, warnings)
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
		opts.Log = log.New(io.Discard, "", 0)
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
// and checks its doui.js against the budget. warnings are the policy's own
// (readPolicy); the bundle keeps them, with the budget's, for the log and
// /healthz.
func (s *Server) build(name string, p *policyjson.Policy, warnings []string) (*bundle, error) {
	build := func(p *policyjson.Policy) (*bundle, error) {
		return buildBundle(bundleOptions{name: name, policy: p, privacyURL: s.opts.PublicURL + "/privacy", statics: &s.statics, min: s.min, tmpl: s.tmpl})
	}
	b, err := build(p)
	if err != nil {
		return nil, err
	}
	b.warnings = append(b.warnings, warnings...)
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
		return fmt.Errorf("read doui.css: %w", err)
	}
	cssMin, err := s.min.Bytes("text/css", cssSrc)
	if err != nil {
		return fmt.Errorf("minify doui.css: %w", err)
	}
	s.statics.css = newAsset(cssMin, "text/css; charset=utf-8")
	s.statics.css.immutable, s.statics.css.cors = true, true

	// Go's runtime glue, with the engine's start after it (web/start.js):
	// doui.js loads them only when there is work for the engine.
	glue, err := web.FS.ReadFile("dist/wasm_exec.js")
	if err != nil {
		return fmt.Errorf("web/dist/wasm_exec.js is missing: run `make wasm` first")
	}
	start, err := web.FS.ReadFile("start.js")
	if err != nil {
		return fmt.Errorf("read start.js: %w", err)
	}
	glue = append(append(glue, '\n'), start...)
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
