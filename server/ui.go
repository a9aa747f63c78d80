package main

// uiStrings are doui's own interface texts, built in for ja and en. A policy
// overrides any of them per language through its "ui" object; a language the
// policy adds beyond these falls back to English.
var uiStrings = map[string]map[string]string{
	"ja": {
		"title":         "Cookie とアクセス解析についてのお願い",
		"intro":         "{site}では、サイトの運営に必要な Cookie のほか、あなたが同意した場合に限り、次の目的で Cookie や外部サービスを使います：{purposes}。同意しない項目は使いません。選択はいつでも変更・撤回できます。",
		"introNone":     "{site}では、サイトの運営に必要な Cookie だけを使います。",
		"policyLink":    "プライバシーポリシー",
		"acceptAll":     "すべて同意する",
		"rejectAll":     "すべて拒否する",
		"preferences":   "項目ごとに設定する",
		"prefsTitle":    "Cookie の設定",
		"prefsIntro":    "項目ごとに利用を許可するかを選べます。必要な Cookie は無効にできません。",
		"save":          "選択した内容で保存する",
		"close":         "閉じる",
		"alwaysOn":      "常に有効：サイトの動作に必要なため、無効にできません。",
		"services":      "利用するサービス",
		"privacyPolicy": "提供者のプライバシーポリシー",
		"optOut":        "オプトアウト",
		"gpcNote":       "ブラウザーのグローバル・プライバシー・コントロール（GPC）の設定に従い、任意の Cookie はすべて拒否しました。",
		"saved":         "Cookie の設定を保存しました。",
		"savedGranted":  "許可した項目：",
		"savedNone":     "任意の項目はすべて拒否しました。",
		"reopen":        "Cookie 設定",
		"language":      "表示言語",
		"embedText":     "このコンテンツは{provider}から読み込まれます。表示すると、{provider}に閲覧情報が送られます。",
		"embedAllow":    "「{category}」を許可して表示する",
	},
	"en": {
		"title":         "Cookies and analytics on this site",
		"intro":         "{site} uses the cookies it needs to work and, only if you agree, cookies and outside services for: {purposes}. Nothing you do not agree to is used. You can change or withdraw your choice at any time.",
		"introNone":     "{site} uses only the cookies it needs to work.",
		"policyLink":    "Privacy policy",
		"acceptAll":     "Accept all",
		"rejectAll":     "Reject all",
		"preferences":   "Choose by category",
		"prefsTitle":    "Cookie settings",
		"prefsIntro":    "Choose which kinds of use you allow. Necessary cookies cannot be switched off.",
		"save":          "Save my choices",
		"close":         "Close",
		"alwaysOn":      "Always on: the site needs these to work, so they cannot be switched off.",
		"services":      "Services used",
		"privacyPolicy": "provider's privacy policy",
		"optOut":        "opt out",
		"gpcNote":       "Your browser sends a Global Privacy Control signal, so all optional cookies were refused.",
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
