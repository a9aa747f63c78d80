package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestTrustedTypes: on a page whose CSP requires Trusted Types for scripts
// and names doui's two policies, the banner shows, a held frame gets its
// placeholder, nothing loads before consent, and after "accept all" the
// held script and frame load once; no Trusted Types violation anywhere
// (the harness fails the test on any console error).
func TestTrustedTypes(t *testing.T) {
	d := startDoui(t, "web/policies/demo.json")
	tr := newFakeTracker()
	trackerURL := serveOn(t, "127.0.0.3", tr)
	_, port, _ := strings.Cut(strings.TrimPrefix(trackerURL, "http://"), ":")
	site := serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "require-trusted-types-for 'script'; trusted-types doui doui-engine")
		fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trusted Types</title>
<script src="%s/doui.js"></script>
<script type="text/plain" data-consent="analytics" data-src="http://www.googletagmanager.com:%s/gtag/js?id=G-DOUIDEMO1"></script>
</head><body><main><h1>A ministry</h1>
<iframe data-consent="media" data-src="%s/embed" title="video" width="560" height="315"></iframe>
</main></body></html>`, d.URL, port, trackerURL)
	}))
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(site+"/"), waitSettled(),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="placeholder"]`)))
	if !bannerVisible(t, ctx) {
		t.Fatal("no banner under Trusted Types")
	}
	// A language switch writes markup too: to Japanese, the language
	// doui.js carries, and placeholders follow.
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
		click(`[data-doui-action="lang"][data-doui-lang="ja"]`))
	langs := `document.querySelector('[data-doui="preferences"]').lang + ' ' + document.querySelector('[data-doui="placeholder"]').lang`
	if !eventually(func() bool { return eval[string](t, ctx, langs) == "ja ja" }) {
		t.Fatalf("after switching to Japanese under Trusted Types: dialog and placeholder in %q", eval[string](t, ctx, langs))
	}
	run(t, ctx, key(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS(`[data-doui="preferences"]`)), quiet())
	if n := tr.count(""); n != 0 {
		t.Fatalf("tracker requests before consent: %d", n)
	}
	// The engine is ready (the preferences called it): the click goes to
	// it, not to the loader's record (no armed path under Trusted Types:
	// the policy's check reads the decision the click has not made yet).
	run(t, ctx, waitReady(), click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	if !eventually(func() bool { return tr.count("/gtag/js") >= 1 && tr.count("/embed") >= 1 }) {
		t.Fatalf("after accept: gtag %d, embed %d requests, want 1 each", tr.count("/gtag/js"), tr.count("/embed"))
	}
	run(t, ctx, quiet())
	if a, b := tr.count("/gtag/js"), tr.count("/embed"); a != 1 || b != 1 {
		t.Errorf("after accept: gtag %d, embed %d requests, want 1 each", a, b)
	}
}
