package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/doui-consent/doui/e2e/testkit"
)

// TestDemo is what a new user sees after `make run`: the embedded demo
// policy, the fictional ministry's page under doui's own strict CSP, and
// the fake tracker on a second origin that only runs after consent.
func TestDemo(t *testing.T) {
	trackerAddr := testkit.FreeAddr(t, "127.0.0.5")
	base := runDoui(t, testkit.FreeAddr(t, "127.0.0.1"), "-demo", "-demo-tracker", trackerAddr).URL

	ctx := browser(t)
	status := func() string { return get(t, ctx, chromedp.Text(chromedp.CSS("#tracker-status"))) }
	run(t, ctx, chromedp.Navigate(base+"/"), quiet())
	if !eventually(func() bool { return bannerVisible(t, ctx) }) {
		t.Fatal("demo: banner not visible")
	}
	if s := status(); s != "OFF" {
		t.Fatalf("demo: tracker status before consent: got %q want OFF", s)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	eventually(func() bool { return status() == "ON" })
	if s := status(); s != "ON" {
		t.Errorf("demo: tracker status after accept: got %q want ON", s)
	}
	// Every example policy's page shows its banner too.
	for _, name := range []string{"tokyo", "kantei", "mic", "mofa", "ibaraki"} {
		run(t, ctx, chromedp.Navigate(base+"/demo/"+name), waitSettled())
		shown := eventually(func() bool { return bannerVisible(t, ctx) })
		title := get(t, ctx, chromedp.Text(chromedp.CSS(`[data-doui="banner"] h2`)))
		if !shown || strings.TrimSpace(title) == "" {
			t.Errorf("/demo/%s: banner not shown (title %q)", name, title)
		}
	}
}
