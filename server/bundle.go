package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/doui-consent/doui/banner"
	"github.com/doui-consent/doui/policyjson"
	"github.com/doui-consent/doui/web"
	"github.com/tdewolff/minify/v2"
)

// bundle is everything derived from one policy: built once when the policy
// is loaded, swapped atomically on reload, never mutated.
type bundle struct {
	name   string // file the policy came from
	policy *policyjson.Policy
	config banner.Config
	loader *asset // /doui.js
	// loaders are /doui.LANG.js, by language: the loader carrying that
	// language (loaders[default] is loader).
	loaders map[string]*asset
	// fetched are the small immutable files the loader fetches, by name:
	// each language's markup and texts with the language switch's code
	// ("lang.en.<hash>.js", web/lang.js) when a page or the visitor wants a
	// language the loader does not carry, each language's embed
	// placeholders ("embed.en.<hash>.js") for a page with a held frame, and
	// with the wasm Go's glue and the engine's start ("wasm_exec.<hash>.js",
	// web/start.js) and the engine's data ("engine.<hash>.json"). They
	// share one hash, of all of them (see fileVersion).
	fetched  map[string]*asset
	json     *asset // /policy.json
	privacy  map[string]*asset
	loadedAt time.Time
	warnings []string // what an admin should know about this policy (see budgetWarning)
}

// statics are the assets that do not depend on the policy.
type statics struct {
	wasm, wasmExec, css *asset
}

// loaderData is what the loader finds in its DOUI argument: what the page
// needs before the engine arrives, and no more. Short keys: it is
// downloaded by every visitor.
type loaderData struct {
	Config   loaderConfig                 `json:"c"`
	Markup   map[string]string            `json:"m"` // the default language's only
	Default  string                       `json:"d"`
	Langs    map[string]int               `json:"l"`  // every language the policy has: 1 each
	Version  string                       `json:"v"`  // ".<hash>.js": names lang.LANG.<hash>.js and embed.LANG.<hash>.js
	Defaults map[string]any               `json:"cm"` // Consent Mode default command
	GA       []string                     `json:"ga"`
	Wasm     string                       `json:"w"`
	CSS      string                       `json:"css"`
	Texts    map[string]map[string]string `json:"t"` // strings the loader writes itself
}

// loaderConfig is the part of banner.Config the loader reads: the
// fingerprint its one comparison needs, and the hosts its blocker holds
// back.
type loaderConfig struct {
	Fingerprint string `json:"fp"`
	GPC         bool   `json:"gpc,omitempty"`
	// Hosts maps each host of an optional category's services to that
	// category: the blocker's lookup table as it is, built here rather
	// than by loader code (doui.js 33 B less brotli, en demo; 37 B, ja). Its
	// "__proto__": null entry is not a host: in the JavaScript literal it
	// becomes, it gives the object no prototype, so that a page's host
	// named "constructor" finds nothing (loaderHosts).
	Hosts map[string]any `json:"h"`
}

// loaderHosts is loaderConfig.Hosts for cfg.
func loaderHosts(cfg *banner.Config) map[string]any {
	h := map[string]any{"__proto__": nil}
	for _, c := range cfg.Categories {
		if c.Required {
			continue
		}
		for _, s := range c.Services {
			for _, host := range s.Hosts {
				h[host] = c.ID
			}
		}
	}
	return h
}

// engineData is the engine's own file, fetched with the wasm: the whole
// config and the strings it writes, in every language.
type engineData struct {
	Config banner.Config                `json:"c"`
	Texts  map[string]map[string]string `json:"t"`
}

// Interface strings written by script rather than served in the markup:
// the loader's (the live region) and the engine's (what it announces after
// a decision). The embed placeholders' two (embedText, embedAllow) go to
// their own script, under short names (buildBundle).
var (
	loaderTextKeys = []string{"saved"}
	engineTextKeys = []string{"saved", "savedGranted", "savedNone"}
)

// bundleOptions are what buildBundle builds a bundle from and with.
type bundleOptions struct {
	name       string // the file the policy came from, for the log and /healthz
	policy     *policyjson.Policy
	privacyURL string // where the banner links when the policy names no page of its own
	statics    *statics
	min        *minify.M
	tmpl       *template.Template
}

// buildBundle renders and compresses everything for o.policy.
func buildBundle(o bundleOptions) (*bundle, error) {
	p, st, m, tmpl := o.policy, o.statics, o.min, o.tmpl
	cfg := p.Config()
	d := loaderData{
		Config:   loaderConfig{Fingerprint: cfg.Fingerprint, GPC: cfg.GPC, Hosts: loaderHosts(&cfg)},
		Markup:   map[string]string{},
		Default:  p.Site.DefaultLanguage,
		Langs:    map[string]int{},
		Defaults: map[string]any{"wait_for_update": 500},
		GA:       []string{},
		CSS:      string(st.css.body),
		Texts:    map[string]map[string]string{},
	}
	eng := engineData{Config: cfg, Texts: map[string]map[string]string{}}
	for _, u := range banner.ConsentModeDefaults(&cfg) {
		d.Defaults[u.Type] = u.Value
	}
	for _, c := range cfg.Categories {
		for _, s := range c.Services {
			d.GA = append(d.GA, s.MeasurementIDs...)
		}
	}
	if st.wasm != nil {
		d.Wasm = "/doui." + st.wasm.hash + ".wasm"
	}

	// A loader carries one language: /doui.js the policy's default,
	// /doui.LANG.js another (for pages in that language). Every language
	// also has a small immutable file of its own, which a loader fetches
	// when a page or the visitor wants a language it does not carry: a
	// visitor downloads one language.
	fetched := map[string]*asset{}
	markup := map[string]string{}
	texts := map[string]map[string]string{}
	embedTexts := map[string]map[string]any{}
	embedSrc, err := web.FS.ReadFile("embed.js")
	if err != nil {
		return nil, fmt.Errorf("read embed.js: %w", err)
	}
	langSrc, err := web.FS.ReadFile("lang.js")
	if err != nil {
		return nil, fmt.Errorf("read lang.js: %w", err)
	}
	for _, lang := range p.Site.Languages {
		v := bannerView(p, lang, o.privacyURL)
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "banner", v); err != nil {
			return nil, fmt.Errorf("render banner markup (%s): %w", lang, err)
		}
		html, err := m.String("text/html", buf.String())
		if err != nil {
			return nil, fmt.Errorf("minify banner markup (%s): %w", lang, err)
		}
		// Texts by who writes them: the loader, the embed placeholders'
		// script (its own file, for pages with a held frame), the engine.
		t, ft, et := map[string]string{}, map[string]any{}, map[string]string{}
		for _, k := range loaderTextKeys {
			t[k] = v.UI[k]
		}
		// Short names, in every page with a held frame: x the sentence,
		// split where the provider goes (the script joins it with the
		// name), a the button's, split where the category goes, l the
		// language.
		ft["x"] = strings.Split(v.UI["embedText"], "{provider}")
		ft["a"] = strings.Split(v.UI["embedAllow"], "{category}")
		ft["l"] = lang
		for _, k := range engineTextKeys {
			et[k] = v.UI[k]
		}
		for _, c := range p.Categories {
			et["cat:"+c.ID] = p.Text(c.Label, lang)
		}
		eng.Texts[lang], markup[lang], texts[lang] = et, html, t
		fa, err := scriptAsset(m, embedSrc, ft)
		if err != nil {
			return nil, fmt.Errorf("embed.js (%s): %w", lang, err)
		}
		fa.immutable = true
		fetched["embed."+lang], embedTexts[lang] = fa, ft
	}
	// Each language file carries the placeholders' sentences of every
	// language: after a switch to the one doui.js carries, which has no
	// file of its own, they are there too.
	for _, lang := range p.Site.Languages {
		la, err := scriptAsset(m, langSrc, map[string]any{"lang": lang, "m": markup[lang], "t": texts[lang], "e": embedTexts})
		if err != nil {
			return nil, fmt.Errorf("lang.js (%s): %w", lang, err)
		}
		la.immutable = true
		fetched["lang."+lang], d.Langs[lang] = la, 1
	}
	engine, err := jsonAsset(eng)
	if err != nil {
		return nil, fmt.Errorf("encode engine data: %w", err)
	}
	// Go's glue with the engine's start shares the hash too: doui.js
	// names it from D.v, for one name less in every doui.js (it is
	// fetched again after a policy edit: 2.5 KB, with the engine only).
	fetched["wasm_exec"] = st.wasmExec
	v := fileVersion(fetched, engine)
	// The engine's start (web/start.js) names its data file from D.v.
	d.Version = "." + v + ".js"
	named := map[string]*asset{"engine." + v + ".json": engine}
	for base, a := range fetched {
		named[base+d.Version] = a
	}
	fetched = named

	src, err := web.FS.ReadFile("loader.js")
	if err != nil {
		return nil, fmt.Errorf("read loader.js: %w", err)
	}
	loaders := map[string]*asset{}
	for _, lang := range p.Site.Languages {
		// D.d is the language carried: the fallback when no other is wanted
		// or one cannot be fetched.
		d.Default = lang
		d.Markup = map[string]string{lang: markup[lang]}
		d.Texts = map[string]map[string]string{lang: texts[lang]}
		if loaders[lang], err = scriptAsset(m, src, d); err != nil {
			return nil, fmt.Errorf("loader.js: %w", err)
		}
	}
	loader := loaders[p.Site.DefaultLanguage]

	pj, err := policyjson.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	if pj, err = m.Bytes("application/json", pj); err != nil {
		return nil, fmt.Errorf("minify policy: %w", err)
	}
	pol := newAsset(pj, "application/json")
	pol.cors = true

	b := &bundle{name: o.name, policy: p, config: p.Config(), loader: loader, loaders: loaders, fetched: fetched, json: pol, privacy: map[string]*asset{}, loadedAt: time.Now().UTC()}
	for _, lang := range p.Site.Languages {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "privacy", privacyView(p, lang, st.css.hash)); err != nil {
			return nil, fmt.Errorf("render privacy page (%s): %w", lang, err)
		}
		page, err := m.Bytes("text/html", buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("minify privacy page (%s): %w", lang, err)
		}
		b.privacy[lang] = newAsset(page, "text/html; charset=utf-8")
	}
	return b, nil
}

// categoryView and the rest are what the banner template reads.
type categoryView struct {
	ID, Label, Description string
	Required, Autofocus    bool
	Services               []serviceView
}

// serviceView is one line of a category's services: the service by its
// own name, with the company behind it (serviceLabel), and the hosts it
// loads from, which the embed placeholders (web/embed.js) look it up by.
type serviceView struct {
	Label, Provider, Hosts, PrivacyURL string
}

type languageView struct {
	Code, Name string
	Current    bool
}

type bannerViewData struct {
	Lang       string
	UI         map[string]string
	Intro      string
	PolicyURL  string
	Languages  []languageView
	Categories []categoryView
}

func bannerView(p *policyjson.Policy, lang, privacyURL string) bannerViewData {
	ui := uiFor(lang, p.UI)
	v := bannerViewData{Lang: lang, UI: ui, PolicyURL: p.Site.PolicyURL}
	if v.PolicyURL == "" {
		v.PolicyURL = privacyURL + "?lang=" + lang
	}
	for _, l := range p.Site.Languages {
		name := languageNames[l]
		if name == "" {
			name = l
		}
		v.Languages = append(v.Languages, languageView{Code: l, Name: name, Current: l == lang})
	}
	var purposes []string
	for _, c := range p.Categories {
		cv := categoryView{ID: c.ID, Label: p.Text(c.Label, lang), Description: p.Text(c.Description, lang), Required: c.Required}
		for _, s := range p.Services {
			if s.Category == c.ID {
				cv.Services = append(cv.Services, serviceView{Label: serviceLabel(p.Text(s.Name, lang), p.Text(s.Provider, lang), lang), Provider: p.Text(s.Provider, lang), Hosts: strings.Join(s.Hosts, " "), PrivacyURL: s.PrivacyURL})
			}
		}
		if !c.Required {
			// The preferences open on the first choice the visitor can
			// change: showModal focuses the one with autofocus (only one
			// may carry it).
			cv.Autofocus = len(purposes) == 0
			purposes = append(purposes, cv.Label)
		}
		v.Categories = append(v.Categories, cv)
	}
	sep := ", "
	if lang == "ja" {
		sep = "、"
	}
	intro := ui["intro"]
	if len(purposes) == 0 {
		intro = ui["introNone"]
	}
	v.Intro = strings.NewReplacer("{site}", p.Text(p.Site.Name, lang), "{purposes}", strings.Join(purposes, sep)).Replace(intro)
	return v
}

// serviceLabel names a service in the preferences and a held embed's
// placeholder: by its own name, with the company behind it when that is
// another name ("YouTube (Google LLC)"): visitors know the service, the
// privacy policy is the provider's.
func serviceLabel(name, provider, lang string) string {
	switch {
	case name == "":
		return provider
	case provider == "" || provider == name:
		return name
	case lang == "ja":
		return name + "（" + provider + "）"
	}
	return name + " (" + provider + ")"
}

// fileVersion is the hash in the names of a policy's small immutable
// files: of all of them, so that doui.js names them all with one hash
// (a hash per file cost the ja demo's doui.js 25 bytes brotli more; a
// hash is noise to brotli). They change together anyway: with the policy,
// or with doui.
func fileVersion(files map[string]*asset, engine *asset) string {
	names := slices.Sorted(maps.Keys(files))
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s %s\n", n, files[n].etag)
	}
	fmt.Fprintf(h, "engine %s\n", engine.etag)
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// jsonAsset encodes v as an immutable, cross-origin JSON file.
func jsonAsset(v any) (*asset, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	a := newAsset(js, "application/json")
	a.immutable, a.cors = true, true
	return a, nil
}

// file is the loader or one of the files it fetches, by name ("doui.js",
// "doui.en.js", "lang.en.<hash>.js", "embed.en.<hash>.js",
// "engine.<hash>.json", "wasm_exec.<hash>.js"), nil for any other name.
func (b *bundle) file(name string) *asset {
	if name == "doui.js" {
		return b.loader
	}
	if lang, ok := strings.CutSuffix(strings.TrimPrefix(name, "doui."), ".js"); ok && strings.HasPrefix(name, "doui.") {
		return b.loaders[lang]
	}
	return b.fetched[name]
}

// scriptAsset is script src with its /*DOUI*/{} placeholder replaced by
// data as JSON, minified, for cross-origin pages (CORS).
func scriptAsset(m *minify.M, src []byte, data any) (*asset, error) {
	j, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("encode its data: %w", err)
	}
	js := bytes.Replace(src, []byte("/*DOUI*/{}"), j, 1)
	if bytes.Equal(js, src) {
		return nil, fmt.Errorf("no /*DOUI*/{} placeholder")
	}
	min, err := m.Bytes("application/javascript", js)
	if err != nil {
		return nil, fmt.Errorf("minify: %w", err)
	}
	a := newAsset(min, "text/javascript; charset=utf-8")
	a.cors = true
	return a, nil
}
