package main

import (
	"strings"

	"github.com/doui-consent/doui/policyjson"
)

// privacyPage is what the /privacy template reads: the whole policy in one
// language, with every Text already resolved.
type privacyPage struct {
	Lang, OtherLang, OtherName, CSSHash string
	UI                                  map[string]string
	Site                                struct{ Name, Operator, Law, Effective, Version string }
	Scope                               []string
	Categories                          []categoryView
	Services                            []privacyService
	Collection                          []privacyCollection
	Sections                            []privacySection
	Contact                             struct{ Name, Address, FormURL, Phone, Email string }
}

type privacyService struct {
	Name, Category, Provider, Purpose, PrivacyURL, OptOutURL string
	Transmissions                                            []struct{ Data, Recipient, Purpose string }
	Cookies                                                  []string
}

type privacyCollection struct {
	Name, Purpose, Retention, SharedWith, URL string
	Fields                                    []struct {
		Name     string
		Required bool
	}
}

type privacySection struct {
	ID, Title  string
	Paragraphs []string
	Links      []struct{ Label, URL string }
}

var privacyUI = map[string]map[string]string{
	"ja": {"title": "プライバシーポリシー", "effective": "施行日", "version": "版", "law": "準拠する法令等", "scope": "適用範囲", "categories": "Cookie 等の利用目的", "services": "外部サービスへの情報送信", "service": "サービス", "data": "送信される情報", "recipient": "送信先", "purpose": "利用目的", "optout": "オプトアウト", "cookies": "Cookie", "collection": "Cookie 以外で収集する情報", "fields": "項目", "required": "必須", "optional": "任意", "retention": "保存期間", "shared": "提供先", "contact": "お問い合わせ", "form": "お問い合わせフォーム", "settings": "Cookie の設定を変更する", "privacy": "プライバシーポリシー"},
	"en": {"title": "Privacy policy", "effective": "Effective", "version": "Version", "law": "Governing rules", "scope": "Scope", "categories": "Why we use cookies", "services": "Information sent to outside services", "service": "Service", "data": "Data sent", "recipient": "Recipient", "purpose": "Purpose", "optout": "Opt out", "cookies": "Cookies", "collection": "Information collected without cookies", "fields": "Fields", "required": "required", "optional": "optional", "retention": "Retention", "shared": "Shared with", "contact": "Contact", "form": "Inquiry form", "settings": "Change cookie settings", "privacy": "privacy policy"},
}

func privacyView(p *policyjson.Policy, lang, cssHash string) privacyPage {
	t := func(x policyjson.Text) string { return p.Text(x, lang) }
	v := privacyPage{Lang: lang, CSSHash: cssHash, UI: privacyUI[lang]}
	if v.UI == nil {
		v.UI = privacyUI["en"]
	}
	for _, l := range p.Site.Languages {
		if l != lang && v.OtherLang == "" {
			v.OtherLang, v.OtherName = l, languageNames[l]
		}
	}
	v.Site.Name, v.Site.Operator, v.Site.Law = t(p.Site.Name), t(p.Site.Operator), t(p.Site.Law)
	v.Site.Effective, v.Site.Version = p.Site.Effective, p.Site.Version
	v.Scope = p.Site.Scope
	v.Categories = bannerView(p, lang, "").Categories
	labels := map[string]string{}
	for _, c := range v.Categories {
		labels[c.ID] = c.Label
	}
	for _, s := range p.Services {
		ps := privacyService{Name: t(s.Name), Category: labels[s.Category], Provider: t(s.Provider), Purpose: t(s.Purpose), PrivacyURL: s.PrivacyURL, OptOutURL: s.OptOutURL}
		for _, tr := range s.Transmissions {
			ps.Transmissions = append(ps.Transmissions, struct{ Data, Recipient, Purpose string }{t(tr.Data), t(tr.Recipient), t(tr.Purpose)})
		}
		for _, c := range s.Cookies {
			ps.Cookies = append(ps.Cookies, c.Name)
		}
		v.Services = append(v.Services, ps)
	}
	for _, c := range p.Collection {
		pc := privacyCollection{Name: t(c.Name), Purpose: t(c.Purpose), Retention: t(c.Retention), SharedWith: t(c.SharedWith), URL: c.URL}
		for _, f := range c.Fields {
			pc.Fields = append(pc.Fields, struct {
				Name     string
				Required bool
			}{t(f.Name), f.Required})
		}
		v.Collection = append(v.Collection, pc)
	}
	for _, s := range p.Sections {
		ps := privacySection{ID: s.ID, Title: t(s.Title)}
		for _, para := range strings.Split(t(s.Body), "\n\n") {
			if para = strings.TrimSpace(para); para != "" {
				ps.Paragraphs = append(ps.Paragraphs, para)
			}
		}
		for _, l := range s.Links {
			ps.Links = append(ps.Links, struct{ Label, URL string }{t(l.Label), l.URL})
		}
		v.Sections = append(v.Sections, ps)
	}
	v.Contact.Name, v.Contact.Address = t(p.Site.Contact.Name), t(p.Site.Contact.Address)
	v.Contact.FormURL, v.Contact.Phone, v.Contact.Email = p.Site.Contact.FormURL, p.Site.Contact.Phone, p.Site.Contact.Email
	return v
}
