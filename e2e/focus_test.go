package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/doui-consent/doui/e2e/testkit"
)

// TestFocusNotObscured (WCAG 2.2 SC 2.4.11, JIS X 8341-3): with the banner
// up, a keyboard user tabs through the whole demo page; no element that
// takes focus may be hidden behind the banner. Phone and desktop.
func TestFocusNotObscured(t *testing.T) {
	base := runDoui(t, testkit.FreeAddr(t, "127.0.0.1"), "-demo").URL
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t)
			run(t, ctx, viewport(vp.w, vp.h, 1), chromedp.Navigate(base+"/"), waitSettled())
			if !bannerVisible(t, ctx) {
				t.Fatal("no banner")
			}
			// Each Tab stop: what has focus, and whether the banner covers
			// all of it (only page content: doui's own controls are in it).
			const probe = `(() => {
				const e = document.activeElement, b = document.querySelector('[data-doui="banner"]');
				if (!e || e === document.body || b.contains(e)) return '';
				const r = e.getBoundingClientRect(), br = b.getBoundingClientRect();
				if (r.width === 0 && r.height === 0) return '';
				const covered = r.top >= br.top && r.bottom <= br.bottom && r.left >= br.left && r.right <= br.right;
				const name = e.tagName.toLowerCase() + ' "' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
				return (covered ? 'HIDDEN ' : 'ok ') + name + ' at ' + Math.round(r.top) + '..' + Math.round(r.bottom) + ' (banner from ' + Math.round(br.top) + ')';
			})()`
			var stops, hidden []string
			seen := map[string]bool{}
			for i := 0; i < 80; i++ {
				run(t, ctx, key(kb.Tab))
				s := eval[string](t, ctx, probe)
				if s == "" {
					continue
				}
				if seen[s] {
					break // round the page once
				}
				seen[s] = true
				stops = append(stops, s)
				if strings.HasPrefix(s, "HIDDEN") {
					hidden = append(hidden, s)
				}
			}
			if len(stops) < 5 {
				t.Fatalf("only %d page Tab stops seen: %q", len(stops), stops)
			}
			if len(hidden) > 0 {
				t.Errorf("%d of %d Tab stops hidden behind the banner:\n%s", len(hidden), len(stops), strings.Join(hidden, "\n"))
			}
			// Scrolled to the end, the page's last content clears the
			// banner: the page has the banner's height of room below it.
			const end = `(() => {
				scrollTo(0, document.scrollingElement.scrollHeight);
				const b = document.querySelector('[data-doui="banner"]').getBoundingClientRect();
				const els = [...document.body.querySelectorAll('*')].filter((e) => !e.closest('.doui') && e.getClientRects().length);
				const last = Math.max(...els.map((e) => e.getBoundingClientRect().bottom));
				return last <= b.top + 0.5 ? '' : 'the page ends at ' + Math.round(last) + ', under the banner from ' + Math.round(b.top);
			})()`
			if s := eval[string](t, ctx, end); s != "" {
				t.Errorf("scrolled to the end: %s", s)
			}
			t.Logf("%s: %d page Tab stops, %s", vp.name, len(stops), fmt.Sprint(len(hidden), " hidden"))
		})
	}
}

// TestEscapeFromEveryControl: wherever focus is in the preferences, Escape
// closes them and focus goes back to the button that opened them.
func TestEscapeFromEveryControl(t *testing.T) {
	base := runDoui(t, testkit.FreeAddr(t, "127.0.0.1"), "-demo").URL
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(base+"/"), waitSettled())
	const controls = `[...document.querySelectorAll('[data-doui="preferences"] :is(a[href], button, input:not([disabled]), summary)')]`
	open := func() {
		run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
	}
	open()
	n := eval[int](t, ctx, controls+`.length`)
	if n < 5 {
		t.Fatalf("only %d controls in the preferences", n)
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			open()
		}
		what := eval[string](t, ctx, fmt.Sprintf(`(() => { const e = %s[%d]; e.focus(); return e.tagName + ' ' + e.textContent.trim().slice(0, 20); })()`, controls, i))
		run(t, ctx, key(kb.Escape))
		var closed bool
		eventually(func() bool {
			closed = eval[bool](t, ctx, `!document.querySelector('[data-doui="preferences"]').open`)
			return closed
		})
		if !closed {
			t.Fatalf("Escape on %s: the preferences stay open", what)
		}
		if f := focusOn(t, ctx, "banner:preferences"); f != "banner:preferences" {
			t.Errorf("Escape on %s: focus on %s, want the banner's preferences button", what, f)
		}
	}
}
