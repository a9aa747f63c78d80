package e2e

// Issue 12, "stop means stop": a withdrawal stops what runs on this page,
// in the site's other tabs and on a page the back button restores; records
// that are not the visitor's own, and clicks that are not theirs, count for
// nothing; a misplaced doui.js says so on the console.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/chromedp"
)

// stopSite is a page with no tag marked for doui at all: its analytics tag
// is inserted by a script after load (the "delay Tag Manager" pattern), so
// the host blocker decides alone. The tag's script sends a hit every
// 100 ms for as long as it runs.
type stopSite struct {
	URL     string
	doui    *douiServer
	tracker *fakeTracker
}

const stopPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A page</title>
%s
<script src="%s/doui.js"%s></script>
</head>
<body>
<main><h1>A ministry</h1><p>%s</p><a href="/other" id="other">Another page</a></main>
<footer><a href="#" data-doui-action="preferences">Cookie settings</a></footer>
<script>
addEventListener('load', () => setTimeout(() => {
  const s = document.createElement('script');
  s.src = 'http://www.googletagmanager.com:%s/beat.js';
  document.head.appendChild(s);
}, 50));
</script>
</body>
</html>`

// newStopSite serves stopPage at / and /other. before is markup put in
// <head> before doui.js, attrs more attributes of its <script>; body is the
// first paragraph.
func newStopSite(t *testing.T, before, attrs, body string) *stopSite {
	t.Helper()
	s := &stopSite{doui: startDoui(t, "web/policies/demo.json"), tracker: newFakeTracker()}
	beats := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/beat.js" {
			s.tracker.mu.Lock()
			s.tracker.hits[r.URL.Path]++
			s.tracker.mu.Unlock()
			w.Header().Set("Content-Type", "text/javascript")
			w.Header().Set("Cache-Control", "no-store")
			fmt.Fprint(w, `{ const base = document.currentScript.src;
setInterval(() => { new Image().src = new URL('/g/collect?t=' + Date.now(), base).href; }, 100); }`)
			return
		}
		s.tracker.ServeHTTP(w, r)
	})
	trackerURL := serveOn(t, "127.0.0.3", beats)
	_, port, _ := strings.Cut(strings.TrimPrefix(trackerURL, "http://"), ":")
	s.URL = serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, stopPage, before, s.doui.URL, attrs, body, port)
	}))
	return s
}

// hitsStop checks that no hit arrives for a while after the page settled:
// the tag, had it survived, would send ten in that time.
func hitsStop(t *testing.T, ctx context.Context, tr *fakeTracker, what string) {
	t.Helper()
	// Not quiet(): the old page's last beacons may never report an end.
	run(t, ctx, waitSettled())
	n := tr.count("/g/collect")
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 1000))`, chromedp.EvalAwaitPromise))
	if got := tr.count("/g/collect"); got != n {
		t.Errorf("%s: the tag still sends hits: %d more in 1 s", what, got-n)
	}
}

// acceptAndBeat accepts in the banner and waits for the late tag's hits.
func acceptAndBeat(t *testing.T, ctx context.Context, s *stopSite) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"), waitSettled(),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	if !eventually(func() bool { return s.tracker.count("/g/collect") >= 3 }) {
		t.Fatalf("the late tag never ran after accept: %d hits", s.tracker.count("/g/collect"))
	}
}

// withdraw unticks analytics in the preferences and saves.
func withdraw(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx,
		click(`footer [data-doui-action="preferences"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
		click(`input[data-doui-category="analytics"]`),
		click(`[data-doui="preferences"] [data-doui-action="save"]`))
}

// TestWithdrawStopsLateTag: a tag that a script inserted after consent,
// which doui never activated itself, stops on withdrawal (the page
// reloads), and does not come back.
func TestWithdrawStopsLateTag(t *testing.T) {
	s := newStopSite(t, "", "", "Late tag.")
	ctx := browser(t)
	acceptAndBeat(t, ctx, s)
	run(t, ctx, markPage())
	withdraw(t, ctx)
	waitReloaded(t, ctx)
	hitsStop(t, ctx, s.tracker, "after withdrawal")
	if n := s.tracker.count("/beat.js"); n != 1 {
		t.Errorf("late tag loads: got %d want 1 (held after withdrawal)", n)
	}
}

// TestWithdrawInAnotherTab: the site open in two tabs; a withdrawal in one
// stops the tag in the other.
func TestWithdrawInAnotherTab(t *testing.T) {
	s := newStopSite(t, "", "", "Two tabs.")
	ctx := browser(t)
	acceptAndBeat(t, ctx, s)
	run(t, ctx, markPage())

	other, cancel := chromedp.NewContext(ctx)
	defer cancel()
	run(t, other, chromedp.Navigate(s.URL+"/other"), waitReady())
	withdraw(t, other)
	waitReloaded(t, other) // it ran the tag too

	waitReloaded(t, ctx) // the first tab, without a click there
	hitsStop(t, ctx, s.tracker, "first tab after a withdrawal in the second")
}

// TestBackButtonAfterWithdrawal: accept on page A, go to page B, withdraw
// there, go back: A, restored from the back/forward cache with its tag
// running, must stop it before it sends more.
func TestBackButtonAfterWithdrawal(t *testing.T) {
	s := newStopSite(t, "", "", "Back and forth.")
	ctx := browser(t)
	acceptAndBeat(t, ctx, s)
	run(t, ctx, markPage(), chromedp.Evaluate[chromedp.Void](`addEventListener('pageshow', e => e.persisted && sessionStorage.setItem('test-restored', '1'))`),
		click(`#other`))
	if !eventually(func() bool {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname === '/other' && !!window.doui && window.doui.ready === true`))
		return err == nil && ok
	}) {
		t.Fatal("page B never came up")
	}
	run(t, ctx, markPage())
	withdraw(t, ctx)
	waitReloaded(t, ctx)
	// Not chromedp.NavigateBack: it waits for a load event, which a page
	// restored from the cache does not fire.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`history.back()`))
	// Page A comes back from the cache (its window.__before still set) and
	// must reload itself: the reloaded page reads the withdrawn record.
	waitReloaded(t, ctx)
	if p := eval[string](t, ctx, `sessionStorage.getItem('test-restored')`); p != "1" {
		t.Fatalf("page A was not restored from the back/forward cache: the test does not test the restore")
	}
	hitsStop(t, ctx, s.tracker, "page A restored by the back button")
}

// record is a well-formed record of the current policy granting
// everything, as a forger would write it.
func record(t *testing.T, s *douiServer) string {
	return "1." + s.fingerprint(t) + "." + strconv.FormatInt(time.Now().Unix()-60, 10) + ".analytics~functional~media.a.AAECAwQFBgcICQoLDA0ODw"
}

// TestPlantedCookieCountsForNothing: a well-formed doui cookie the visitor
// never chose (tossed from a sibling subdomain with Domain= the parent, or
// set with a longer Path to shadow the visitor's own) grants nothing: doui
// reads its record from localStorage, or on https from a __Host- cookie
// that no other subdomain or path can set.
func TestPlantedCookieCountsForNothing(t *testing.T) {
	s := newStopSite(t, "", "", "Planted.")
	ctx := browser(t)
	for _, path := range []string{"/", "/other"} {
		run(t, ctx, send(network.SetCookie, network.SetCookieParams{Name: "doui", Value: record(t, s.doui), URL: s.URL + path, Path: path}))
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/other"), quiet())
	if !bannerVisible(t, ctx) {
		t.Error("banner hidden by a planted cookie")
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests under a planted cookie: got %d want 0", n)
	}
	// The visitor's own refusal stands against a planted grant.
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="reject-all"]`), waitReady(), chromedp.Navigate(s.URL+"/other"), quiet())
	if bannerVisible(t, ctx) {
		t.Error("banner shown again after the visitor's refusal")
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests after refusal with a planted grant: got %d want 0", n)
	}
}

// TestPageControlsCannotGrant: a data-doui-action link in the page's own
// content (user-generated, say) and a script's el.click() on doui's own
// button make no choice; the page's "Cookie settings" link still opens the
// preferences.
func TestPageControlsCannotGrant(t *testing.T) {
	s := newStopSite(t, "", "", `<a href="#" id="ugc" data-doui-action="accept-all">Click for the prize</a>`)
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), waitSettled(), click(`#ugc`))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-doui="banner"] [data-doui-action="accept-all"]').click()`))
	run(t, ctx, quiet())
	if !bannerVisible(t, ctx) {
		t.Error("banner gone after a page link or a script's click")
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests after a page link or a script's click: got %d want 0", n)
	}
	if rec := eval[string](t, ctx, `(localStorage.getItem('doui') || '') + (sessionStorage.getItem('doui-p') || '')`); rec != "" {
		t.Errorf("a choice was recorded: %q", rec)
	}
	run(t, ctx, click(`footer [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
}

// TestMisplacedLoaderWarns: doui.js with async after another script warns
// on the console, naming the script that ran before it.
func TestMisplacedLoaderWarns(t *testing.T) {
	allowConsoleErrors(t)
	s := newStopSite(t, `<script>window.early = 1</script>`, " async", "Misplaced.")
	ctx := browser(t)
	run(t, ctx, captureWarnings(),
		chromedp.Navigate(s.URL+"/"), waitSettled(),
		click(`[data-doui="banner"] [data-doui-action="reject-all"]`), waitReady())
	var warns string
	eventually(func() bool {
		warns = eval[string](t, ctx, `__warns.join('\n')`)
		return strings.Contains(warns, "async") && strings.Contains(warns, "window.early")
	})
	if !strings.Contains(warns, "async or defer") {
		t.Errorf("no warning about async: %q", warns)
	}
	if !strings.Contains(warns, `the inline script "window.early = 1`) {
		t.Errorf("no warning naming the script before doui.js: %q", warns)
	}
}

// TestHostCookieOnHTTPS: on an https site the record is the __Host-doui
// cookie (no plain doui cookie), and it alone carries the choice to the
// next page when localStorage has been cleared; a plain doui cookie
// planted with a refusal changes nothing.
func TestHostCookieOnHTTPS(t *testing.T) {
	d := startDoui(t, "web/policies/demo.json")
	tr := newFakeTracker()
	trackerURL := serveOn(t, "127.0.0.3", tr)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>https</title>
<script src="%s/doui.js"></script>
<script type="text/plain" data-consent="analytics" data-src="%s/gtag/js?id=G-DOUIDEMO1"></script>
</head><body><main><h1>A ministry</h1></main></body></html>`, d.URL, trackerURL)
	}))
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ctx := browser(t)
	run(t, ctx, send(security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true}),
		chromedp.Navigate(srv.URL+"/"), waitSettled(),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	if !eventually(func() bool { return strings.HasPrefix(cookies(t, ctx)["__Host-doui"], "1.") }) {
		t.Fatalf("no __Host-doui cookie after accept on https: %v", cookies(t, ctx))
	}
	if _, ok := cookies(t, ctx)["doui"]; ok {
		t.Errorf("a plain doui cookie on https: %v", cookies(t, ctx))
	}
	// A refusal planted as a plain cookie, localStorage gone: the
	// __Host- cookie still holds the visitor's accept.
	run(t, ctx, send(network.SetCookie, network.SetCookieParams{Name: "doui", Value: "1." + d.fingerprint(t) + "." + strconv.FormatInt(time.Now().Unix(), 10) + "..r.AAECAwQFBgcICQoLDA0ODw", URL: srv.URL + "/", Path: "/"}),
		chromedp.Evaluate[chromedp.Void](`localStorage.clear()`),
		chromedp.Navigate(srv.URL+"/"), waitSettled())
	if bannerVisible(t, ctx) {
		t.Error("banner shown again: the __Host-doui cookie was not read")
	}
	if !eventually(func() bool { return tr.count("/gtag/js") >= 2 }) {
		t.Errorf("tracker script on the next page: %d loads, want 2 (the accept stands)", tr.count("/gtag/js"))
	}
}
