package e2e

// Accessibility and language: axe-core on the banner, the open preferences
// and /privacy (ja and en, light and dark), a keyboard-only walk, equal
// prominence of accept and reject, contrast, reduced motion, 320 px and
// 200 % zoom, the live-region announcement, the language order, and
// screenshots to look at (e2e/screenshots/, gitignored).

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var readmeShots = flag.Bool("readme-shots", false, "also write the README screenshots e2e/readme/screenshot-{ja,en}.png")

// a11ySite is doui with the demo policy and a plain public-sector page on
// its own origin. Query: ?lang=ja|en (the page's <html lang>, "none" for
// no attribute), &force=ja|en (data-lang on the snippet).
type a11ySite struct {
	URL  string
	doui *douiServer
}

const a11yPage = `<!doctype html>
<html%s>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<script src="%s/doui.js"%s></script>
<style>
:root { color-scheme: light dark; }
body { margin: 0; font: 16px/1.8 "Noto Sans CJK JP", "Noto Sans JP", sans-serif; background: #fff; color: #1a1a1a; }
@media (prefers-color-scheme: dark) { body { background: #121212; color: #eee; } a { color: #a8c7fa; } }
header, footer { padding: 12px 24px; border-bottom: 1px solid #888; }
footer { border-top: 1px solid #888; border-bottom: 0; margin-bottom: 60vh; }
main { max-width: 48rem; margin: 0 auto; padding: 16px 24px; }
iframe { max-width: 100%%; border: 0; }
</style>
</head>
<body>
<header><p>%s</p></header>
<main><h1>%s</h1><p>%s</p><p>%s</p>
<iframe data-consent="media" data-src="https://www.youtube-nocookie.com/embed/x" title="%s" width="560" height="315"></iframe></main>
<footer><nav aria-label="%s"><a href="#" data-doui-action="preferences">%s</a></nav></footer>
</body>
</html>`

var a11yTexts = map[string][]string{
	"ja": {"デモ省", "デモ省", "新着情報", "令和7年度の予算について、概要と資料を公開しました。", "申請の手続きは、各種手続きのページをご覧ください。", "動画", "サイトの設定", "Cookie の設定"},
	"en": {"Ministry of Demonstration", "Ministry of Demonstration", "What's new", "The outline and documents of the FY2025 budget are now published.", "For applications, see the procedures page.", "video", "Site settings", "Cookie settings"},
}

func newA11ySite(t *testing.T) *a11ySite {
	t.Helper()
	s := &a11ySite{doui: startDoui(t, "web/policies/demo.json")}
	s.URL = serveOn(t, "127.0.0.5", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		htmlLang := ` lang="` + lang + `"`
		switch lang {
		case "":
			lang, htmlLang = "ja", ` lang="ja"`
		case "none":
			htmlLang = ""
		}
		tx := a11yTexts[lang]
		if tx == nil {
			tx = a11yTexts["en"]
		}
		force := ""
		if f := r.URL.Query().Get("force"); f != "" {
			force = ` data-lang="` + f + `"`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, a11yPage, htmlLang, tx[0], s.doui.URL, force, tx[1], tx[2], tx[3], tx[4], tx[5], tx[6], tx[7])
	}))
	return s
}

func (s *a11ySite) open(t *testing.T, ctx context.Context, query string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"+query), waitSettled())
}

// media emulates the user's preferences: prefers-color-scheme and
// prefers-reduced-motion ("" leaves one as the browser has it).
func media(scheme, motion string) chromedp.Action[chromedp.Void] {
	var f []*emulation.MediaFeature
	if scheme != "" {
		f = append(f, &emulation.MediaFeature{Name: "prefers-color-scheme", Value: scheme})
	}
	if motion != "" {
		f = append(f, &emulation.MediaFeature{Name: "prefers-reduced-motion", Value: motion})
	}
	return send(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: f})
}

// viewport sets the CSS viewport; scale 2 at half the window's size is the
// browser's 200 % zoom.
func viewport(w, h int64, scale float64) chromedp.Action[chromedp.Void] {
	return send(emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: scale})
}

var axeOnce struct {
	sync.Once
	src string
	err error
}

// axeSource is axe-core's browser build from e2e/node_modules (npm ci
// --prefix e2e).
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		var b []byte
		b, axeOnce.err = os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
		axeOnce.src = string(b)
	})
	if axeOnce.err != nil {
		t.Fatalf("axe-core not installed (run: npm ci --prefix e2e): %v", axeOnce.err)
	}
	return axeOnce.src
}

type axeNode struct {
	Target  []string `json:"target"`
	Summary string   `json:"summary"`
	HTML    string   `json:"html"`
}

type axeRule struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	Nodes  []axeNode `json:"nodes"`
}

type axeResults struct {
	Version    string    `json:"version"`
	Violations []axeRule `json:"violations"`
	Incomplete []axeRule `json:"incomplete"`
	Passes     int       `json:"passes"`
}

// checkAxe runs axe-core on the whole page (every rule it runs by default:
// WCAG 2.0–2.2 A and AA and best practices) and fails on any violation.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[chromedp.Void](axeSource(t)+";\ntrue"))
	res := eval[axeResults](t, ctx, `axe.run(document, {resultTypes: ['violations', 'incomplete']}).then(r => {
		const rules = list => list.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => ({target: n.target.map(String), summary: n.failureSummary || '', html: n.html.slice(0, 160)}))}));
		return {version: r.testEngine.version, violations: rules(r.violations), incomplete: rules(r.incomplete), passes: r.passes.length};
	})`, chromedp.EvalAwaitPromise)
	var inc []string
	for _, r := range res.Incomplete {
		inc = append(inc, fmt.Sprintf("%s×%d", r.ID, len(r.Nodes)))
	}
	t.Logf("axe %s on %s: %d violations, %d rules passed, needs review: %v", res.Version, what, len(res.Violations), res.Passes, inc)
	for _, r := range res.Incomplete {
		for _, n := range r.Nodes {
			t.Logf("  needs review %s at %v: %s", r.ID, n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	for _, v := range res.Violations {
		for _, n := range v.Nodes {
			t.Errorf("axe %s: %s (%s) at %v: %s\n  %s", what, v.ID, v.Impact, n.Target, v.Help, strings.ReplaceAll(n.Summary, "\n", "\n  "))
		}
	}
}

func TestAxe(t *testing.T) {
	axeSource(t)
	for _, lang := range []string{"ja", "en"} {
		for _, scheme := range []string{"light", "dark"} {
			t.Run(lang+"-"+scheme, func(t *testing.T) {
				t.Parallel()
				s := newA11ySite(t)
				ctx := browser(t)
				run(t, ctx, media(scheme, ""))
				s.open(t, ctx, "?lang="+lang)
				// axe judges the page as it is: wait until it is done.
				run(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-doui="placeholder"]`)), quiet())
				if !bannerVisible(t, ctx) {
					t.Fatal("banner not visible")
				}
				checkAxe(t, ctx, "banner "+lang+" "+scheme)

				// The click starts the engine, which takes the dialog over.
				run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`),
					chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
					// The services lists too.
					chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('[data-doui="preferences"] details').forEach(d => d.open = true)`),
					quiet())
				checkAxe(t, ctx, "preferences "+lang+" "+scheme)
				// axe cannot judge the colours of what the sticky buttons cover:
				// the same again with them in the flow.
				run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-doui="preferences"] .doui-actions').style.position = 'static'`))
				checkAxe(t, ctx, "preferences (buttons not sticky) "+lang+" "+scheme)
				run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-doui="preferences"] .doui-actions').style.position = ''`))

				run(t, ctx, chromedp.Navigate(s.doui.URL+"/privacy?lang="+lang), quiet())
				checkAxe(t, ctx, "/privacy "+lang+" "+scheme)
				run(t, ctx, click(`[data-doui="banner"] [data-doui-action="reject-all"]`), quiet())
				checkAxe(t, ctx, "/privacy "+lang+" "+scheme+" after a choice")
			})
		}
	}
}

// focused describes document.activeElement for the keyboard test.
const focusedJS = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return 'body';
	const a = e.getAttribute('data-doui-action'), c = e.getAttribute('data-doui-category');
	const where = e.closest('[data-doui="preferences"]') ? 'prefs:' : e.closest('[data-doui="banner"]') ? 'banner:' : 'page:';
	if (a) return where + a + (e.getAttribute('data-doui-lang') ? '=' + e.getAttribute('data-doui-lang') : '');
	if (c) return where + 'category=' + c;
	return where + e.tagName.toLowerCase() + (e.tagName === 'A' ? '=' + e.textContent.trim() : '');
})()`

func focused(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, focusedJS)
}

// focusOn waits until focus is on want (focus comes back in a task after
// a dialog closes) and returns where it is.
func focusOn(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	f := ""
	eventually(func() bool { f = focused(t, ctx); return f == want })
	return f
}

func key(k string, mods ...chromedp.Modifier) chromedp.Action[chromedp.Void] {
	var opts []chromedp.KeyOption
	for _, m := range mods {
		opts = append(opts, chromedp.KeyModifiers(m))
	}
	return chromedp.KeyEvent(k, opts...)
}

// TestNoFocusTaken: doui never moves focus on its own. The first choice
// carries autofocus so that the preferences open on it; while the dialog
// is closed it cannot take focus, and a page's own autofocus field keeps
// it, whether it comes before doui's markup or after.
func TestNoFocusTaken(t *testing.T) {
	field := `const i = document.createElement('input'); i.autofocus = true; i.id = 'q'; i.setAttribute('aria-label', 'Search'); document.body.prepend(i);`
	for _, c := range []struct{ name, head, want string }{
		{"page without autofocus", "", "BODY"},
		{"page's autofocus field before doui's markup", `<script>document.addEventListener('DOMContentLoaded', () => { ` + field + ` })</script>`, "q"},
		{"page's autofocus field after doui's markup", `<script>const wait = () => window.__doui && __doui.root ? setTimeout(() => { ` + field + ` }, 200) : setTimeout(wait, 20); wait();</script>`, "q"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSite(t, c.head)
			ctx := browser(t)
			s.open(t, ctx, "")
			run(t, ctx, pollPage[chromedp.Void](`document.readyState === 'complete' && (`+fmt.Sprint(c.want == "BODY")+` || !!document.getElementById('q'))`), quiet())
			if f := eval[string](t, ctx, `document.activeElement.id || document.activeElement.tagName`); f != c.want {
				t.Errorf("focus after doui came in: got %s, want %s", f, c.want)
			}
		})
	}
}

// focusRing checks that the focused element shows doui's focus indicator
// and that it stands out (3:1) against what is around it.
func focusRing(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	r := eval[struct {
		Style   string  `json:"style"`
		Width   float64 `json:"width"`
		Visible bool    `json:"visible"`
		Ratio   float64 `json:"ratio"`
	}](t, ctx, colorJS+`(() => {
		const e = document.activeElement, s = getComputedStyle(e);
		return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), visible: e.matches(':focus-visible'),
			ratio: contrast(rgb(s.outlineColor), backdrop(e.parentElement))};
	})()`)
	if !r.Visible || r.Style == "none" || r.Width < 2 || r.Ratio < 3 {
		t.Errorf("%s: focus indicator %+v, want a visible outline ≥ 2 px at ≥ 3:1", where, r)
	}
}

func TestKeyboardOnly(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			s := newA11ySite(t)
			ctx := browser(t)
			s.open(t, ctx, "?lang="+lang)

			// The banner comes first in the tab order, in reading order.
			var got []string
			for _, want := range []string{"banner:a", "banner:accept-all", "banner:reject-all", "banner:preferences"} {
				run(t, ctx, key(kb.Tab))
				f := focused(t, ctx)
				got = append(got, f)
				if !strings.HasPrefix(f, want) {
					t.Fatalf("Tab order in the banner: got %v, want %s next", got, want)
				}
				focusRing(t, ctx, f)
			}

			// Enter opens the preferences; focus moves in, to the first choice.
			run(t, ctx, key(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			if f := focused(t, ctx); f != "prefs:category=analytics" {
				t.Fatalf("focus after opening the preferences: %s, want the first choice", f)
			}
			// Tab reaches every control of the dialog in DOM order and stays in it.
			order := eval[[]string](t, ctx, `[...document.querySelectorAll('[data-doui="preferences"] :is(a[href], button, input, summary, select, textarea)')]
				.filter(e => !e.disabled && e.checkVisibility()).map(e => {
					const a = e.getAttribute('data-doui-action'), c = e.getAttribute('data-doui-category');
					if (a) return 'prefs:' + a + (e.getAttribute('data-doui-lang') ? '=' + e.getAttribute('data-doui-lang') : '');
					if (c) return 'prefs:category=' + c;
					return 'prefs:' + e.tagName.toLowerCase() + (e.tagName === 'A' ? '=' + e.textContent.trim() : '');
				})`)
			start := -1
			for i, o := range order {
				if o == "prefs:category=analytics" {
					start = i
				}
			}
			if start < 0 || len(order) < 8 {
				t.Fatalf("focusable controls in the preferences: %v", order)
			}
			var walked []string
			for i := 1; i <= len(order)+2; i++ {
				run(t, ctx, key(kb.Tab))
				f := focused(t, ctx)
				if f == "body" || f == "prefs:dialog" || !strings.HasPrefix(f, "prefs:") {
					// Chromium lets Tab leave a modal dialog for the browser's own UI
					// and come back in through the dialog itself: not a control.
					walked = append(walked, "(out)")
					continue
				}
				walked = append(walked, f)
				focusRing(t, ctx, f)
			}
			var in []string
			for _, w := range walked {
				if w != "(out)" {
					in = append(in, w)
				}
			}
			for i, f := range in {
				if want := order[(start+1+i)%len(order)]; f != want && i < len(order)-1 {
					t.Fatalf("Tab order in the preferences:\n got %v\nwant %v (from after %s)", walked, order, order[start])
				}
			}
			for _, w := range walked {
				if strings.HasPrefix(w, "page:") || strings.HasPrefix(w, "banner:") {
					t.Fatalf("Tab left the modal preferences for the page: %v", walked)
				}
			}
			// Shift+Tab goes back.
			run(t, ctx, chromedp.Focus(chromedp.CSS(`input[data-doui-category="media"]`)), key(kb.Tab, chromedp.ModifierShift))
			if f := focused(t, ctx); f == "prefs:category=media" || !strings.HasPrefix(f, "prefs:") {
				t.Errorf("Shift+Tab from media: %s", f)
			}

			// Escape closes and gives focus back to the opener.
			run(t, ctx, key(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			if f := focusOn(t, ctx, "banner:preferences"); f != "banner:preferences" {
				t.Fatalf("focus after Escape: %s, want the banner's preferences button", f)
			}

			// Again: Space toggles analytics, Tab to Save, Enter saves.
			run(t, ctx, key(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			const analyticsOn = `document.querySelector('input[data-doui-category="analytics"]').checked`
			run(t, ctx, key(" "))
			if !eval[bool](t, ctx, analyticsOn) {
				t.Fatal("Space did not switch analytics on")
			}
			run(t, ctx, key(" "))
			if eval[bool](t, ctx, analyticsOn) {
				t.Fatal("Space did not switch analytics off again")
			}
			run(t, ctx, key(" "))
			for i := 0; i < 20 && focused(t, ctx) != "prefs:save"; i++ {
				run(t, ctx, key(kb.Tab))
			}
			if f := focused(t, ctx); f != "prefs:save" {
				t.Fatalf("Tab never reached Save: %s", f)
			}
			run(t, ctx, key(kb.Enter), chromedp.WaitNotVisible(chromedp.CSS(`[data-doui="preferences"]`)), waitReady())
			consent := func() []string { return eval[[]string](t, ctx, `window.doui.consent()`) }
			eventually(func() bool { return strings.Join(consent(), ",") == "necessary,analytics" })
			run(t, ctx, quiet())
			if granted := consent(); strings.Join(granted, ",") != "necessary,analytics" {
				t.Errorf("saved with the keyboard: %v, want necessary,analytics", granted)
			}
			if bannerVisible(t, ctx) {
				t.Error("banner still shown after saving")
			}

			// Reopened from the page's own link: focus returns there.
			run(t, ctx, chromedp.Focus(chromedp.CSS(`footer a`)), key(kb.Enter),
				chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
				key(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			if f := focusOn(t, ctx, "page:preferences"); f != "page:preferences" {
				t.Errorf("focus after closing preferences opened from the page: %s", f)
			}
			// The close button works from the keyboard too.
			run(t, ctx, key(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
				chromedp.Focus(chromedp.CSS(`[data-doui-action="close"]`)), key(kb.Enter),
				chromedp.WaitNotVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			if f := focusOn(t, ctx, "page:preferences"); f != "page:preferences" {
				t.Errorf("focus after the close button: %s", f)
			}
		})
	}
}

// colorJS: rgb() parses a computed colour, backdrop() finds the opaque
// colour behind an element, contrast() is WCAG's ratio.
const colorJS = `
var rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
var lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
var contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
var backdrop = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a === 1) return c; } return rgb(getComputedStyle(document.body).backgroundColor).a === 1 ? rgb(getComputedStyle(document.body).backgroundColor) : {r: 255, g: 255, b: 255, a: 1}; };
`

// TestContrast checks text (4.5:1) and control edges (3:1) of every doui
// control in both schemes, beside axe's own text check.
func TestContrast(t *testing.T) {
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			s := newA11ySite(t)
			ctx := browser(t)
			run(t, ctx, media(scheme, ""))
			s.open(t, ctx, "?lang=ja")
			measure := func(scope string) {
				t.Helper()
				bad := eval[[]string](t, ctx, colorJS+`(() => {
					const bad = [];
					for (const e of document.querySelectorAll('`+scope+` :is(button, input, a, summary, label, p, h2, li)')) {
						if (!e.checkVisibility()) continue;
						const s = getComputedStyle(e), own = rgb(s.backgroundColor), around = backdrop(e.parentElement);
						const bg = own.a === 1 ? own : around;
						const name = e.tagName + '[' + (e.getAttribute('data-doui-action') || e.getAttribute('data-doui-category') || e.textContent.trim().slice(0, 12)) + ']';
						if (e.tagName !== 'INPUT' && e.textContent.trim()) {
							const r = contrast(rgb(s.color), bg);
							if (r < 4.5) bad.push(name + ' text ' + r.toFixed(2));
						}
						if (e.matches('button, input')) {
							// The control is seen by its fill or by its border.
							const fill = own.a === 1 ? contrast(own, around) : 0;
							const edge = rgb(s.borderTopColor).a === 1 && parseFloat(s.borderTopWidth) >= 1 ? contrast(rgb(s.borderTopColor), around) : 0;
							const r = Math.max(fill, edge);
							if (r < 3) bad.push(name + ' edge ' + r.toFixed(2));
						}
						if (e.matches('input:checked')) {
							if (contrast(own, around) < 3) bad.push(name + ' checked fill ' + contrast(own, around).toFixed(2));
						}
					}
					return bad;
				})()`)
				for _, b := range bad {
					t.Errorf("%s %s: %s", scheme, scope, b)
				}
			}
			measure(`[data-doui="banner"]`)
			measure(`[data-doui="placeholder"]`)
			run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			measure(`[data-doui="preferences"]`)
			run(t, ctx, click(`input[data-doui-category="analytics"]`))
			measure(`[data-doui="preferences"]`)
		})
	}
}

type boxStyle struct {
	W, H                                   float64
	Font, Weight, Color, BG, Border, Pad   string
	Radius, Decoration, Display, Transform string
}

const boxStyleJS = `e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
	return {W: Math.round(r.width), H: Math.round(r.height), Font: s.fontSize + ' ' + s.fontFamily, Weight: s.fontWeight, Color: s.color,
		BG: s.backgroundColor, Border: s.borderTopWidth + ' ' + s.borderTopStyle + ' ' + s.borderTopColor, Pad: s.padding,
		Radius: s.borderRadius, Decoration: s.textDecorationLine, Display: s.display, Transform: s.transform}; }`

// TestEqualProminence: accept and reject look the same (size, colours,
// weight, layer) in the banner and in the preferences, at both widths and
// in both schemes.
func TestEqualProminence(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	for _, lang := range []string{"ja", "en"} {
		for _, scheme := range []string{"light", "dark"} {
			for _, w := range []int64{320, 1280} {
				run(t, ctx, media(scheme, ""), viewport(w, 800, 1))
				s.open(t, ctx, "?lang="+lang)
				for _, scope := range []string{"banner", "preferences"} {
					if scope == "preferences" {
						run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
					}
					b := eval[[2]boxStyle](t, ctx, `(() => { const f = `+boxStyleJS+`;
						const sc = document.querySelector('[data-doui="`+scope+`"]');
						return [f(sc.querySelector('[data-doui-action="accept-all"]')), f(sc.querySelector('[data-doui-action="reject-all"]'))]; })()`)
					sameLayer := eval[bool](t, ctx, `(() => { const sc = document.querySelector('[data-doui="`+scope+`"]');
						const a = sc.querySelector('[data-doui-action="accept-all"]'), r = sc.querySelector('[data-doui-action="reject-all"]');
						return a.parentElement === r.parentElement && a.checkVisibility() && r.checkVisibility(); })()`)
					where := fmt.Sprintf("%s %s %s %dpx", scope, lang, scheme, w)
					if b[0] != b[1] {
						t.Errorf("%s: accept and reject differ:\naccept %+v\nreject %+v", where, b[0], b[1])
					}
					if !sameLayer {
						t.Errorf("%s: accept and reject are not side by side in the same layer", where)
					}
					if b[0].H < 44 || b[0].W < 44 {
						t.Errorf("%s: buttons %vx%v, want at least 44x44", where, b[0].W, b[0].H)
					}
				}
			}
		}
	}
}

func TestReducedMotion(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	for _, motion := range []string{"no-preference", "reduce"} {
		run(t, ctx, media("", motion))
		s.open(t, ctx, "")
		run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
		anim := eval[struct{ Banner, Prefs []string }](t, ctx, `(() => { const names = sel => { const all = []; for (const e of [document.querySelector(sel), ...document.querySelectorAll(sel + ' *')]) {
					const s = getComputedStyle(e);
					if (s.animationName !== 'none') all.push(e.tagName + ':' + s.animationName + ' ' + s.animationDuration);
					if (s.transitionDuration.split(',').some(d => parseFloat(d) > 0)) all.push(e.tagName + ':transition ' + s.transitionDuration);
				} return all; };
				return {Banner: names('[data-doui="banner"]'), Prefs: names('[data-doui="preferences"]')}; })()`)
		// The banner appears without an entrance animation (it was dropped
		// for bytes: doui.js has a 6 KB budget); whatever moves one day must
		// stay still for visitors who asked for less motion.
		if motion == "reduce" && len(anim.Banner)+len(anim.Prefs) > 0 {
			t.Errorf("prefers-reduced-motion: reduce, still moving: %+v", anim)
		}
	}
}

// TestSmallScreensAndZoom: at 320 px and at 200 % zoom nothing of doui is
// cut off or needs sideways scrolling, every control can be reached, and
// the banner leaves part of the page visible.
func TestSmallScreensAndZoom(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	type size struct {
		name  string
		w, h  int64
		scale float64
	}
	for _, sz := range []size{{"320px", 320, 568, 1}, {"320x480", 320, 480, 1}, {"200%zoom", 640, 450, 2}, {"1280px", 1280, 800, 1}} {
		for _, lang := range []string{"ja", "en"} {
			where := sz.name + " " + lang
			run(t, ctx, viewport(sz.w, sz.h, sz.scale))
			// "Nothing overflows" is looked at in the final layout.
			s.open(t, ctx, "?lang="+lang)
			run(t, ctx, quiet())
			check := func(scope string) {
				t.Helper()
				r := eval[struct {
					Overflow []string
					Height   float64
					VH       float64
					Scrolls  bool
					Reach    bool
					DocWide  bool
				}](t, ctx, `(() => {
					const sc = document.querySelector('[data-doui="`+scope+`"]'), vw = innerWidth, out = [];
					for (const e of [sc, ...sc.querySelectorAll('*')]) {
						// Text for screen readers only is clipped on purpose.
						if (!e.checkVisibility() || e.closest('details:not([open]) > :not(summary), .doui-sr')) continue;
						const r = e.getBoundingClientRect();
						if (r.left < -0.5 || r.right > vw + 0.5) out.push(e.tagName + ' ' + e.textContent.trim().slice(0, 20) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
						const s = getComputedStyle(e);
						if (e !== sc && e.scrollWidth > e.clientWidth + 1 && s.overflowX !== 'visible') out.push(e.tagName + ' clipped sideways ' + e.scrollWidth + '>' + e.clientWidth);
						if (e.scrollHeight > e.clientHeight + 1 && e !== sc && ['hidden', 'clip'].includes(s.overflowY)) out.push(e.tagName + ' clipped ' + e.scrollHeight + '>' + e.clientHeight);
					}
					const s = getComputedStyle(sc), r = sc.getBoundingClientRect();
					const scrolls = sc.scrollHeight <= sc.clientHeight + 1 || ['auto', 'scroll'].includes(s.overflowY);
					// Every control can be scrolled into view inside the box.
					let reach = true;
					for (const c of sc.querySelectorAll('button, a[href], input, summary')) {
						if (!c.checkVisibility()) continue;
						c.scrollIntoView({block: 'nearest'});
						const b = c.getBoundingClientRect();
						if (b.top < -0.5 || b.bottom > innerHeight + 0.5) reach = false;
					}
					sc.scrollTop = 0;
					return {Overflow: out, Height: r.height, VH: innerHeight, Scrolls: scrolls, Reach: reach,
						DocWide: document.documentElement.scrollWidth > vw + 1};
				})()`)
				for _, o := range r.Overflow {
					t.Errorf("%s %s: %s", where, scope, o)
				}
				if !r.Scrolls {
					t.Errorf("%s %s: content taller than its box and the box does not scroll", where, scope)
				}
				if !r.Reach {
					t.Errorf("%s %s: a control cannot be brought into view", where, scope)
				}
				if r.DocWide {
					t.Errorf("%s %s: the page scrolls sideways", where, scope)
				}
				if scope == "banner" && r.Height >= 0.75*r.VH {
					t.Errorf("%s: the banner is %.0f px of a %.0f px viewport; it must leave the page visible", where, r.Height, r.VH)
				}
				if scope == "preferences" && r.Height > r.VH {
					t.Errorf("%s: the preferences (%.0f px) are taller than the viewport (%.0f px)", where, r.Height, r.VH)
				}
			}
			check("banner")
			// Accept and reject stay in view without scrolling the banner.
			inView := eval[bool](t, ctx, `(() => { const sc = document.querySelector('[data-doui="banner"]'), b = sc.getBoundingClientRect();
				return ['accept-all', 'reject-all'].every(a => { const r = sc.querySelector('[data-doui-action="' + a + '"]').getBoundingClientRect();
					return r.top >= b.top && r.bottom <= b.bottom && r.bottom <= innerHeight; }); })()`)
			if !inView {
				t.Errorf("%s: accept and reject are not both in view when the banner appears", where)
			}
			// The click starts the engine, which takes the dialog over.
			run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
				chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('[data-doui="preferences"] details').forEach(d => d.open = true)`), quiet())
			check("preferences")
		}
	}
}

// axNode is the computed role and properties (name → JSON value) of the
// element sel in Chromium's accessibility tree.
func axNode(t *testing.T, ctx context.Context, sel string) (string, map[string]string) {
	t.Helper()
	el, err := chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: `document.querySelector('` + sel + `')`})
	if err != nil || el.Result == nil || el.Result.ObjectID == "" {
		t.Fatalf("%s: %v %+v", sel, err, el.ExceptionDetails)
	}
	no := false
	res, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: el.Result.ObjectID, FetchRelatives: &no})
	if err != nil || len(res.Nodes) == 0 {
		t.Fatalf("%s: accessibility node: %v", sel, err)
	}
	n, props := res.Nodes[0], map[string]string{}
	for _, p := range n.Properties {
		props[string(p.Name)] = string(p.Value.Value)
	}
	role := ""
	if n.Role != nil {
		role = strings.Trim(string(n.Role.Value), `"`)
	}
	return role, props
}

// TestLiveRegionAndRequired: after saving, a polite status says what was
// saved; the required category is on, locked, and says why.
func TestLiveRegionAndRequired(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	want := map[string][2]string{
		"ja": {"Cookie の設定を保存しました。 許可した項目：アクセス解析", "常に有効"},
		"en": {"Your cookie settings were saved. Allowed: Analytics", "Always on"},
	}
	for _, lang := range []string{"ja", "en"} {
		s.open(t, ctx, "?lang="+lang)
		type liveRegion struct{ Text string }
		status := `(() => { const e = document.querySelector('[data-doui="status"]'); return {Text: e.textContent}; })()`
		// As assistive technology gets it: role status is a polite live
		// region without aria-live spelled out (doui.js does not carry it).
		role, props := axNode(t, ctx, `[data-doui="status"]`)
		if live := eval[liveRegion](t, ctx, status); role != "status" || props["live"] != `"polite"` || live.Text != "" {
			t.Errorf("%s: live region before saving: role %s, properties %v, text %q", lang, role, props, live.Text)
		}
		run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
		req := eval[struct {
			Checked, Disabled, Visible, Muted bool
			Why                               string
		}](t, ctx, `(() => { const e = document.querySelector('input[data-doui-category="necessary"]');
			const d = document.getElementById(e.getAttribute('aria-describedby')), ds = getComputedStyle(d);
			const intro = getComputedStyle(document.getElementById('doui-pd'));
			return {Checked: e.checked, Disabled: e.disabled, Visible: e.checkVisibility() && d.checkVisibility(), Why: d.textContent,
			  Muted: ds.color !== intro.color && parseFloat(ds.fontSize) < parseFloat(intro.fontSize)}; })()`)
		if !req.Checked || !req.Disabled || !req.Visible || !strings.Contains(req.Why, want[lang][1]) {
			t.Errorf("%s: required category: %+v, want on, disabled, visible, with %q", lang, req, want[lang][1])
		}
		// A category's description is the muted, smaller text under its
		// name (doui.css), not the dialog's body text.
		if !req.Muted {
			t.Errorf("%s: the category's description has the dialog's body colour or size: want --doui-muted, .9375rem", lang)
		}
		run(t, ctx, click(`input[data-doui-category="analytics"]`), click(`[data-doui="preferences"] [data-doui-action="save"]`))
		// Wait for the record too: it is cleared for the next language, and
		// a choice the engine has not stored yet would be carried out on the
		// next page.
		eventually(func() bool { return eval[liveRegion](t, ctx, status).Text == want[lang][0] && stored(t, ctx, "c") })
		if live := eval[liveRegion](t, ctx, status); live.Text != want[lang][0] {
			t.Errorf("%s: announcement after save: %q, want %q", lang, live.Text, want[lang][0])
		}
		// The next language starts without a record. It is cleared after
		// leaving the page: a record that vanishes under a running page is a
		// withdrawal made elsewhere, and doui reloads that page (banner.Sync).
		run(t, ctx, chromedp.Navigate("about:blank"),
			send(network.ClearBrowserCookies, cdp.Empty{}),
			send(storage.ClearDataForOrigin, storage.ClearDataForOriginParams{Origin: s.URL, StorageTypes: "local_storage"}))
	}
}

// TestLanguageOrder: data-lang forces; then <html lang>; then the
// browser's languages; then the policy's default (ja).
func TestLanguageOrder(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	ua := eval[string](t, ctx, `navigator.userAgent`)
	cases := []struct {
		query, accept, want string
	}{
		{"?lang=en", "ja", "en"},
		{"?lang=ja", "en-US,en", "ja"},
		{"?lang=en-GB", "ja", "en"},
		{"?lang=en&force=ja", "en", "ja"},
		{"?lang=ja&force=en", "ja", "en"},
		{"?lang=none", "en-US,en", "en"},
		{"?lang=fr", "fr-FR,en-GB,ja", "en"},
		{"?lang=fr", "de,fr", "ja"},
		{"?lang=none", "ko,ja", "ja"},
	}
	for _, c := range cases {
		run(t, ctx, send(emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: c.accept}))
		s.open(t, ctx, c.query)
		langs := eval[[]string](t, ctx, `navigator.languages`)
		got := eval[string](t, ctx, `document.querySelector('[data-doui="banner"]').lang`)
		if strings.Join(langs, ",") != c.accept {
			t.Fatalf("navigator.languages emulation: got %v want %s", langs, c.accept)
		}
		if got != c.want {
			t.Errorf("page %s, browser %s: banner in %q, want %q", c.query, c.accept, got, c.want)
		}
	}
}

// TestGPCNote: with the browser's Global Privacy Control signal the engine
// refuses every optional category without asking; the preferences say
// why, in the page's language and after a language switch.
func TestGPCNote(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx, addScript(`Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });`))
	s.open(t, ctx, "?lang=en")
	run(t, ctx, waitReady())
	if bannerVisible(t, ctx) {
		t.Errorf("the banner asks, under a GPC signal the policy honours")
	}
	const notes = `[...document.querySelectorAll('[data-doui="gpc-note"]')].filter((e) => e.checkVisibility()).map((e) => e.textContent)`
	if got := eval[[]string](t, ctx, notes); len(got) != 0 {
		t.Errorf("GPC notes visible with the preferences closed: %q", got)
	}
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`doui.push(['preferences'])`),
		pollPage[chromedp.Void](`document.querySelector('[data-doui="preferences"]').open`))
	for _, want := range []struct{ lang, words string }{
		{"en", "Global Privacy Control"},
		{"ja", "グローバル・プライバシー・コントロール"},
		{"en", "Global Privacy Control"},
	} {
		if want.lang != eval[string](t, ctx, `window.__doui.lang`) {
			run(t, ctx, click(`[data-doui-action="lang"][data-doui-lang="`+want.lang+`"]`),
				pollPage[chromedp.Void](`document.querySelector('[data-doui="preferences"]').lang === '`+want.lang+`'`))
		}
		got := eval[[]string](t, ctx, notes)
		if len(got) != 1 || !strings.Contains(got[0], want.words) {
			t.Errorf("%s: visible GPC notes in the preferences %q, want one saying %q", want.lang, got, want.words)
		}
		if on := eval[[]string](t, ctx, `[...document.querySelectorAll('[data-doui="preferences"] input:checked:not(:disabled)')].map((e) => e.id)`); len(on) != 0 {
			t.Errorf("%s: optional categories ticked under GPC: %q", want.lang, on)
		}
	}
}

// TestLanguageSwitch: the preferences switch languages in place, stay open,
// keep focus on the switch, and the choice made after still works.
func TestLanguageSwitch(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	s.open(t, ctx, "?lang=ja")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
		click(`[data-doui-action="lang"][data-doui-lang="en"]`))
	type dialog struct {
		Open            bool
		Lang, Title     string
		Current, Active string
	}
	read := func() dialog {
		return eval[dialog](t, ctx, `(() => { const d = document.querySelector('[data-doui="preferences"]'), c = d.querySelector('[aria-current="true"]');
		return {Open: d.open, Lang: d.lang, Title: d.querySelector('h2').textContent, Current: c ? c.getAttribute('data-doui-lang') : '',
			Active: document.activeElement.getAttribute('data-doui-lang') || document.activeElement.tagName}; })()`)
	}
	// The English texts may come from their own file, fetched on the switch.
	eventually(func() bool { r := read(); return r.Lang == "en" && r.Title == "Cookie settings" })
	if r := read(); !r.Open || r.Lang != "en" || r.Title != "Cookie settings" || r.Current != "en" || r.Active != "en" {
		t.Errorf("after switching to English: %+v", r)
	}
	// Back to the language doui.js carries (no file of its own is fetched:
	// the switch's code came with English), and to English again.
	for _, want := range []dialog{{true, "ja", "Cookie の設定", "ja", "ja"}, {true, "en", "Cookie settings", "en", "en"}} {
		run(t, ctx, click(`[data-doui-action="lang"][data-doui-lang="`+want.Lang+`"]`))
		eventually(func() bool { return read().Lang == want.Lang })
		if r := read(); r != want {
			t.Errorf("after switching to %s: %+v, want %+v", want.Lang, r, want)
		}
	}
	run(t, ctx, key(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(`[data-doui="preferences"]`)))
	if f := focusOn(t, ctx, "banner:preferences"); f != "banner:preferences" {
		t.Errorf("focus after closing the switched dialog: %s, want the banner's preferences button", f)
	}
	if title := eval[string](t, ctx, `document.querySelector('[data-doui="banner"] h2').textContent`); title != "Cookies on this site" {
		t.Errorf("banner after the switch: %q", title)
	}
	// The switch changes words, not doui's own root: its class carries
	// every style (a switch once stripped it, leaving the banner bare).
	if got := eval[string](t, ctx, `(() => { const r = document.querySelector('[data-doui="root"]'), b = document.querySelector('[data-doui="banner"]');
		return (r ? r.className : 'no root') + ' ' + getComputedStyle(b).position; })()`); got != "doui fixed" {
		t.Errorf("doui's root and banner after the switches: %q, want \"doui fixed\"", got)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="reject-all"]`))
	status := func() string {
		return eval[string](t, ctx, `document.querySelector('[data-doui="status"]').textContent`)
	}
	eventually(func() bool { return strings.HasPrefix(status(), "Your cookie settings were saved.") })
	if status := status(); !strings.HasPrefix(status, "Your cookie settings were saved.") {
		t.Errorf("announcement after the switch: %q", status)
	}
}

// TestLanguageFileOnce: while a language's file is on its way, wanting it
// again (the dialog's prefetch, then two clicks on the language) adds no
// second script for it; once it arrives, the dialog switches.
func TestLanguageFileOnce(t *testing.T) {
	s := newA11ySite(t)
	ctx := browser(t)
	release := holdURLs(t, ctx, "*/lang.en.*")
	defer release()
	s.open(t, ctx, "?lang=ja")
	en := `[data-doui-action="lang"][data-doui-lang="en"]`
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
		click(en), click(en))
	n := eval[int](t, ctx, `document.querySelectorAll('script[src*="/lang.en."]').length`)
	release()
	run(t, ctx, pollPage[chromedp.Void](`document.querySelector('[data-doui="preferences"]').lang === 'en'`))
	if n != 1 {
		t.Errorf("scripts for the English file while it was on its way: got %d, want 1", n)
	}
}

// TestScreenshots writes e2e/screenshots/{banner,prefs}-{ja,en}-{light,dark}-{320,1280,1280-zoom200}.png
// to look at; with -readme-shots also e2e/readme/screenshot-{ja,en}.png.
func TestScreenshots(t *testing.T) {
	dir := "screenshots"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newA11ySite(t)
	ctx := browser(t)
	for _, lang := range []string{"ja", "en"} {
		for _, scheme := range []string{"light", "dark"} {
			// 1280 px at 200 % zoom is a 640 px CSS viewport at scale 2.
			for _, w := range []int64{320, 1280, 640} {
				h, scale, label := int64(800), 1.0, fmt.Sprint(w)
				switch w {
				case 320:
					h = 640
				case 640:
					h, scale, label = 400, 2, "1280-zoom200"
				}
				run(t, ctx, media(scheme, "reduce"), viewport(w, h, scale))
				// A picture of the page once it is done.
				s.open(t, ctx, "?lang="+lang)
				run(t, ctx, quiet())
				name := fmt.Sprintf("%s-%s-%s.png", lang, scheme, label)
				png := get(t, ctx, chromedp.CaptureScreenshot())
				writeFile(t, filepath.Join(dir, "banner-"+name), png)
				if *readmeShots && scheme == "light" && w == 1280 {
					writeFile(t, filepath.Join("readme", "screenshot-"+lang+".png"), png)
				}
				run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
					chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-doui="preferences"] details').open = true`),
					chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`),
					quiet())
				png = get(t, ctx, chromedp.CaptureScreenshot())
				writeFile(t, filepath.Join(dir, "prefs-"+name), png)
			}
		}
	}
	t.Logf("screenshots in e2e/%s", dir)
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
