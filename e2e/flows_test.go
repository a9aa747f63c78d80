package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// fakeTracker stands in for an analytics vendor. Its script behaves like a
// real tag (sets first-party _ga cookies, sends a beacon) and it counts
// every request by path.
type fakeTracker struct {
	mu   sync.Mutex
	hits map[string]int
}

func newFakeTracker() *fakeTracker { return &fakeTracker{hits: map[string]int{}} }

func (f *fakeTracker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits[r.URL.Path]++
	f.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/gtag/js":
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `try { // like real tags, survive a browser that blocks cookies
document.cookie='_ga=GA1.1.123.456; path=/; max-age=63072000';
document.cookie='_ga_DOUIDEMO1=GS1.1.789; path=/; max-age=63072000';
} catch (e) {}
window.order=(window.order||[]).concat('gtag');
new Image().src=new URL('/g/collect?tid=G-DOUIDEMO1', document.currentScript.src).href;`)
	case "/slow.js":
		time.Sleep(300 * time.Millisecond)
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `window.order=(window.order||[]).concat('slow');`)
	case "/embed":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>video</title><p>video`)
	default:
		w.Header().Set("Content-Type", "image/gif")
	}
}

// count is how many requests path got; "" counts all.
func (f *fakeTracker) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if path != "" {
		return f.hits[path]
	}
	n := 0
	for _, v := range f.hits {
		n += v
	}
	return n
}

// site is a page on its own origin that drops doui in.
type site struct {
	URL     string
	doui    *douiServer
	tracker *fakeTracker
}

const sitePage = `<!doctype html>
<html lang="%s">
<head>
<meta charset="utf-8">
<title>A site</title>
<script src="%s/doui.js"></script>
<script type="text/plain" data-consent="analytics" src="%s/gtag/js?id=G-DOUIDEMO1"></script>
%s
</head>
<body>
<main><h1>A ministry</h1><p>Content.</p>
<iframe data-consent="media" data-src="%s/embed" title="video"></iframe></main>
<footer><nav class="cmp-settings" aria-label="Cookie settings"><a href="#" data-doui-action="preferences">Cookie settings</a></nav></footer>
</body>
</html>`

// newSite starts doui with the demo policy, a tracker on 127.0.0.3 and the
// site on 127.0.0.2. extraHead is markup added to <head>.
func newSite(t *testing.T, extraHead string) *site {
	t.Helper()
	s := &site{doui: startDoui(t, "web/policies/demo.json"), tracker: newFakeTracker()}
	trackerURL := serveOn(t, "127.0.0.3", s.tracker)
	s.URL = serveOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = "ja"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pg := sitePage
		if r.URL.Path == "/sized" { // an embed with the size YouTube's snippet gives it
			pg = strings.Replace(pg, `title="video">`, `title="video" width="560" height="315">`, 1)
		}
		pg = fmt.Sprintf(pg, lang, s.doui.URL, trackerURL, strings.ReplaceAll(extraHead, "{tracker}", trackerURL), trackerURL)
		if r.URL.Path == "/sized" {
			// The page arrives in two pieces, as on a slow link: the
			// browser renders a frame with an empty <body> between them.
			head, body, _ := strings.Cut(pg, "<body>")
			fmt.Fprint(w, head+"<body>")
			w.(http.Flusher).Flush()
			time.Sleep(300 * time.Millisecond)
			pg = body
		}
		fmt.Fprint(w, pg)
	}))
	return s
}

func (s *site) open(t *testing.T, ctx context.Context, query string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"+query), waitSettled())
}

func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

func cookies(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, kv := range strings.Split(eval[string](t, ctx, `document.cookie`), ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
			out[k] = v
		}
	}
	return out
}

// stored reports whether the engine has stored a record (the doui cookie)
// whose method field is method ("" for any).
func stored(t *testing.T, ctx context.Context, method string) bool {
	t.Helper()
	f := strings.Split(cookies(t, ctx)["doui"], ".")
	return len(f) == 6 && (method == "" || f[4] == method)
}

func TestFirstVisitShowsBannerAndSendsNothing(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	s.open(t, ctx, "")
	if !eventually(func() bool { return bannerVisible(t, ctx) }) {
		t.Fatal("banner not visible on first visit")
	}
	run(t, ctx, quiet())
	if n := s.tracker.count(""); n != 0 {
		t.Fatalf("tracker requests before consent: got %d want 0", n)
	}
	if !eval[bool](t, ctx, `window['ga-disable-G-DOUIDEMO1'] === true`) {
		t.Error("ga-disable-G-DOUIDEMO1 not set before consent")
	}
	if ph := eval[int](t, ctx, `document.querySelectorAll('[data-doui="placeholder"]').length`); ph != 1 {
		t.Errorf("embed placeholders: got %d want 1", ph)
	}
}

// TestEngineStartLeavesNoTrace: the engine, started without a choice, runs
// the code of a click on "accept" on throwaway values so that the
// visitor's click finds it compiled (wasm/main.go, warm). Nothing of that
// may reach the page: no record, no grant, no Consent Mode update, no
// doui:consent event but the start's own, nothing activated, no tracker
// request.
func TestEngineStartLeavesNoTrace(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx,
		addScript(`window.__events = []; addEventListener('doui:consent', (e) => __events.push(e.detail.method + ':' + e.detail.granted.join('+')));`),
		chromedp.Navigate(s.URL+"/"),
		pollPage[chromedp.Void](`window.__doui && __doui.root`),
		chromedp.Evaluate[chromedp.Void](`window.doui.push(function () {})`), // work for the engine: it starts
		waitReady(), quiet())
	type state struct {
		Cookie, Stored, Granted, Events, Updates, GADisabled, Held string
	}
	got := eval[state](t, ctx, `({
		Cookie: document.cookie, Stored: String(localStorage.getItem('doui')),
		Granted: __doui.granted.join('+'), Events: __events.join(' '),
		Updates: dataLayer.filter((c) => c[1] === 'update' || c.event).map((c) => c.event || c[1]).join(' '),
		GADisabled: String(window['ga-disable-G-DOUIDEMO1']),
		Held: [...document.querySelectorAll('[data-consent]')].filter((e) => e.hasAttribute('data-doui-done')).length + ' activated'})`)
	want := state{Cookie: "", Stored: "null", Granted: "necessary", Events: "stored:necessary", Updates: "", GADisabled: "true", Held: "0 activated"}
	if got != want {
		t.Errorf("after the engine started with no choice:\n got %+v\nwant %+v", got, want)
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests: got %d want 0", n)
	}
}

func TestAcceptReloadWithdraw(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	eventually(func() bool {
		c := cookies(t, ctx)
		return s.tracker.count("/gtag/js") >= 1 && s.tracker.count("/embed") >= 1 && c["doui"] != "" && c["_ga"] != ""
	})
	run(t, ctx, quiet()) // and nothing loads twice
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Fatalf("tracker script after accept: got %d want 1", n)
	}
	if bannerVisible(t, ctx) {
		t.Error("banner still visible after accept")
	}
	if n := s.tracker.count("/embed"); n != 1 {
		t.Errorf("embed after accept all: got %d want 1", n)
	}
	c := cookies(t, ctx)
	if !strings.HasPrefix(c["doui"], "1.") || c["_ga"] == "" {
		t.Fatalf("cookies after accept: %v", c)
	}

	s.open(t, ctx, "")
	eventually(func() bool { return s.tracker.count("/gtag/js") >= 2 })
	run(t, ctx, quiet())
	if bannerVisible(t, ctx) {
		t.Error("banner shown again after reload")
	}
	if n := s.tracker.count("/gtag/js"); n != 2 {
		t.Fatalf("tracker script after reload: got %d want 2", n)
	}

	// Withdraw: the page's own "Cookie settings" link, analytics off, save.
	// The tracker already ran, so doui reloads the page.
	run(t, ctx,
		markPage(),
		click(`.cmp-settings [data-doui-action="preferences"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
		click(`input[data-doui-category="analytics"]`),
		click(`[data-doui="preferences"] [data-doui-action="save"]`),
	)
	waitReloaded(t, ctx)
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 2 {
		t.Errorf("tracker script after withdrawal: got %d want 2 (no new load)", n)
	}
	c = cookies(t, ctx)
	if _, ok := c["_ga"]; ok {
		t.Errorf("_ga survived withdrawal: %v", c)
	}
	if _, ok := c["_ga_DOUIDEMO1"]; ok {
		t.Errorf("_ga_DOUIDEMO1 survived withdrawal: %v", c)
	}
	if !eval[bool](t, ctx, `window['ga-disable-G-DOUIDEMO1'] === true`) {
		t.Error("ga-disable not set after withdrawal")
	}
	s.open(t, ctx, "")
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 2 {
		t.Errorf("tracker script on the next page: got %d want 2", n)
	}
	if bannerVisible(t, ctx) {
		t.Error("banner shown after a withdrawal was saved")
	}
}

func TestRejectAll(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="reject-all"]`))
	if !eventually(func() bool { return stored(t, ctx, "r") }) {
		t.Fatalf("no refusal stored: cookies %v", cookies(t, ctx))
	}
	s.open(t, ctx, "")
	run(t, ctx, quiet())
	if bannerVisible(t, ctx) {
		t.Error("banner shown after reject + reload")
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests after reject: got %d want 0", n)
	}
	if granted := eval[[]string](t, ctx, `window.doui.consent()`); strings.Join(granted, ",") != "necessary" {
		t.Errorf("doui.consent() after reject: got %v want [necessary]", granted)
	}
}

func TestPreferencesAnalyticsOnMediaOff(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx,
		click(`[data-doui="banner"] [data-doui-action="preferences"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
		click(`input[data-doui-category="analytics"]`),
		click(`[data-doui="preferences"] [data-doui-action="save"]`),
	)
	const events = `JSON.stringify((window.dataLayer || []).filter(e => !e.length && e.event).map(e => e.event))`
	eventually(func() bool {
		return s.tracker.count("/gtag/js") >= 1 && strings.Contains(eval[string](t, ctx, events), "doui_consent_update")
	})
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("analytics after saving it on: got %d want 1", n)
	}
	if n := s.tracker.count("/embed"); n != 0 {
		t.Errorf("media after saving it off: got %d want 0", n)
	}
	if ev := eval[string](t, ctx, events); !strings.Contains(ev, "doui_consent_update") {
		t.Errorf("dataLayer events: got %s, want doui_consent_update", ev)
	}
	// The embed placeholder's button allows media in place.
	run(t, ctx, click(`[data-doui="placeholder"] button`))
	eventually(func() bool { return s.tracker.count("/embed") >= 1 })
	run(t, ctx, quiet())
	if n := s.tracker.count("/embed"); n != 1 {
		t.Errorf("media after the placeholder's button: got %d want 1", n)
	}
}

func TestPolicyChangeAsksAgain(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	if !eventually(func() bool { return stored(t, ctx, "a") }) {
		t.Fatalf("no consent stored: cookies %v", cookies(t, ctx))
	}
	before := s.doui.fingerprint(t)

	// A wording edit keeps the consent; a material one (another cookie
	// for the analytics service) asks again.
	save := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(s.doui.policy)
		if err != nil {
			t.Fatal(err)
		}
		edited := strings.Replace(string(data), from, to, 1)
		if edited == string(data) {
			t.Fatalf("test edit did not apply: no %s in the demo policy", from)
		}
		tmp := filepath.Join(filepath.Dir(s.doui.policy), ".policy.json.tmp")
		if err := os.WriteFile(tmp, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, s.doui.policy); err != nil { // an editor's save
			t.Fatal(err)
		}
	}
	waitHealth := func(what string, ok func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !ok(s.doui.healthz(t)) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen on /healthz within 5 s:\n%s", what, s.doui.healthz(t))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	save(`"Ministry of Demonstration website"`, `"Ministry of Demonstration web site"`)
	waitHealth("wording edit", func(h string) bool {
		return strings.Contains(h, `"loadedAt"`) && s.doui.fingerprint(t) == before && strings.Count(s.doui.Log.String(), "loaded:") >= 1
	})
	s.open(t, ctx, "")
	run(t, ctx, quiet())
	if bannerVisible(t, ctx) {
		t.Error("banner shown again after a wording edit")
	}

	save(`"name": "_ga_*"`, `"name": "_gat_*"`)
	waitHealth("material edit", func(string) bool { return s.doui.fingerprint(t) != before })
	hits := s.tracker.count("/gtag/js")
	s.open(t, ctx, "")
	if !eventually(func() bool { return bannerVisible(t, ctx) }) {
		t.Error("banner not shown after a material policy change")
	}
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != hits {
		t.Errorf("tracker ran on a stale consent: got %d want %d", n, hits)
	}
}

func TestGarbageCookieAsksAgain(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	for _, v := range []string{"garbage", "1.zzzz.0.a.x.analytics", "1." + s.doui.fingerprint(t) + ".99999999999.a.AAAAAAAAAAAAAAAAAAAAAA.analytics~media"} {
		run(t, ctx, send(network.SetCookie, network.SetCookieParams{Name: "doui", Value: v, URL: s.URL + "/"}))
		s.open(t, ctx, "")
		if !eventually(func() bool { return bannerVisible(t, ctx) }) {
			t.Errorf("cookie %q: banner not shown", v)
		}
		run(t, ctx, quiet())
	}
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests with forged cookies: got %d want 0", n)
	}
}

func TestWasmBlockedSendsNothing(t *testing.T) {
	allowConsoleErrors(t) // the failed fetch is reported, which is right here
	s := newSite(t, "")
	ctx := browser(t)
	run(t, ctx,
		send(network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.wasm", Block: true}}}),
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="banner"]`)),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`),
		quiet(), // the engine failed (settled) and the page went idle
	)
	if n := s.tracker.count(""); n != 0 {
		t.Errorf("tracker requests with the wasm blocked: got %d want 0", n)
	}
}

func TestScriptsRunInOrder(t *testing.T) {
	s := newSite(t, `<script type="text/plain" data-consent="analytics" src="{tracker}/slow.js"></script>
<script type="text/plain" data-consent="analytics">window.order=(window.order||[]).concat('inline')</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	order := get(t, ctx, pollPage[string](`window.order && window.order.length === 3 && window.order.join(',')`))
	if order != "gtag,slow,inline" {
		t.Errorf("script order: got %s want gtag,slow,inline", order)
	}
}

// TestInlineScriptSeesTheDecision: the engine inserts the trackers a choice
// allows before it publishes the choice (an external script runs once
// loaded, in a later task), but a held inline script runs the moment it
// is inserted: the choice is published before it, the loader's granted
// list and the Consent Mode update both.
func TestInlineScriptSeesTheDecision(t *testing.T) {
	s := newSite(t, `<script type="text/plain" data-consent="functional">window.seen = String(window.__doui.granted) + ' ' +
  dataLayer.some((a) => a[0] === 'consent' && a[1] === 'update' && a[2].functionality_storage === 'granted')</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	prefs(t, ctx, map[string]bool{"functional": true}, false)
	if seen := get(t, ctx, pollPage[string](`window.seen`)); seen != "necessary,functional true" {
		t.Errorf("what the held inline script saw when it ran: %q, want the granted list and the update (%q)", seen, "necessary,functional true")
	}
}

// TestReadyAcceptStartsTheTrackerFirst: with the engine ready, a click on
// "accept all" starts the tracker's request before the command enters Go
// (the armed path of web/start.js: the engine computed at its last
// decision what "accept all" would activate). The engine reads the clock
// (Date.now) for the record as the command enters Go: here the tracker's
// src is set before that read. The choice is then decided and recorded as
// always, and the tracker loads once.
func TestReadyAcceptStartsTheTrackerFirst(t *testing.T) {
	s := newSite(t, `<script>
(() => {
  const now = Date.now;
  let read = false;
  Date.now = function () { read = true; return now.call(Date); };
  addEventListener('click', () => { read = false; }, true);
  const set = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (n, v) {
    if (n === 'src' && String(v).includes('/gtag/js') && window.clockRead === undefined) window.clockRead = read;
    return set.apply(this, arguments);
  };
})();
</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, startEngine(),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	if read := get(t, ctx, pollPage[string](`window.clockRead !== undefined && String(window.clockRead)`)); read != "false" {
		t.Errorf("the engine had read the clock when the tracker's src was set: %s, want false (the armed path sets it first)", read)
	}
	if granted := get(t, ctx, pollPage[string](`/(^|; )doui=/.test(document.cookie) && window.__doui.granted.join(',')`)); granted != "necessary,analytics,functional,media" {
		t.Errorf("granted once the choice was stored: %q, want every category", granted)
	}
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker requests: got %d want 1", n)
	}
}

// TestReadyAcceptInlineWaitsForTheDecision: the armed path starts held
// elements before the engine has decided; a held inline script first in
// the page runs at once when started and may read the decision, so it
// waits for the engine's own run (which publishes first), and the
// external script after it waits for it: document order holds.
func TestReadyAcceptInlineWaitsForTheDecision(t *testing.T) {
	s := newSite(t, `<script type="text/plain" data-consent="functional" id="inl">window.seen = String(window.__doui.granted) + ' ' +
  dataLayer.some((a) => a[0] === 'consent' && a[1] === 'update' && a[2].analytics_storage === 'granted') + ' ' +
  (document.querySelector('script[data-consent="analytics"]').type === 'text/plain')</script>
<script>document.head.insertBefore(document.getElementById('inl'), document.querySelector('script[data-consent]'));</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, startEngine(),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	want := "necessary,analytics,functional,media true true"
	if seen := get(t, ctx, pollPage[string](`window.seen`)); seen != want {
		t.Errorf("what the held inline script saw when it ran: %q, want the granted list, the update and the tracker after it still held (%q)", seen, want)
	}
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker requests after the inline script: got %d want 1", n)
	}
}

// TestHeldScriptIsThePagesOwn: doui runs a held script as the element the
// page made, not a copy: what the page attached to it before consent (a
// load listener, a property) is still there when it runs, and
// document.currentScript is that element.
func TestHeldScriptIsThePagesOwn(t *testing.T) {
	s := newSite(t, `<script type="text/plain" data-consent="analytics" id="own" src="{tracker}/slow.js"></script>
<script type="text/plain" data-consent="analytics" id="inl">window.cur = document.currentScript && document.currentScript.mark</script>
<script>
document.getElementById('own').addEventListener('load', () => { window.heard = 'load'; });
document.getElementById('inl').mark = 'mine';
</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	got := get(t, ctx, pollPage[string](`window.heard && window.cur !== undefined && window.heard + ' ' + window.cur`))
	if got != "load mine" {
		t.Errorf("the page's listener and the running script's own property: got %q, want %q", got, "load mine")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('script#own, script#inl').length`); n != 2 {
		t.Errorf("the page's held scripts in the page after they ran: got %d, want 2 (the same elements)", n)
	}
}

// TestScriptRemovedBeforeItsTurn: a held external script the page takes
// out while an earlier one is still loading is not fetched, and the
// scripts after it still run (the queue once waited for ever on the
// removed one: the copy it was run as then never loaded).
func TestScriptRemovedBeforeItsTurn(t *testing.T) {
	s := newSite(t, `<script type="text/plain" data-consent="analytics" src="{tracker}/slow.js"></script>
<script type="text/plain" data-consent="analytics" id="b" src="{tracker}/b.js"></script>
<script type="text/plain" data-consent="analytics">window.order=(window.order||[]).concat('c')</script>
<script>addEventListener('doui:consent', (e) => { if (e.detail.method === 'accept-all') document.getElementById('b').remove(); });</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	order := get(t, ctx, pollPage[string](`window.order && window.order.length >= 3 && window.order.join(',')`))
	if order != "gtag,slow,c" {
		t.Errorf("script order: got %s want gtag,slow,c", order)
	}
	if n := s.tracker.count("/b.js"); n != 0 {
		t.Errorf("the removed script was fetched %d times, want 0", n)
	}
}

func TestLoaderTwice(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	// The same snippet twice, as a careless template include would do.
	page := serveOn(t, "127.0.0.4", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><script src="%[1]s/doui.js"></script><script src="%[1]s/doui.js"></script></head><body><p>twice</p></body></html>`, s.doui.URL)
	}))
	run(t, ctx, chromedp.Navigate(page+"/"), quiet())
	if banners := eval[int](t, ctx, `document.querySelectorAll('[data-doui="banner"]').length`); banners != 1 {
		t.Fatalf("banners with the loader included twice: got %d want 1", banners)
	}
	run(t, ctx, click(`[data-doui-action="accept-all"]`))
	consented := func() bool { return strings.Contains(eval[string](t, ctx, `document.cookie`), "doui=1.") }
	if !eventually(consented) {
		t.Errorf("no consent stored after accept: cookie %q", eval[string](t, ctx, `document.cookie`))
	}
}

// TestStorageBlocked: a browser that refuses cookies and localStorage
// (privacy settings, some embedded browsers). The choice holds for the page
// it was made on; the next page asks again and runs nothing before that.
func TestStorageBlocked(t *testing.T) {
	s := newSite(t, `<script>
Object.defineProperty(Document.prototype, 'cookie', { get() { throw new DOMException('blocked', 'SecurityError'); }, set(v) { throw new DOMException('blocked', 'SecurityError'); } });
Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
</script>`)
	ctx := browser(t)
	s.open(t, ctx, "")
	if !eventually(func() bool { return bannerVisible(t, ctx) }) {
		t.Fatal("banner not shown with storage blocked")
	}
	run(t, ctx, quiet())
	if n := s.tracker.count(""); n != 0 {
		t.Fatalf("tracker requests before consent: got %d want 0", n)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	eventually(func() bool { return s.tracker.count("/gtag/js") >= 1 })
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker after accept on the same page: got %d want 1", n)
	}
	s.open(t, ctx, "")
	if !eventually(func() bool { return bannerVisible(t, ctx) }) {
		t.Error("banner not shown on the next page although nothing could be stored")
	}
	run(t, ctx, quiet())
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker on the next page without a stored choice: got %d want 1", n)
	}
}

// TestNonceInlineScript: on a page whose CSP allows inline scripts by
// nonce, a held inline script keeps its nonce when doui runs it.
func TestNonceInlineScript(t *testing.T) {
	s := newSite(t, "")
	ctx := browser(t)
	page := serveOn(t, "127.0.0.4", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "script-src 'nonce-n0Nce1' 'wasm-unsafe-eval' "+s.doui.URL+"; connect-src "+s.doui.URL)
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><script src="%s/doui.js"></script>
<script type="text/plain" data-consent="analytics" nonce="n0Nce1">window.nonceRan = true</script>
</head><body><p>nonce</p></body></html>`, s.doui.URL)
	}))
	run(t, ctx, chromedp.Navigate(page+"/"), waitSettled(),
		click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	if !eventually(func() bool { return eval[bool](t, ctx, `window.nonceRan === true`) }) {
		t.Error("inline script with a nonce did not run after accept under a nonce CSP")
	}
}
