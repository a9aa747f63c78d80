package main

import (
	"net/http"
)

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
	case b.file(p[1:]) != nil:
		b.file(p[1:]).serve(w, r)
	case p == "/policy.json":
		b.json.serve(w, r)
	case p == "/healthz":
		s.serveHealth(w, r, b)
	case p == "/privacy":
		servePrivacy(w, r, b)
	case s.statics.wasm != nil && p == "/doui."+s.statics.wasm.hash+".wasm":
		s.statics.wasm.serve(w, r)
	case p == "/doui."+s.statics.css.hash+".css":
		s.statics.css.serve(w, r)
	case s.pages[p] != nil:
		s.pages[p].serve(w, r)
	case s.demo != nil && s.demo.serve(w, r):
	default:
		httpError(w, http.StatusNotFound)
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
