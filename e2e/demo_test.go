package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDemo is what a new user sees after `make run`: the embedded demo
// policy, the fictional ministry's page under doui's own strict CSP, and
// the fake tracker on a second origin that only runs after consent.
func TestDemo(t *testing.T) {
	trackerAddr := freeAddr(t, "127.0.0.5")
	base := runDoui(t, freeAddr(t, "127.0.0.1"), "-demo", "-demo-tracker", trackerAddr).URL

	ctx := browser(t)
	var status string
	run(t, ctx, chromedp.Navigate(base+"/"), waitSettled(), settle(),
		chromedp.Text("#tracker-status", &status, chromedp.ByQuery))
	if !bannerVisible(t, ctx) {
		t.Fatal("demo: banner not visible")
	}
	if status != "OFF" {
		t.Fatalf("demo: tracker status before consent: got %q want OFF", status)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`), settle(),
		chromedp.Text("#tracker-status", &status, chromedp.ByQuery))
	if status != "ON" {
		t.Errorf("demo: tracker status after accept: got %q want ON", status)
	}
	// Every example policy's page shows its banner too.
	for _, name := range []string{"tokyo", "kantei", "mic", "mofa", "ibaraki"} {
		var title string
		run(t, ctx, chromedp.Navigate(base+"/demo/"+name), waitSettled(), settle(),
			chromedp.Text(`[data-doui="banner"] h2`, &title, chromedp.ByQuery))
		if !bannerVisible(t, ctx) || strings.TrimSpace(title) == "" {
			t.Errorf("/demo/%s: banner not shown (title %q)", name, title)
		}
	}
}
