package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
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
	name     string // file the policy came from
	policy   *policyjson.Policy
	config   banner.Config
	loader   *asset // /doui.js
	json     *asset // /policy.json
	privacy  map[string]*asset
	loadedAt time.Time
}

// statics are the assets that do not depend on the policy.
type statics struct {
	wasm, wasmExec, css *asset
}

// loaderData is what the loader finds in its DOUI argument. Short keys: it
// is downloaded by every visitor.
type loaderData struct {
	Config   banner.Config                `json:"c"`
	Markup   map[string]string            `json:"m"`
	Default  string                       `json:"d"`
	Defaults map[string]any               `json:"cm"` // Consent Mode default command
	GA       []string                     `json:"ga"`
	Wasm     string                       `json:"w"`
	WasmExec string                       `json:"x"`
	CSS      string                       `json:"css"`
	Texts    map[string]map[string]string `json:"t"` // strings the wasm writes itself
}

// wasmTextKeys are the interface strings the wasm needs at run time (the
// rest is in the markup already).
var wasmTextKeys = []string{"saved", "savedGranted", "savedNone", "embedText", "embedAllow", "privacyPolicy"}

// buildBundle renders and compresses everything for p. policyURL is where
// the banner links to when the policy names no page of its own.
func buildBundle(name string, p *policyjson.Policy, st *statics, m *minify.M, tmpl *template.Template, privacyURL string) (*bundle, error) {
	cfg := p.Config()
	d := loaderData{
		Config:   cfg,
		Markup:   map[string]string{},
		Default:  p.Site.DefaultLanguage,
		Defaults: map[string]any{"wait_for_update": 500},
		GA:       []string{},
		CSS:      string(st.css.body),
		Texts:    map[string]map[string]string{},
	}
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
	d.WasmExec = "/wasm_exec." + st.wasmExec.hash + ".js"

	for _, lang := range p.Site.Languages {
		v := bannerView(p, lang, privacyURL)
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, "banner", v); err != nil {
			return nil, fmt.Errorf("render banner markup (%s): %w", lang, err)
		}
		html, err := m.String("text/html", buf.String())
		if err != nil {
			return nil, fmt.Errorf("minify banner markup (%s): %w", lang, err)
		}
		d.Markup[lang] = html
		t := map[string]string{}
		for _, k := range wasmTextKeys {
			t[k] = v.UI[k]
		}
		for _, c := range p.Categories {
			t["cat:"+c.ID] = p.Text(c.Label, lang)
		}
		for _, s := range p.Services {
			for _, h := range s.Hosts {
				t["host:"+h] = p.Text(s.Name, lang) + "\x00" + p.Text(s.Provider, lang) + "\x00" + s.PrivacyURL
			}
		}
		d.Texts[lang] = t
	}

	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode loader data: %w", err)
	}
	src, err := web.FS.ReadFile("loader.js")
	if err != nil {
		return nil, err
	}
	js := bytes.Replace(src, []byte("/*DOUI*/{}"), data, 1)
	if bytes.Equal(js, src) {
		return nil, fmt.Errorf("loader.js has no /*DOUI*/{} placeholder")
	}
	min, err := m.Bytes("application/javascript", js)
	if err != nil {
		return nil, fmt.Errorf("minify loader: %w", err)
	}
	loader := newAsset(min, "text/javascript; charset=utf-8")
	loader.cors = true

	pj, err := policyjson.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	if pj, err = m.Bytes("application/json", pj); err != nil {
		return nil, fmt.Errorf("minify policy: %w", err)
	}
	pol := newAsset(pj, "application/json")
	pol.cors = true

	b := &bundle{name: name, policy: p, config: cfg, loader: loader, json: pol, privacy: map[string]*asset{}, loadedAt: time.Now().UTC()}
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
	Required               bool
	Services               []serviceView
}

type serviceView struct {
	Name, Provider, PrivacyURL, OptOutURL string
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
				cv.Services = append(cv.Services, serviceView{Name: p.Text(s.Name, lang), Provider: p.Text(s.Provider, lang), PrivacyURL: s.PrivacyURL, OptOutURL: s.OptOutURL})
			}
		}
		if !c.Required {
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
