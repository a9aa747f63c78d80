package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const exportUsage = `Usage: doui export [-policy FILE] -public-url URL DIR

Writes everything doui serves to visitors as static files, for a CDN or
any static web server, once, exactly as "doui serve" would serve it:

  DIR/public/            the web root
    doui.js              the loader (short cache), with .br and .gz
    policy.json          the policy (short cache), with .br and .gz
    doui.LANG.js         the loader carrying another language (short cache)
    lang.LANG.HASH.js    the banner in each language with the language
                         switch, fetched by a loader that does not carry
                         it (immutable), with .br and .gz
    engine.HASH.json     the engine's data, fetched with the wasm (immutable)
    doui.HASH.wasm       the wasm (immutable), with .br and .gz
    wasm_exec.HASH.js    Go's wasm glue and the engine's start (immutable),
                         with .br and .gz
    embed.LANG.HASH.js   the embed placeholders' script and sentences,
                         fetched only by pages with a held iframe
                         (immutable); lang, engine, embed and wasm_exec
                         files share one HASH
    doui.HASH.css        the banner CSS (immutable)
    privacy.html         the policy page in the default language,
    privacy.LANG.html    and in each language
    page.css             the policy page's layout
    _headers             header rules for Netlify / Cloudflare Pages
    _redirects           /privacy?lang=LANG for Netlify
  DIR/nginx/doui.conf    the same rules as nginx location blocks

Every file is minified; .br (brotli 11) and .gz sidecars are precompressed
for servers that pick them (nginx gzip_static / brotli_static). Files from
an earlier export are overwritten; old hashed files are left in place, so
pages that still hold an old doui.js keep working.

-public-url is where DIR/public will be reachable (the banner links to the
policy page there from other sites' pages).

Flags:
`

// exportFile is one file of the export: its URL path and content.
type exportFile struct {
	path string // "/doui.js"
	a    *asset
}

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doui export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// The two of serve's flags that matter for static files.
	var f serveFlags
	fs.StringVar(&f.policy, "policy", "", "policy JSON file to export; empty exports the embedded demo policy")
	fs.StringVar(&f.public, "public-url", "", "URL the exported files will be served at, e.g. https://consent.example.go.jp (required)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), exportUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, "doui export: give one output directory\n\n")
		fs.Usage()
		return 2
	}
	if f.public == "" {
		fmt.Fprint(stderr, "doui export: -public-url is required: the URL the exported files will be served at, e.g. https://consent.example.go.jp\n")
		return 2
	}
	logger := log.New(stderr, "doui: ", 0)
	s, err := New(Options{Policy: f.policy, PublicURL: f.public, Log: logger})
	if err != nil {
		fmt.Fprintf(stderr, "doui export: %v\n", err)
		return 1
	}
	dir := fs.Arg(0)
	files, err := s.export(dir)
	if err != nil {
		fmt.Fprintf(stderr, "doui export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "exported %d files to %s (policy fingerprint %s)\n", len(files), filepath.Join(dir, "public"), s.current.Load().config.Fingerprint)
	fmt.Fprintf(stdout, "nginx: root %s; include %s;\n", filepath.Join(dir, "public"), filepath.Join(dir, "nginx", "doui.conf"))
	return 0
}

// exportFiles lists what a static host must serve, by URL path.
func (s *Server) exportFiles() ([]exportFile, error) {
	if s.statics.wasm == nil {
		return nil, errors.New("web/dist/doui.wasm is missing: run `make wasm` and rebuild doui")
	}
	b := s.current.Load()
	files := []exportFile{
		{"/doui.js", b.loader},
		{"/policy.json", b.json},
		{"/doui." + s.statics.wasm.hash + ".wasm", s.statics.wasm},
		{"/doui." + s.statics.css.hash + ".css", s.statics.css},
		{"/page.css", s.pages["/page.css"]},
		{"/privacy.html", b.privacy[b.policy.Site.DefaultLanguage]},
	}
	for _, lang := range b.policy.Site.Languages {
		files = append(files, exportFile{"/privacy." + lang + ".html", b.privacy[lang]})
	}
	for _, lang := range b.policy.Site.Languages {
		files = append(files, exportFile{"/doui." + lang + ".js", b.loaders[lang]})
	}
	for _, name := range slices.Sorted(maps.Keys(b.fetched)) {
		files = append(files, exportFile{"/" + name, b.fetched[name]})
	}
	for _, f := range files {
		if f.a == nil {
			return nil, fmt.Errorf("nothing built for %s", f.path)
		}
	}
	return files, nil
}

// export writes the files with their sidecars and the header rules. It
// returns the names written, relative to dir.
func (s *Server) export(dir string) ([]string, error) {
	files, err := s.exportFiles()
	if err != nil {
		return nil, err
	}
	b := s.current.Load()
	pub := filepath.Join(dir, "public")
	if err := os.MkdirAll(pub, 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "nginx"), 0o755); err != nil {
		return nil, err
	}
	var written []string
	write := func(name string, data []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(name))
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		written = append(written, name)
		// Renamed into place: a server already serving DIR never sends a
		// half-written file.
		return os.Rename(tmp, path)
	}
	for _, f := range files {
		name := "public" + f.path
		if err := write(name, f.a.body); err != nil {
			return nil, err
		}
		if f.a.gz != nil {
			if err := write(name+".gz", f.a.gz); err != nil {
				return nil, err
			}
		}
		if f.a.br != nil {
			if err := write(name+".br", f.a.br); err != nil {
				return nil, err
			}
		}
	}
	langs := b.policy.Site.Languages
	def := b.policy.Site.DefaultLanguage
	if err := write("public/_headers", []byte(headersFile(files, s.securityHeaders))); err != nil {
		return nil, err
	}
	if err := write("public/_redirects", []byte(redirectsFile(langs))); err != nil {
		return nil, err
	}
	if err := write("nginx/doui.conf", []byte(nginxConf(files, s.securityHeaders, langs, def))); err != nil {
		return nil, err
	}
	return written, nil
}

// fileHeaders is everything a response for f carries besides what the
// static server adds itself (Content-Length, ETag, Content-Encoding).
func fileHeaders(f exportFile, security []header) []header {
	hs := slices.Concat(f.a.headers(), []header{{"Vary", "Accept-Encoding"}})
	return append(hs, security...)
}

// headersFile is a Netlify / Cloudflare Pages _headers file. Their pretty
// URLs serve /privacy from privacy.html, so /privacy gets a rule as well.
func headersFile(files []exportFile, security []header) string {
	var b strings.Builder
	b.WriteString("# doui: response headers for Netlify / Cloudflare Pages (written by `doui export`).\n\n")
	b.WriteString("/*\n")
	for _, h := range security {
		fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
	}
	for _, f := range files {
		paths := []string{f.path}
		if f.path == "/privacy.html" {
			paths = append(paths, "/privacy")
		}
		for _, p := range paths {
			fmt.Fprintf(&b, "\n%s\n", p)
			for _, h := range f.a.headers() {
				fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
			}
			b.WriteString("  Vary: Accept-Encoding\n")
		}
	}
	return b.String()
}

// redirectsFile maps /privacy?lang=LANG to the page in that language, in
// Netlify's syntax (Cloudflare Pages ignores query conditions: it serves
// the default language).
func redirectsFile(langs []string) string {
	var b strings.Builder
	b.WriteString("# doui: /privacy?lang=LANG (written by `doui export`)\n")
	for _, l := range langs {
		fmt.Fprintf(&b, "/privacy lang=%s /privacy.%s.html 200\n", l, l)
	}
	b.WriteString("/privacy /privacy.html 200\n")
	return b.String()
}

// nginxConf is location blocks for the server { } that serves DIR/public.
// Each location repeats every header: nginx drops inherited add_header
// lines in a location that has its own. "types { } default_type" pins the
// Content-Type, whatever the host's mime.types says about .js or .wasm.
func nginxConf(files []exportFile, security []header, langs []string, def string) string {
	var b strings.Builder
	b.WriteString(`# doui: nginx location blocks (written by "doui export").
#
# Include this file in the server { } block of the origin that serves doui,
# with root set to the export's public/ directory, for example:
#
#   server {
#       listen 443 ssl;
#       server_name consent.example.go.jp;
#       root /srv/doui/public;
#       include /srv/doui/nginx/doui.conf;
#       location / { return 404; }   # if this origin serves nothing else
#   }
#
# brotli_static needs the ngx_brotli module (Debian 12+:
# apt-get install libnginx-mod-http-brotli-static). Without it, delete the
# brotli_static lines; gzip_static still serves the .gz files.

location ~ "^/(_headers|_redirects)$" {
    return 404;
}

location = /privacy {
`)
	for _, l := range langs {
		fmt.Fprintf(&b, "    if ($arg_lang = %s) {\n        rewrite ^ /privacy.%s.html last;\n    }\n", nginxQuote(l), l)
	}
	fmt.Fprintf(&b, "    rewrite ^ /privacy.html last;  # %s, the default language\n}\n", def)
	for _, f := range files {
		hs := fileHeaders(f, security)
		fmt.Fprintf(&b, "\nlocation = %s {\n", f.path)
		for _, h := range hs {
			if h.Name == "Content-Type" {
				fmt.Fprintf(&b, "    types { }\n    default_type %s;\n", nginxQuote(h.Value))
			}
		}
		if f.a.gz != nil {
			b.WriteString("    gzip_static on;\n")
		}
		if f.a.br != nil {
			b.WriteString("    brotli_static on;\n")
		}
		for _, h := range hs {
			if h.Name != "Content-Type" {
				fmt.Fprintf(&b, "    add_header %s %s always;\n", h.Name, nginxQuote(h.Value))
			}
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// nginxQuote double-quotes s for an nginx directive. Header values here
// never hold "$" (nginx would expand it as a variable).
func nginxQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
