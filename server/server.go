package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
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
	// TrackerURL is the origin of the demo's fake tracker; empty leaves the
	// demo pages without one.
	TrackerURL string
	// Log receives operational messages; nil discards them.
	Log *log.Logger
}

// Server serves doui. Build it with New; it is safe for concurrent use.
type Server struct {
	opts     Options
	min      *minify.M
	tmpl     *template.Template
	statics  statics
	current  atomic.Pointer[bundle]
	examples map[string]*bundle // demo pages, one per example policy
	pages    map[string]*asset  // demo and admin pages, by path

	mu      sync.Mutex // guards refused
	refused *refusal
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
	if opts.Log == nil {
		opts.Log = log.New(discard{}, "", 0)
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	s := &Server{opts: opts, min: newMinifier(), examples: map[string]*bundle{}, pages: map[string]*asset{}}
	tmpl, err := template.ParseFS(web.FS, "templates/*.html", "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	s.tmpl = tmpl
	if err := s.loadStatics(); err != nil {
		return nil, err
	}
	p, name, err := s.readPolicy()
	if err != nil {
		return nil, err
	}
	b, err := buildBundle(name, p, &s.statics, s.min, s.tmpl, s.opts.PublicURL+"/privacy")
	if err != nil {
		return nil, err
	}
	s.current.Store(b)
	if err := s.loadDemo(); err != nil {
		return nil, err
	}
	return s, nil
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
func (s *Server) loadStatics() error {
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

	mod, err := web.FS.ReadFile("dist/doui.wasm")
	if err != nil {
		// Serving without the wasm keeps every tracker blocked (fail
		// closed), but nothing can be accepted either: say so loudly.
		s.opts.Log.Printf("warning: web/dist/doui.wasm is missing (run `make wasm`); visitors will see the banner but cannot decide")
		return nil
	}
	s.statics.wasm = newWasmAsset(mod)
	return nil
}

// readPolicy reads the configured policy file, or the embedded demo.
func (s *Server) readPolicy() (*policyjson.Policy, string, error) {
	if s.opts.Policy == "" {
		data, err := web.FS.ReadFile("policies/demo.json")
		if err != nil {
			return nil, "", err
		}
		p, err := policyjson.Parse("web/policies/demo.json", data)
		return p, "(embedded demo policy)", err
	}
	p, err := policyjson.ParseFile(s.opts.Policy)
	return p, s.opts.Policy, err
}

// Reload re-reads the policy file. A valid policy replaces the current one
// at once; an invalid one is refused, logged and reported on /healthz while
// the last good policy keeps being served.
func (s *Server) Reload() error {
	p, name, err := s.readPolicy()
	if err == nil {
		var b *bundle
		if b, err = buildBundle(name, p, &s.statics, s.min, s.tmpl, s.opts.PublicURL+"/privacy"); err == nil {
			old := s.current.Swap(b)
			if old.config.Fingerprint != b.config.Fingerprint {
				s.opts.Log.Printf("policy %s loaded: fingerprint %s (was %s): visitors will be asked again", name, b.config.Fingerprint, old.config.Fingerprint)
			} else {
				s.opts.Log.Printf("policy %s loaded: fingerprint %s unchanged", name, b.config.Fingerprint)
			}
			return nil
		}
	}
	s.mu.Lock()
	s.refused = &refusal{At: time.Now().UTC(), File: name, Errors: strings.Split(err.Error(), "\n")}
	s.mu.Unlock()
	s.opts.Log.Printf("policy edit refused, still serving the last good policy:\n%v", err)
	return err
}

// loadDemo builds one bundle per example policy and the demo pages.
func (s *Server) loadDemo() error {
	names, err := fs.Glob(web.FS, "policies/*.json")
	if err != nil {
		return err
	}
	var links []demoLink
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".json")
		data, err := web.FS.ReadFile(file)
		if err != nil {
			return err
		}
		p, err := policyjson.Parse("web/"+file, data)
		if err != nil {
			return fmt.Errorf("embedded example policy is invalid: %w", err)
		}
		b, err := buildBundle(file, p, &s.statics, s.min, s.tmpl, s.opts.PublicURL+"/demo/"+name+"/privacy")
		if err != nil {
			return err
		}
		s.examples[name] = b
		links = append(links, demoLink{Name: name, Title: p.Text(p.Site.Name, "ja") + " / " + p.Text(p.Site.Name, "en")})
	}
	sort.Slice(links, func(i, j int) bool { return links[i].Name < links[j].Name })
	render := func(page, tmplName string, data any) error {
		var buf strings.Builder
		if err := s.tmpl.ExecuteTemplate(&buf, tmplName, data); err != nil {
			return fmt.Errorf("render %s: %w", tmplName, err)
		}
		out, err := s.min.Bytes("text/html", []byte(buf.String()))
		if err != nil {
			return fmt.Errorf("minify %s: %w", tmplName, err)
		}
		s.pages[page] = newAsset(out, "text/html; charset=utf-8")
		return nil
	}
	pageCSS, err := web.FS.ReadFile("pages/page.css")
	if err != nil {
		return err
	}
	if pageCSS, err = s.min.Bytes("text/css", pageCSS); err != nil {
		return fmt.Errorf("minify page.css: %w", err)
	}
	s.pages["/page.css"] = newAsset(pageCSS, "text/css; charset=utf-8")
	base := demoPage{Tracker: s.opts.TrackerURL, Public: s.opts.PublicURL, Examples: links, CSSHash: s.statics.css.hash}
	if err := render("/", "index.html", base); err != nil {
		return err
	}
	if err := render("/admin", "admin.html", base); err != nil {
		return err
	}
	for _, l := range links {
		d := base
		d.Loader = "/demo/" + l.Name + "/doui.js"
		d.Title = l.Title
		d.Name = l.Name
		if err := render("/demo/"+l.Name, "example.html", d); err != nil {
			return err
		}
	}
	return nil
}

type demoLink struct{ Name, Title string }

type demoPage struct {
	Tracker, Public, Loader, Title, Name, CSSHash string
	Examples                                      []demoLink
}

// ServeHTTP routes a request. Only GET and HEAD exist.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header(), s.opts.TrackerURL)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b := s.current.Load()
	p := r.URL.Path
	switch {
	case p == "/doui.js":
		b.loader.serve(w, r)
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
	case strings.HasPrefix(p, "/demo/"):
		name, rest, _ := strings.Cut(strings.TrimPrefix(p, "/demo/"), "/")
		ex, ok := s.examples[name]
		switch {
		case ok && rest == "doui.js":
			ex.loader.serve(w, r)
		case ok && rest == "privacy":
			servePrivacy(w, r, ex)
		case ok && rest == "" && s.pages[p] != nil:
			s.pages[p].serve(w, r)
		default:
			http.NotFound(w, r)
		}
	case s.pages[p] != nil:
		s.pages[p].serve(w, r)
	default:
		http.NotFound(w, r)
	}
}

func servePrivacy(w http.ResponseWriter, r *http.Request, b *bundle) {
	lang := r.URL.Query().Get("lang")
	a, ok := b.privacy[lang]
	if !ok {
		a = b.privacy[b.policy.Site.DefaultLanguage]
	}
	a.serve(w, r)
}

// serveHealth reports the policy in force and the last refused edit.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, b *bundle) {
	s.mu.Lock()
	refused := s.refused
	s.mu.Unlock()
	body, _ := json.MarshalIndent(struct {
		OK          bool      `json:"ok"`
		Policy      string    `json:"policy"`
		Fingerprint string    `json:"fingerprint"`
		Version     string    `json:"version"`
		LoadedAt    time.Time `json:"loadedAt"`
		Wasm        bool      `json:"wasm"`
		Refused     *refusal  `json:"lastRefused,omitempty"`
	}{true, b.name, b.config.Fingerprint, b.policy.Site.Version, b.loadedAt, s.statics.wasm != nil, refused}, "", "  ")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(body, '\n'))
}

// setSecurityHeaders sets what every response carries. The CSP is for
// doui's own pages; the loader and the wasm are fetched by other origins,
// whose own CSP applies to them.
func setSecurityHeaders(h http.Header, tracker string) {
	h.Set("Content-Security-Policy", strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval' " + tracker,
		"style-src 'self'",
		"img-src 'self' data: " + tracker,
		"frame-src " + tracker + " 'self'",
		"connect-src 'self' " + tracker,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; "))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
