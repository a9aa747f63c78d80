package e2e

// Real tracker snippets (GA4's gtag.js, a Tag Manager container, YouTube
// embeds, Matomo Cloud) exactly as their vendors publish them, in
// testdata/trackers/, against fake vendors that answer on the real host
// names: Chromium's --host-resolver-rules maps those names to 127.0.0.3,
// where one TLS server on port 443 answers for all of them, so the
// snippets keep their https:// URLs byte for byte. Its certificate is made
// at run time and the tab ignores certificate errors (Security domain), the
// only concession to the test setting. The site runs on www.site.localhost
// (Chromium resolves *.localhost to 127.0.0.1) so that trackers can set
// cookies on a parent domain, as GA does, and doui must delete them there.
//
// Matomo Cloud's tracking endpoint (doui-demo.matomo.cloud) is not among
// the mapped names, so its hits are caught in the browser with the Fetch
// domain, answered there and counted with the rest.

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/chromedp"

	"github.com/doui-consent/doui/e2e/testkit"
)

const trackersPolicy = "e2e/testdata/trackers/policy.json"

// vendors are the fake Google, YouTube and Matomo servers. Every request
// is recorded as host+path (and its ?via= when a test page names the way
// it was inserted).
type vendors struct {
	mu   sync.Mutex
	reqs []string // host+path?query, in arrival order
}

func (v *vendors) record(u *url.URL, host string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.reqs = append(v.reqs, host+u.Path+"?"+u.RawQuery)
}

// count is the number of requests whose host+path starts with prefix; ""
// counts all.
func (v *vendors) count(prefix string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, r := range v.reqs {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// byHost is the number of requests per host, for logs and reports.
func (v *vendors) byHost() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string]int{}
	for _, r := range v.reqs {
		host, _, _ := strings.Cut(r, "/")
		out[host]++
	}
	return out
}

// via counts the requests carrying ?via=, by its value.
func (v *vendors) via() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string]int{}
	for _, r := range v.reqs {
		_, q, _ := strings.Cut(r, "?")
		if vals, err := url.ParseQuery(q); err == nil && vals.Get("via") != "" {
			out[vals.Get("via")]++
		}
	}
	return out
}

func (v *vendors) all() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.reqs...)
}

// The fake vendors' scripts behave like the real ones in what this test
// looks at: gtag.js reads the dataLayer (Consent Mode, config), honours
// ga-disable-<ID>, sets _ga, _ga_<container> and _gid on the highest domain
// it may (GA's cookie_domain 'auto') and sends /g/collect; gtm.js loads the
// container's Google tag the way GTM does and notes the events it sees;
// matomo.js reads _paq, sets _pk_id/_pk_ses and hits the tracker URL.
// They find their own URL from document.currentScript, which is an SVG
// script (its URL an href) where inserted.html loads them through one:
// doui runs a held script as the element the page made.
const fakeGtag = `(function () {
  var s = document.currentScript, q = new URL(s.src || s.href.baseVal).searchParams, l = q.get('l') || 'dataLayer';
  var dl = window[l] = window[l] || [];
  var f = window.__fake = window.__fake || {};
  f.gtag = (f.gtag || 0) + 1;
  var consent = {}, ids = [];
  function cookie(name, value, days) {
    var p = location.hostname.split('.');
    for (var i = p.length - 1; i >= 0; i--) {
      var dom = p.slice(i).join('.');
      document.cookie = name + '=' + value + '; path=/; max-age=' + days * 86400 + '; domain=' + dom;
      if (document.cookie.indexOf(name + '=' + value) >= 0) return;
    }
    document.cookie = name + '=' + value + '; path=/; max-age=' + days * 86400;
  }
  function hit(id, en) {
    if (window['ga-disable-' + id] === true) { (f.disabledHits = f.disabledHits || []).push(id); return; }
    var granted = consent.analytics_storage === 'granted';
    if (granted) {
      cookie('_ga', 'GA1.1.1234567890.1700000000', 400);
      cookie('_ga_' + id.slice(2), 'GS1.1.1700000000.1.0.1700000000.0.0.0', 400);
      cookie('_gid', 'GA1.1.987654321.1700000000', 1);
    }
    new Image().src = 'https://www.google-analytics.com/g/collect?v=2&tid=' + id + '&en=' + en + '&gcs=' + (granted ? 'G101' : 'G100');
  }
  function cmd(a) {
    if (!a || typeof a.length != 'number' || typeof a == 'string') return;
    if (a[0] == 'consent' && a[2]) for (var k in a[2]) consent[k] = a[2][k];
    if (a[0] == 'config') { ids.push(a[1]); hit(a[1], 'page_view'); }
    if (a[0] == 'event') for (var i = 0; i < ids.length; i++) hit(ids[i], a[1]);
  }
  for (var i = 0; i < dl.length; i++) cmd(dl[i]);
  var push = dl.push;
  dl.push = function () { for (var i = 0; i < arguments.length; i++) cmd(arguments[i]); return push.apply(dl, arguments); };
  if (q.get('cx') == 'c') { ids.push(q.get('id')); hit(q.get('id'), 'page_view'); }
})();`

const fakeGTM = `(function () {
  var s = document.currentScript, q = new URL(s.src || s.href.baseVal).searchParams, l = q.get('l') || 'dataLayer';
  var dl = window[l] = window[l] || [];
  var f = window.__fake = window.__fake || {};
  f.gtm = (f.gtm || 0) + 1;
  f.gtmEvents = f.gtmEvents || [];
  function ev(e) { if (e && typeof e == 'object' && e.event) f.gtmEvents.push(e.event); }
  for (var i = 0; i < dl.length; i++) ev(dl[i]);
  var push = dl.push;
  dl.push = function () { for (var i = 0; i < arguments.length; i++) ev(arguments[i]); return push.apply(dl, arguments); };
  // The container's one tag, a Google tag for GA4, loaded as GTM loads it.
  var s = document.createElement('script'), first = document.getElementsByTagName('script')[0];
  s.async = true;
  s.src = 'https://www.googletagmanager.com/gtag/js?id=G-DOUIGTM01&l=' + l + '&cx=c';
  first.parentNode.insertBefore(s, first);
})();`

const fakeMatomo = `(function () {
  var p = window._paq = window._paq || [], f = window.__fake = window.__fake || {}, url = '', site = '', views = 0;
  f.matomo = (f.matomo || 0) + 1;
  function cmd(a) {
    if (a[0] == 'setTrackerUrl') url = a[1];
    if (a[0] == 'setSiteId') site = a[1];
    if (a[0] == 'trackPageView') views++;
  }
  function send() {
    for (; views > 0 && url && site; views--) {
      document.cookie = '_pk_id.' + site + '.d0e1=a1b2c3d4e5f60718.1700000000.; path=/; max-age=' + 393 * 86400;
      document.cookie = '_pk_ses.' + site + '.d0e1=1; path=/; max-age=1800';
      new Image().src = url + '?idsite=' + site + '&rec=1&action_name=' + encodeURIComponent(document.title);
    }
  }
  for (var i = 0; i < p.length; i++) cmd(p[i]);
  send();
  window._paq = { push: function () { for (var i = 0; i < arguments.length; i++) cmd(arguments[i]); send(); } };
})();`

func (v *vendors) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := strings.Cut(r.Host, ":")
	v.record(r.URL, host)
	w.Header().Set("Cache-Control", "no-store")
	js := func(s string) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, s)
	}
	switch p := r.URL.Path; {
	case host == "www.googletagmanager.com" && p == "/gtag/js":
		js(fakeGtag)
	case host == "www.googletagmanager.com" && p == "/gtm.js":
		js(fakeGTM)
	case host == "cdn.matomo.cloud" && strings.HasSuffix(p, "/matomo.js"):
		js(fakeMatomo)
	case strings.HasPrefix(p, "/embed/"):
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>video</title><p>video</p><script src="/s/player/doui/player.js"></script>`)
	case strings.HasPrefix(p, "/s/player/"):
		js(`document.body.dataset.player = 'ready';`)
	default:
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	}
}

// vendorHosts are the names the fake answers for (the resolver rules of
// browserFlags map them to 127.0.0.3).
var vendorHosts = []string{"www.googletagmanager.com", "www.google-analytics.com", "www.youtube.com", "www.youtube-nocookie.com", "cdn.matomo.cloud"}

// vendorAddr is fixed: the snippets say https://host/ with no port. Port 443
// needs root (which the test machine has) or CAP_NET_BIND_SERVICE; another
// test binary holding it is waited for.
const vendorAddr = "127.0.0.3:443"

func startVendors(t *testing.T) *vendors {
	t.Helper()
	v := &vendors{}
	cert := testkit.SelfSigned(t, vendorHosts)
	var ln net.Listener
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var err error
		ln, err = net.Listen("tcp", vendorAddr)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			t.Fatalf("fake vendors need %s: %v", vendorAddr, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	srv := &http.Server{Handler: v, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { srv.Close() })
	return v
}

// trackerSite serves testdata/trackers/*.html on www.site.localhost with
// {{DOUI}} and {{LANG}} filled in.
type trackerSite struct {
	URL  string // http://www.site.localhost:port
	doui *douiServer
	v    *vendors
}

func newTrackerSite(t *testing.T) *trackerSite {
	t.Helper()
	s := &trackerSite{doui: startDoui(t, trackersPolicy), v: startVendors(t)}
	origin := serveOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Path)
		data, err := os.ReadFile(filepath.Join("testdata", "trackers", name))
		if err != nil || !strings.HasSuffix(name, ".html") {
			http.NotFound(w, r)
			return
		}
		lang := r.URL.Query().Get("lang")
		if lang == "" {
			lang = "ja"
		}
		page := strings.NewReplacer("{{DOUI}}", s.doui.URL, "{{LANG}}", lang).Replace(string(data))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, page)
	}))
	_, port, _ := strings.Cut(strings.TrimPrefix(origin, "http://"), ":")
	s.URL = "http://www.site.localhost:" + port
	return s
}

// tab is a fresh Chromium that accepts the fake vendors' certificate and
// answers Matomo Cloud's tracking endpoint, counting it with the rest.
func (s *trackerSite) tab(t *testing.T) context.Context {
	t.Helper()
	ctx := browser(t)
	hits := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for e, err := range hits {
			if err != nil {
				return
			}
			if u, err := url.Parse(e.Request.URL); err == nil {
				s.v.record(u, u.Hostname())
			}
			chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: 204})
		}
	}()
	run(t, ctx,
		send(security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true}),
		send(fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*://doui-demo.matomo.cloud/*"}}}),
	)
	t.Cleanup(func() { t.Logf("requests per host: %v", s.v.byHost()) })
	return ctx
}

// open loads a page and waits until it is quiet: the checks after it are
// mostly that nothing was requested.
func (s *trackerSite) open(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(s.URL+"/"+page), quiet())
}

// prefs opens the preferences from the page's own link, sets each listed
// category's toggle and saves. A save that withdraws a category whose
// scripts ran reloads the page; then it waits for the new page's doui and
// until that page is quiet. Otherwise the caller waits for what it expects.
func prefs(t *testing.T, ctx context.Context, set map[string]bool, reloads bool) {
	t.Helper()
	// A script click: a mouse click at coordinates can land on a video
	// frame that the layout just moved under the link.
	run(t, ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('footer [data-doui-action="preferences"]').click()`),
		chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)),
	)
	for cat, on := range set {
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => { const i = document.querySelector('input[data-doui-category="`+cat+`"]'); if (i.checked !== `+fmt.Sprint(on)+`) i.click(); })()`))
	}
	if reloads {
		run(t, ctx, markPage())
	}
	run(t, ctx, click(`[data-doui="preferences"] [data-doui-action="save"]`))
	if reloads {
		waitReloaded(t, ctx)
		run(t, ctx, quiet())
	}
}

// evalJSON evaluates JSON.stringify(expr) in the page and decodes it into a T.
func evalJSON[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	s := eval[string](t, ctx, `JSON.stringify(`+expr+`)`)
	var out T
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("%s: %v (%s)", expr, err, s)
	}
	return out
}

// consentCalls lists the dataLayer's gtag('consent', …) calls and every
// other entry as its first element or event name, in order.
func dataLayerSummary(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return evalJSON[[]string](t, ctx, `(window.dataLayer || []).map(e => {
		if (e && typeof e.length == 'number') {
			const a = Array.from(e);
			if (a[0] === 'consent') return 'consent ' + a[1] + ' analytics_storage=' + a[2].analytics_storage;
			return String(a[0]);
		}
		return 'event ' + (e && e.event);
	})`)
}

// rejectAll clicks the banner's "reject all" and waits until the refusal is
// stored, so that the next page knows it.
func rejectAll(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="reject-all"]`))
	if !eventually(func() bool { return stored(t, ctx, "r") }) {
		t.Fatalf("no refusal stored: cookies %v", cookies(t, ctx))
	}
}

func gaCookies(c map[string]string) []string {
	var out []string
	for k := range c {
		if k == "_ga" || k == "_gid" || strings.HasPrefix(k, "_ga_") || strings.HasPrefix(k, "_pk_") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func gaDisabled(t *testing.T, ctx context.Context) map[string]bool {
	t.Helper()
	return evalJSON[map[string]bool](t, ctx, `{"G-DOUITEST1": window['ga-disable-G-DOUITEST1'] === true, "G-DOUIGTM01": window['ga-disable-G-DOUIGTM01'] === true}`)
}

// TestGA4Snippet: Consent Mode defaults first, ga-disable set, nothing
// from Google before consent or after reject; one gtag.js and one hit with
// analytics_storage granted after accept; after withdrawal the cookies are
// gone on every domain and stay gone, and nothing is requested again.
func TestGA4Snippet(t *testing.T) {
	s := newTrackerSite(t)
	ctx := s.tab(t)
	s.open(t, ctx, "ga4.html")

	first := evalJSON[[]any](t, ctx, `Array.from(window.dataLayer[0])`)
	want := map[string]any{"ad_personalization": "denied", "ad_storage": "denied", "ad_user_data": "denied", "analytics_storage": "denied",
		"functionality_storage": "denied", "personalization_storage": "denied", "security_storage": "granted", "wait_for_update": 500.0}
	if len(first) != 3 || first[0] != "consent" || first[1] != "default" || fmt.Sprint(first[2]) != fmt.Sprint(want) {
		t.Errorf("dataLayer[0]: got %v, want [consent default %v]", first, want)
	}
	if d := gaDisabled(t, ctx); !d["G-DOUITEST1"] || !d["G-DOUIGTM01"] {
		t.Errorf("ga-disable before consent: %v", d)
	}
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests before consent: %d %v", n, s.v.all())
	}

	rejectAll(t, ctx)
	s.open(t, ctx, "ga4.html")
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests after reject and reload: %d %v", n, s.v.all())
	}
	if got := dataLayerSummary(t, ctx); len(got) < 1 || got[0] != "consent default analytics_storage=denied" {
		t.Errorf("dataLayer after reject: %q", got)
	}

	prefs(t, ctx, map[string]bool{"analytics": true}, false)
	// The hit follows gtag.js: wait for it (a fixed wait lost it on a busy
	// machine), then check nothing more came.
	eventually(func() bool { return s.v.count("www.google-analytics.com/g/collect") >= 1 })
	run(t, ctx, quiet())
	if n := s.v.count("www.googletagmanager.com/gtag/js"); n != 1 {
		t.Errorf("gtag.js after accepting analytics: got %d want 1", n)
	}
	if n := s.v.count("www.google-analytics.com/g/collect"); n != 1 {
		t.Errorf("GA hits after accepting analytics: got %d want 1 (%v)", n, s.v.all())
	}
	for _, r := range s.v.all() {
		if strings.Contains(r, "/g/collect") && !strings.Contains(r, "gcs=G101") {
			t.Errorf("GA hit without analytics_storage granted: %s", r)
		}
	}
	got := dataLayerSummary(t, ctx)
	wantDL := []string{"consent default analytics_storage=denied", "consent update analytics_storage=denied", "event doui_consent_update",
		"consent update analytics_storage=granted", "event doui_consent_update", "js", "config"}
	if strings.Join(got, "|") != strings.Join(wantDL, "|") {
		t.Errorf("dataLayer order:\n got %q\nwant %q", got, wantDL)
	}
	if d := gaDisabled(t, ctx); d["G-DOUITEST1"] || d["G-DOUIGTM01"] {
		t.Errorf("ga-disable after accept: %v", d)
	}
	if c := gaCookies(cookies(t, ctx)); strings.Join(c, ",") != "_ga,_ga_DOUITEST1,_gid" {
		t.Fatalf("GA cookies after accept: %v", c)
	}
	if domain := eval[string](t, ctx, `(async () => (await cookieStore.get('_ga')).domain)()`, chromedp.EvalAwaitPromise); domain != "site.localhost" {
		t.Errorf("_ga domain: got %q, want site.localhost (GA's cookie_domain auto)", domain)
	}

	// Withdraw: scripts ran, so doui reloads; the new page must neither
	// load Google nor have its cookies.
	before := s.v.count("")
	prefs(t, ctx, map[string]bool{"analytics": false}, true)
	if c := gaCookies(cookies(t, ctx)); len(c) != 0 {
		t.Errorf("cookies after withdrawal: %v", c)
	}
	if d := gaDisabled(t, ctx); !d["G-DOUITEST1"] || !d["G-DOUIGTM01"] {
		t.Errorf("ga-disable after withdrawal: %v", d)
	}
	s.open(t, ctx, "ga4.html")
	if n := s.v.count(""); n != before {
		t.Errorf("vendor requests after withdrawal and reload: got %d new", n-before)
	}
	if c := gaCookies(cookies(t, ctx)); len(c) != 0 {
		t.Errorf("cookies on the next page: %v", c)
	}
	if got := dataLayerSummary(t, ctx); len(got) < 2 || got[0] != "consent default analytics_storage=denied" || got[1] != "consent update analytics_storage=denied" {
		t.Errorf("dataLayer on the next page: %q", got)
	}
}

// TestGTMSnippet: the container snippet, marked, loads nothing before
// consent; after it the container and the Google tag it injects load once
// and GTM sees doui_consent_update, both from before it loaded and live.
func TestGTMSnippet(t *testing.T) {
	s := newTrackerSite(t)
	ctx := s.tab(t)
	s.open(t, ctx, "gtm.html")
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests before consent: %v", s.v.all())
	}
	first := evalJSON[[]any](t, ctx, `Array.from(window.dataLayer[0])`)
	if len(first) != 3 || first[0] != "consent" || first[1] != "default" {
		t.Errorf("dataLayer[0]: %v", first)
	}
	rejectAll(t, ctx)
	s.open(t, ctx, "gtm.html")
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests after reject: %v", s.v.all())
	}

	prefs(t, ctx, map[string]bool{"analytics": true}, false)
	eventually(func() bool { return s.v.count("www.google-analytics.com/g/collect?v=2&tid=G-DOUIGTM01&") >= 1 })
	run(t, ctx, quiet())
	for path, want := range map[string]int{
		"www.googletagmanager.com/gtm.js?id=GTM-DOUITEST":         1,
		"www.googletagmanager.com/gtag/js?id=G-DOUIGTM01":         1,
		"www.google-analytics.com/g/collect?v=2&tid=G-DOUIGTM01&": 1,
		"www.googletagmanager.com/ns.html":                        0,
	} {
		if n := s.v.count(path); n != want {
			t.Errorf("%s: got %d want %d", path, n, want)
		}
	}
	if c := gaCookies(cookies(t, ctx)); strings.Join(c, ",") != "_ga,_ga_DOUIGTM01,_gid" {
		t.Errorf("GA cookies after accept: %v", c)
	}
	events := evalJSON[[]string](t, ctx, `window.__fake.gtmEvents`)
	if strings.Join(events, ",") != "doui_consent_update,doui_consent_update,gtm.js" {
		t.Errorf("events GTM saw in the dataLayer backlog: %q", events)
	}
	// A later decision reaches the running container as it happens.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.doui.accept('media')`))
	eventually(func() bool { return len(evalJSON[[]string](t, ctx, `window.__fake.gtmEvents`)) >= 4 })
	run(t, ctx, quiet())
	events = evalJSON[[]string](t, ctx, `window.__fake.gtmEvents`)
	if len(events) != 4 || events[3] != "doui_consent_update" {
		t.Errorf("GTM events after a live decision: %q", events)
	}
	granted := evalJSON[[]string](t, ctx, `window.dataLayer.filter(e => e.event === 'doui_consent_update').pop().doui_granted`)
	if strings.Join(granted, ",") != "necessary,analytics,media" {
		t.Errorf("doui_granted in the last doui_consent_update: %v", granted)
	}

	before := s.v.count("")
	prefs(t, ctx, map[string]bool{"analytics": false}, true)
	s.open(t, ctx, "gtm.html")
	if n := s.v.count(""); n != before {
		t.Errorf("vendor requests after withdrawal: %d new", n-before)
	}
	if c := gaCookies(cookies(t, ctx)); len(c) != 0 {
		t.Errorf("cookies after withdrawal: %v", c)
	}
}

// TestGTMUnmarked: an admin forgot data-consent on the container snippet.
// The snippet runs, but gtm.js comes from a listed host, so the loader
// holds it back; consent then runs it in place.
func TestGTMUnmarked(t *testing.T) {
	s := newTrackerSite(t)
	ctx := s.tab(t)
	s.open(t, ctx, "gtm-unmarked.html")
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests before consent: %v", s.v.all())
	}
	held := evalJSON[[]string](t, ctx, `[...document.querySelectorAll('script[data-consent]')].map(e => e.dataset.consent + ' ' + e.dataset.src)`)
	if len(held) != 1 || held[0] != "analytics https://www.googletagmanager.com/gtm.js?id=GTM-DOUITEST" {
		t.Errorf("held scripts: %q", held)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`))
	eventually(func() bool { return s.v.count("www.google-analytics.com/g/collect") >= 1 })
	run(t, ctx, quiet())
	if n := s.v.count("www.googletagmanager.com/gtm.js"); n != 1 {
		t.Errorf("gtm.js after accept: got %d want 1", n)
	}
	if n := s.v.count("www.googletagmanager.com/gtag/js?id=G-DOUIGTM01"); n != 1 {
		t.Errorf("Google tag injected by the container: got %d want 1", n)
	}
	if n := s.v.count("www.google-analytics.com/g/collect"); n != 1 {
		t.Errorf("GA hits: got %d want 1", n)
	}
}

// TestBlockerHostNamedLikeAPrototypeKey: the blocker's host table (the
// server's "h", web/loader.js's hosts) has no prototype, so a page's host
// named "constructor" or "__proto__" is nobody's and loads; a subdomain of
// a listed host is still held. Elements go into a fragment: held or not,
// nothing is fetched.
func TestBlockerHostNamedLikeAPrototypeKey(t *testing.T) {
	s := newTrackerSite(t)
	ctx := s.tab(t)
	s.open(t, ctx, "gtm-unmarked.html")
	got := evalJSON[[]string](t, ctx, `(() => {
		const f = document.createDocumentFragment();
		return ['http://constructor/x.js', 'http://__proto__/x.js', 'https://sub.www.googletagmanager.com/x.js'].map(u => {
			const s = document.createElement('script');
			s.src = u;
			f.append(s);
			return s.getAttribute('data-consent') || '';
		});
	})()`)
	if want := []string{"", "", "analytics"}; !slices.Equal(got, want) {
		t.Errorf("data-consent of inserted scripts (constructor, __proto__, a subdomain of www.googletagmanager.com): got %q want %q", got, want)
	}
}

// TestYouTubeEmbed: placeholders in the visitor's language name YouTube and
// link to Google's policy; the button allows media and both videos load in
// place.
func TestYouTubeEmbed(t *testing.T) {
	for _, tc := range []struct{ lang, text, button, link string }{
		{"ja", "このコンテンツはYouTube（Google LLC）から読み込まれます", "「動画の埋め込み」を許可して表示する", "提供者のプライバシーポリシー"},
		{"en", "This content is loaded from YouTube (Google LLC).", "Allow “Embedded videos” and show it", "provider's privacy policy"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			s := newTrackerSite(t)
			ctx := s.tab(t)
			s.open(t, ctx, "youtube.html?lang="+tc.lang)
			if n := s.v.count(""); n != 0 {
				t.Fatalf("vendor requests before consent: %v", s.v.all())
			}
			type ph struct {
				Parent, Lang, Text, Button, Link, Href string
				IframeHidden                           bool
			}
			phs := evalJSON[[]ph](t, ctx, `[...document.querySelectorAll('[data-doui="placeholder"]')].map(p => ({
				Parent: p.parentElement.id, Lang: p.lang, Text: p.querySelector('p').textContent,
				Button: p.querySelector('button').textContent, Link: p.querySelector('a') ? p.querySelector('a').textContent : '',
				Href: p.querySelector('a') ? p.querySelector('a').href : '', IframeHidden: p.nextElementSibling.hidden}))`)
			if len(phs) != 2 {
				t.Fatalf("placeholders: got %d want 2", len(phs))
			}
			for i, p := range phs {
				if p.Parent != fmt.Sprintf("v%d", i+1) || p.Lang != tc.lang || !strings.Contains(p.Text, tc.text) || p.Button != tc.button ||
					p.Link != tc.link || p.Href != "https://policies.google.com/privacy" || !p.IframeHidden {
					t.Errorf("placeholder %d: %+v", i, p)
				}
			}
			embeds := []string{"www.youtube.com/embed/aqz-KE-bpKQ?si=DouiTestShare01", "www.youtube-nocookie.com/embed/aqz-KE-bpKQ?si=DouiTestShare02"}
			run(t, ctx, click(`#v1 [data-doui="placeholder"] button`))
			eventually(func() bool { return s.v.count(embeds[0]) >= 1 && s.v.count(embeds[1]) >= 1 })
			run(t, ctx, quiet())
			for _, path := range embeds {
				if n := s.v.count(path); n != 1 {
					t.Errorf("%s after allow: got %d want 1", path, n)
				}
			}
			state := evalJSON[[]string](t, ctx, `[...document.querySelectorAll('iframe')].map(f => f.parentElement.id + ' ' + f.hidden + ' ' + f.src)`)
			if strings.Join(state, "|") != "v1 false https://www.youtube.com/embed/aqz-KE-bpKQ?si=DouiTestShare01|v2 false https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?si=DouiTestShare02" {
				t.Errorf("iframes after allow: %q", state)
			}
			if left := eval[int](t, ctx, `document.querySelectorAll('[data-doui="placeholder"]').length`); left != 0 {
				t.Errorf("placeholders left after allow: %d", left)
			}
			if s.v.count("www.googletagmanager.com") != 0 {
				t.Errorf("allowing media loaded analytics: %v", s.v.all())
			}

			// Each embed loads its player script: wait for both, so that a
			// late one is not counted against the withdrawal.
			players := func() (n int) {
				for _, r := range s.v.all() {
					if strings.Contains(r, "/s/player/") {
						n++
					}
				}
				return n
			}
			eventually(func() bool { return players() >= 2 })
			before := s.v.count("")
			prefs(t, ctx, map[string]bool{"media": false}, true)
			s.open(t, ctx, "youtube.html?lang="+tc.lang)
			if n := s.v.count(""); n != before {
				t.Errorf("vendor requests after withdrawal: %d new (all: %v)", n-before, s.v.all())
			}
		})
	}
}

// TestEmbedLanguageSwitch: after a language switch in the preferences, every
// embed placeholder is wholly in the new language (its sentence, the
// service's name, the button, the link, its lang), those built before the
// switch and one for a frame added after it, in the same box; and again
// after switching back. From a page in the language doui.js carries (ja),
// and from one in a language it fetches (en), whose way back is to the
// carried one.
func TestEmbedLanguageSwitch(t *testing.T) {
	texts := map[string][3]string{
		"ja": {"このコンテンツはYouTube（Google LLC）から読み込まれます", "「動画の埋め込み」を許可して表示する", "提供者のプライバシーポリシー"},
		"en": {"This content is loaded from YouTube (Google LLC).", "Allow “Embedded videos” and show it", "provider's privacy policy"},
	}
	for _, tc := range [][2]string{{"ja", "en"}, {"en", "ja"}} {
		t.Run(tc[0], func(t *testing.T) {
			s := newTrackerSite(t)
			ctx := s.tab(t)
			s.open(t, ctx, "youtube.html?lang="+tc[0])
			type ph struct {
				Parent, Lang, Text, Button, Link string
				Box                              string
				IframeHidden                     bool
			}
			read := func() []ph {
				return evalJSON[[]ph](t, ctx, `[...document.querySelectorAll('[data-doui="placeholder"]')].map(p => ({
					Parent: p.parentElement.id, Lang: p.lang, Text: p.querySelector('p').textContent,
					Button: p.querySelector('button').textContent, Link: p.querySelector('a') ? p.querySelector('a').textContent : '',
					Box: p.offsetWidth + 'x' + p.offsetHeight, IframeHidden: p.nextElementSibling.hidden}))`)
			}
			check := func(when, lang string, frames ...string) {
				t.Helper()
				want := texts[lang]
				got := read()
				if len(got) != len(frames) {
					t.Fatalf("%s: %d placeholders, want %d: %+v", when, len(got), len(frames), got)
				}
				for i, p := range got {
					if p.Parent != frames[i] || p.Lang != lang || !strings.Contains(p.Text, want[0]) || p.Button != want[1] || p.Link != want[2] ||
						p.Box != "560x315" || !p.IframeHidden {
						t.Errorf("%s: placeholder %d: %+v, want all in %s", when, i, p, lang)
					}
				}
			}
			check("at load", tc[0], "v1", "v2")
			switchTo := func(lang string) {
				run(t, ctx, click(`[data-doui-action="lang"][data-doui-lang="`+lang+`"]`))
				eventually(func() bool {
					return eval[string](t, ctx, `document.querySelector('[data-doui="preferences"]').lang`) == lang
				})
			}
			run(t, ctx, click(`[data-doui="banner"] [data-doui-action="preferences"]`), chromedp.WaitVisible(chromedp.CSS(`[data-doui="preferences"]`)))
			switchTo(tc[1])
			check("after the switch", tc[1], "v1", "v2")
			run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('main').insertAdjacentHTML('beforeend',
				'<div id="v3"><iframe data-consent="media" width="560" height="315" frameborder="0" data-src="https://www.youtube.com/embed/aqz-KE-bpKQ?si=DouiTestShare03"></iframe></div>')`))
			eventually(func() bool { return len(read()) == 3 })
			check("a frame added after the switch", tc[1], "v1", "v2", "v3")
			switchTo(tc[0])
			check("after switching back", tc[0], "v1", "v2", "v3")
			if n := s.v.count(""); n != 0 {
				t.Errorf("vendor requests without consent: %v", s.v.all())
			}
		})
	}
}

// TestMatomoSnippet: the Matomo Cloud code waits for analytics; its hit
// and cookies come after consent only, and go with withdrawal.
func TestMatomoSnippet(t *testing.T) {
	s := newTrackerSite(t)
	ctx := s.tab(t)
	s.open(t, ctx, "matomo.html")
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests before consent: %v", s.v.all())
	}
	if paq := eval[string](t, ctx, `typeof window._paq`); paq != "undefined" {
		t.Errorf("_paq before consent: %s (the snippet ran)", paq)
	}
	rejectAll(t, ctx)
	s.open(t, ctx, "matomo.html")
	if n := s.v.count(""); n != 0 {
		t.Fatalf("vendor requests after reject: %v", s.v.all())
	}
	prefs(t, ctx, map[string]bool{"analytics": true}, false)
	eventually(func() bool { return s.v.count("doui-demo.matomo.cloud/matomo.php") >= 1 })
	run(t, ctx, quiet())
	if n := s.v.count("cdn.matomo.cloud/doui-demo.matomo.cloud/matomo.js"); n != 1 {
		t.Errorf("matomo.js after accept: got %d want 1", n)
	}
	if n := s.v.count("doui-demo.matomo.cloud/matomo.php?idsite=1&rec=1"); n != 1 {
		t.Errorf("Matomo hits after accept: got %d want 1 (%v)", n, s.v.all())
	}
	if c := gaCookies(cookies(t, ctx)); strings.Join(c, ",") != "_pk_id.1.d0e1,_pk_ses.1.d0e1" {
		t.Errorf("Matomo cookies after accept: %v", c)
	}
	// A return visit with analytics granted: the snippet, let through,
	// inserts matomo.js before doui.js. It ran after doui.js, so the
	// placement warning must not name it.
	run(t, ctx, captureWarnings())
	hits := s.v.count("doui-demo.matomo.cloud/matomo.php")
	s.open(t, ctx, "matomo.html")
	eventually(func() bool { return s.v.count("doui-demo.matomo.cloud/matomo.php") > hits })
	run(t, ctx, waitReady(), quiet())
	if before := eval[bool](t, ctx, `[...document.scripts].findIndex(s => /matomo\.js/.test(s.src)) < [...document.scripts].findIndex(s => /\/doui\.js$/.test(s.src))`); !before {
		t.Errorf("matomo.js is not before doui.js: the return visit tests nothing: %s", eval[string](t, ctx, `[...document.scripts].map(s => s.src || s.type).join(" ")`))
	}
	if warns := eval[string](t, ctx, `__warns.join('\n')`); strings.Contains(warns, "before doui.js") {
		t.Errorf("placement warning on a correctly placed doui.js: %q", warns)
	}
	before := s.v.count("")
	prefs(t, ctx, map[string]bool{"analytics": false}, true)
	if c := gaCookies(cookies(t, ctx)); len(c) != 0 {
		t.Errorf("Matomo cookies after withdrawal: %v", c)
	}
	s.open(t, ctx, "matomo.html")
	if n := s.v.count(""); n != before {
		t.Errorf("vendor requests after withdrawal: %d new", n-before)
	}
}

// insertPaths are the ways inserted.html's plugin adds a script or a frame;
// it runs them while <head> is parsed ("head", scripts only) and again at
// DOMContentLoaded ("ready", frames too). One more is document.write.
var insertPaths = map[string][]string{
	"head": {"appendChild", "insertBefore", "replaceChild", "append", "prepend", "after", "before", "replaceWith",
		"insertAdjacentElement", "fragment", "wrapped", "srcProperty", "setAttribute", "setAttributeNS", "contextualFragment", "textAfter",
		"documentWrite", "writeSplit", "writeln"},
	"ready": {"appendChild", "insertBefore", "replaceChild", "append", "prepend", "after", "before", "replaceWith",
		"insertAdjacentElement", "fragment", "wrapped", "srcProperty", "setAttribute", "setAttributeNS", "contextualFragment", "textAfter",
		"innerHTML", "insertAdjacentHTML", "outerHTML", "replaceChildren", "rangeInsertNode", "shadowInnerHTML",
		"surroundContents", "setHTMLUnsafe", "friendlyFrame", "htmlFrame", "srcdoc", "svgScript", "lazyLoader"},
}

// TestAutoBlockInserted: scripts and frames that other scripts insert from
// a listed host, by any DOM path, make no request before consent or after
// reject, and each loads exactly once after accept.
func TestAutoBlockInserted(t *testing.T) {
	s := newTrackerSite(t)
	ctx := s.tab(t)
	s.open(t, ctx, "inserted.html")
	if got := s.v.via(); len(got) != 0 {
		t.Errorf("leaked before consent (path: requests): %v", got)
	}
	rejectAll(t, ctx)
	s.open(t, ctx, "inserted.html")
	if got := s.v.via(); len(got) != 0 {
		t.Errorf("leaked after reject: %v", got)
	}
	s.v.mu.Lock()
	s.v.reqs = nil
	s.v.mu.Unlock()
	want := map[string]int{}
	total := 0
	for when, paths := range insertPaths {
		for _, p := range paths {
			n := 1
			switch {
			case p == "wrapped":
				n = 2 // a script and a frame
			case when == "ready" && (p == "srcProperty" || p == "setAttribute" || p == "appendChild"):
				n = 2 // the script way and the frame way
			}
			want[when+"-"+p] = n
			total += n
		}
	}
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.doui.accept('analytics', 'media')`))
	// Held scripts run one after another, as the parser would run them.
	run(t, ctx, pollPage[chromedp.Void](`document.querySelectorAll('[data-consent][data-src]').length === 0`))
	eventually(func() bool {
		n := 0
		for _, v := range s.v.via() {
			n += v
		}
		return n >= total
	})
	run(t, ctx, quiet())
	got := s.v.via()
	for path, n := range want {
		if got[path] != n {
			t.Errorf("%s after accept: got %d requests want %d", path, got[path], n)
		}
		delete(got, path)
	}
	if len(got) != 0 {
		t.Errorf("unexpected requests: %v", got)
	}
	// Granted now: what is inserted from here on loads at once.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.body.append(Object.assign(document.createElement('iframe'), {src: 'https://www.youtube.com/embed/x?via=granted', title: 'v'}))`))
	eventually(func() bool { return s.v.via()["granted"] >= 1 })
	run(t, ctx, quiet())
	if n := s.v.via()["granted"]; n != 1 {
		t.Errorf("frame inserted after consent: got %d requests want 1", n)
	}
}
