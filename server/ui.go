package main

import (
	"slices"
	"strings"
)

// uiStrings are doui's own interface texts, built in for ja and en. A policy
// overrides any of them per language through its "ui" object; a language the
// policy adds beyond these falls back to English.
//
// Every sentence the banner shows must be true of whatever policy it is
// shown with, so the summary is assembled from the policy: "intro" names
// the optional categories ({purposes}; "introNone" when there are none),
// and {send} in it becomes the "send" sentences, naming the third parties
// that receive information or saying that no outside service does (see
// Summary).
// The title names nothing, so it is true of every policy.
var uiStrings = map[string]map[string]string{
	"ja": {
		"title":         "Cookie の利用について",
		"intro":         "当サイトでは、運営に必要な Cookie のほか、同意いただいた場合に限り、{purposes}のために Cookie 等を使用します。{send}同意はいつでも撤回できます。",
		"introNone":     "当サイトでは、運営に必要な Cookie のみを使用します。{send}",
		"sendOptional":  "{categories}では、外部の事業者（{parties}）に情報を送信します。",
		"sendAlways":    "外部の事業者（{parties}）に情報を送信します。",
		"sendNone":      "外部サービスへの情報送信はありません。",
		"policyLink":    "プライバシーポリシー",
		"acceptAll":     "すべて同意する",
		"rejectAll":     "すべて拒否する",
		"preferences":   "項目ごとに設定する",
		"prefsTitle":    "Cookie の設定",
		"prefsIntro":    "項目ごとに、利用を許可するかどうかを選べます。",
		"save":          "選択した内容で保存する",
		"close":         "閉じる",
		"alwaysOn":      "常に有効：サイトの動作に必要なため、無効にできません。",
		"services":      "利用するサービス",
		"privacyPolicy": "提供者のプライバシーポリシー",
		"optOut":        "オプトアウト",
		"gpcNote":       "ブラウザーのグローバル・プライバシー・コントロール（GPC）の設定に従い、任意の項目はすべて拒否しました。",
		"saved":         "Cookie の設定を保存しました。",
		"savedGranted":  "許可した項目：",
		"savedNone":     "任意の項目はすべて拒否しました。",
		"reopen":        "Cookie 設定",
		"language":      "表示言語",
		"embedText":     "このコンテンツは{provider}から読み込まれます。表示すると、{provider}に閲覧情報が送られます。",
		"embedAllow":    "「{category}」を許可して表示する",
	},
	"en": {
		"title":         "Cookies on this site",
		"intro":         "This site uses the cookies it needs to work and, only if you agree, cookies and similar technologies for: {purposes}. {send} You can withdraw your consent at any time.",
		"introNone":     "This site uses only the cookies it needs to work. {send}",
		"sendOptional":  "For {categories}, information is sent to third parties: {parties}.",
		"sendAlways":    "Information is sent to third parties: {parties}.",
		"sendNone":      "No information is sent to outside services.",
		"policyLink":    "Privacy policy",
		"acceptAll":     "Accept all",
		"rejectAll":     "Reject all",
		"preferences":   "Choose by category",
		"prefsTitle":    "Cookie settings",
		"prefsIntro":    "Choose which kinds of use you allow.",
		"save":          "Save my choices",
		"close":         "Close",
		"alwaysOn":      "Always on: the site needs these to work, so they cannot be switched off.",
		"services":      "Services used",
		"privacyPolicy": "provider's privacy policy",
		"optOut":        "opt out",
		"gpcNote":       "Your browser sends a Global Privacy Control signal, so all optional categories were refused.",
		"saved":         "Your cookie settings were saved.",
		"savedGranted":  "Allowed: ",
		"savedNone":     "All optional categories were refused.",
		"reopen":        "Cookie settings",
		"language":      "Language",
		"embedText":     "This content is loaded from {provider}. Showing it sends information about your visit to {provider}.",
		"embedAllow":    "Allow “{category}” and show it",
	},
}

// languageNames label the language switch in each language's own name.
var languageNames = map[string]string{"ja": "日本語", "en": "English"}

// uiFor returns the interface strings for lang with the policy's overrides.
func uiFor(lang string, overrides map[string]map[string]string) map[string]string {
	base, ok := uiStrings[lang]
	if !ok {
		base = uiStrings["en"]
	}
	out := make(map[string]string, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range overrides[lang] {
		out[k] = v
	}
	return out
}

// Summary is the banner's paragraph under its title: bannerView's Intro
// (the "intro" or "introNone" string with {site} and {purposes} filled in)
// with {send} replaced by what the policy says about third parties.
//
// A third party is a service's provider: services the operator runs itself
// have none. Providers of services in a required category receive
// information whatever the visitor chooses ("sendAlways"); those only in
// optional categories, when the visitor allows one of those categories,
// which "sendOptional" names ({categories}). With neither, the banner says
// that no information is sent to outside services ("sendNone").
//
// It is a method of the banner's view, which bundle.go builds, so that the
// banner template reads it as {{.Summary}} and the wording stays here.
func (v bannerViewData) Summary() string {
	var always, optional, optionalCats []string
	for _, c := range v.Categories {
		for _, s := range c.Services {
			if s.Provider != "" && c.Required && !slices.Contains(always, s.Provider) {
				always = append(always, s.Provider)
			}
		}
	}
	for _, c := range v.Categories {
		for _, s := range c.Services {
			if s.Provider == "" || c.Required || slices.Contains(always, s.Provider) {
				continue
			}
			if !slices.Contains(optional, s.Provider) {
				optional = append(optional, s.Provider)
			}
			if !slices.Contains(optionalCats, c.Label) {
				optionalCats = append(optionalCats, c.Label)
			}
		}
	}
	var send []string
	if len(always) > 0 {
		send = append(send, fill(v.UI["sendAlways"], "{parties}", joinList(always, v.Lang)))
	}
	if len(optional) > 0 {
		send = append(send, fill(fill(v.UI["sendOptional"], "{categories}", joinList(optionalCats, v.Lang)), "{parties}", joinList(optional, v.Lang)))
	}
	if len(send) == 0 {
		send = append(send, v.UI["sendNone"])
	}
	sep := " "
	if v.Lang == "ja" {
		sep = ""
	}
	return strings.TrimSpace(strings.Replace(v.Intro, "{send}", strings.Join(send, sep), 1))
}

// fill replaces placeholder in s by value, and a full stop right after the
// placeholder too when value ends with one ("Google Inc.").
func fill(s, placeholder, value string) string {
	if strings.HasSuffix(value, ".") {
		s = strings.ReplaceAll(s, placeholder+".", placeholder)
	}
	return strings.ReplaceAll(s, placeholder, value)
}

// joinList joins names as a sentence lists them: "A、B、C" in Japanese,
// "A, B and C" otherwise.
func joinList(names []string, lang string) string {
	if lang == "ja" {
		return strings.Join(names, "、")
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
