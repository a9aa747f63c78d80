package main

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/doui-consent/doui/policyjson"
	"github.com/doui-consent/doui/web"
)

// demo is what `doui serve -demo` adds: a fictional ministry's page at /,
// the snippet page at /admin, and one page per example policy under
// /demo/NAME with its own loader and policy page. A production server
// has none of it (Server.demo is nil), so none of these paths exist and no
// header names the demo tracker.
type demo struct {
	examples map[string]*bundle // by example name ("mic")
	pages    map[string]*asset  // by path
	// headers are the security headers with the demo tracker's origin
	// allowed: only the demo's own pages load it.
	headers []header
}

type demoLink struct{ Name, Title string }

type demoPage struct {
	Tracker, Public, Loader, Title, Name, CSSHash string
	Examples                                      []demoLink
}

// newDemo builds one bundle per embedded example policy and the demo pages.
func (s *Server) newDemo() (*demo, error) {
	d := &demo{examples: map[string]*bundle{}, pages: map[string]*asset{}, headers: securityHeaders(s.opts.PublicURL, s.opts.TrackerURL)}
	names, err := fs.Glob(web.FS, "policies/*.json")
	if err != nil {
		return nil, fmt.Errorf("list example policies: %w", err)
	}
	var links []demoLink
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".json")
		data, err := web.FS.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read example policy: %w", err)
		}
		p, err := policyjson.Parse("web/"+file, data)
		if err != nil {
			return nil, fmt.Errorf("embedded example policy is invalid: %w", err)
		}
		p.Site.PolicyURL = "" // the demo links to its own rendering of the policy
		b, err := buildBundle(bundleOptions{name: file, policy: p, privacyURL: s.opts.PublicURL + "/demo/" + name + "/privacy", statics: &s.statics, min: s.min, tmpl: s.tmpl})
		if err != nil {
			return nil, fmt.Errorf("example policy %s: %w", file, err)
		}
		d.examples[name] = b
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
		d.pages[page] = newAsset(out, "text/html; charset=utf-8")
		return nil
	}
	base := demoPage{Tracker: s.opts.TrackerURL, Public: s.opts.PublicURL, Examples: links, CSSHash: s.statics.css.hash}
	if err := render("/", "index.html", base); err != nil {
		return nil, err
	}
	if err := render("/admin", "admin.html", base); err != nil {
		return nil, err
	}
	for _, l := range links {
		page := base
		page.Loader = "/demo/" + l.Name + "/doui.js"
		page.Title = l.Title
		page.Name = l.Name
		if err := render("/demo/"+l.Name, "example.html", page); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// serve answers r if its path is one of the demo's, and reports whether it
// did.
func (d *demo) serve(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if a := d.pages[p]; a != nil {
		setHeaders(w.Header(), d.headers)
		a.serve(w, r)
		return true
	}
	name, rest, _ := strings.Cut(strings.TrimPrefix(p, "/demo/"), "/")
	ex, ok := d.examples[name]
	if !ok || !strings.HasPrefix(p, "/demo/") {
		return false
	}
	switch {
	case ex.file(rest) != nil:
		ex.file(rest).serve(w, r)
	case rest == "privacy":
		servePrivacy(w, r, ex)
	default:
		return false
	}
	return true
}
