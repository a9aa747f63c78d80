package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/doui-consent/doui/policyjson"
)

// privacyPage is what the /privacy template reads: the whole policy in one
// language, with every Text already resolved. An optional field the policy
// leaves out is "" (or nil) here, and the template prints nothing for it:
// no label without its value.
type privacyPage struct {
	Lang, OtherLang, OtherName, CSSHash string
	UI                                  map[string]string
	Site                                struct{ Name, Law string }
	// Meta is the line under the title: the operator, then the effective
	// date and the version when the policy states them.
	Meta       []string
	Scope      []string
	Categories []privacyCategory
	// Outside are the services run by third parties: the rows of the
	// external-transmission table. The operator's own services are listed
	// under their categories only.
	Outside    []privacyService
	Collection []privacyCollection
	Sections   []privacySection
	Contact    *privacyContact
}

type privacyCategory struct {
	ID, Label, Description string
	Services               []privacyService
}

type privacyService struct {
	Name, Category, Provider, Purpose, PrivacyURL, OptOutURL string
	Transmissions                                            []struct{ Data, Recipient, Purpose string }
	Cookies                                                  []privacyCookie
}

type privacyCookie struct{ Name, Lifetime, Purpose string }

type privacyCollection struct {
	Name, Purpose, Retention, SharedWith, URL string
	// Automatic is true for an access log: its fields are recorded with
	// every visit, not given by the visitor.
	Automatic bool
	Fields    []privacyField
}

// privacyField is one collected item; How is "required", "optional" or ""
// when the policy does not say.
type privacyField struct{ Name, How string }

type privacySection struct {
	ID, Title  string
	Paragraphs []string
	Links      []struct{ Label, URL string }
}

type privacyContact struct{ Name, Address, FormURL, Phone, Email string }

var privacyUI = map[string]map[string]string{
	"ja": {"title": "プライバシーポリシー", "effective": "施行日", "version": "版", "law": "準拠する法令等", "scope": "対象のアドレス", "categories": "Cookie 等の利用目的", "services": "外部サービスへの情報送信", "servicesNone": "外部サービスへの情報送信はありません。", "service": "サービス", "data": "送信される情報", "recipient": "送信先", "purpose": "利用目的", "optout": "オプトアウト", "cookies": "Cookie", "days": "{n}日", "session": "ブラウザーを閉じるまで", "collection": "Cookie 以外で収集する情報", "fields": "項目", "fieldsAuto": "自動的に記録する項目", "required": "必須", "optional": "任意", "retention": "保存期間", "shared": "提供先", "contact": "お問い合わせ", "form": "お問い合わせフォーム", "settings": "Cookie の設定を変更する", "privacy": "プライバシーポリシー", "colon": "：", "lparen": "（", "rparen": "）"},
	"en": {"title": "Privacy policy", "effective": "Effective", "version": "Version", "law": "Governing rules", "scope": "Addresses covered", "categories": "Why we use cookies", "services": "Information sent to outside services", "servicesNone": "No information is sent to outside services.", "service": "Service", "data": "Data sent", "recipient": "Recipient", "purpose": "Purpose", "optout": "Opt out", "cookies": "Cookies", "days": "{n} days", "session": "until the browser closes", "collection": "Information collected without cookies", "fields": "Fields", "fieldsAuto": "Recorded automatically", "required": "required", "optional": "optional", "retention": "Retention", "shared": "Shared with", "contact": "Contact", "form": "Inquiry form", "settings": "Change cookie settings", "privacy": "privacy policy", "colon": ": ", "lparen": " (", "rparen": ")"},
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
	v.Site.Name, v.Site.Law = t(p.Site.Name), t(p.Site.Law)
	v.Meta = []string{t(p.Site.Operator)}
	if p.Site.Effective != "" {
		v.Meta = append(v.Meta, v.UI["effective"]+" "+formatDate(p.Site.Effective, lang))
	}
	if p.Site.Version != "" {
		v.Meta = append(v.Meta, v.UI["version"]+" "+p.Site.Version)
	}
	v.Scope = p.Site.Scope

	labels := map[string]string{}
	for _, c := range p.Categories {
		labels[c.ID] = t(c.Label)
	}
	services := map[string][]privacyService{}
	for _, s := range p.Services {
		ps := privacyService{Name: t(s.Name), Category: labels[s.Category], Provider: t(s.Provider), Purpose: t(s.Purpose), PrivacyURL: s.PrivacyURL, OptOutURL: s.OptOutURL}
		for _, tr := range s.Transmissions {
			ps.Transmissions = append(ps.Transmissions, struct{ Data, Recipient, Purpose string }{t(tr.Data), t(tr.Recipient), t(tr.Purpose)})
		}
		for _, c := range s.Cookies {
			life := v.UI["session"]
			if c.LifetimeDays > 0 {
				life = strings.ReplaceAll(v.UI["days"], "{n}", strconv.Itoa(c.LifetimeDays))
			}
			ps.Cookies = append(ps.Cookies, privacyCookie{Name: c.Name, Lifetime: life, Purpose: t(c.Purpose)})
		}
		services[s.Category] = append(services[s.Category], ps)
		if ps.Provider != "" {
			v.Outside = append(v.Outside, ps)
		}
	}
	for _, c := range p.Categories {
		v.Categories = append(v.Categories, privacyCategory{ID: c.ID, Label: t(c.Label), Description: t(c.Description), Services: services[c.ID]})
	}

	for _, c := range p.Collection {
		pc := privacyCollection{Name: t(c.Name), Purpose: t(c.Purpose), Retention: t(c.Retention), SharedWith: t(c.SharedWith), URL: c.URL, Automatic: c.Kind == "access-log"}
		for _, f := range c.Fields {
			pf := privacyField{Name: t(f.Name)}
			if f.Required != nil && !pc.Automatic {
				pf.How = v.UI["optional"]
				if *f.Required {
					pf.How = v.UI["required"]
				}
			}
			pc.Fields = append(pc.Fields, pf)
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
	if c := p.Site.Contact; c.Name != nil {
		v.Contact = &privacyContact{Name: t(c.Name), Address: t(c.Address), FormURL: c.FormURL, Phone: c.Phone, Email: c.Email}
	}
	return v
}

// formatDate writes a YYYY-MM-DD date as a Japanese page writes it
// (2020年12月1日) or, in English, as 1 December 2020.
func formatDate(date, lang string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date // Parse has checked it; never reached
	}
	if lang == "ja" {
		return d.Format("2006年1月2日")
	}
	return d.Format("2 January 2006")
}
