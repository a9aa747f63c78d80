package scan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// facts is what a before-choice visit learns about the page itself.
type facts struct {
	Final  string
	Loader string
	HTML   []byte
	Links  []string
}

// errNotHTML marks a page that answered with something else than HTML.
var errNotHTML = errors.New("not an HTML page")

// visit loads pageURL in t, a fresh tab, and carries out phase on it; it
// closes t. ctx bounds the visit. The facts are filled in for BeforeChoice
// only.
func visit(ctx context.Context, t *tab, pageURL string, phase Phase) (Visit, *facts, error) {
	defer t.cancel()
	v := Visit{Page: pageURL, Phase: phase}
	rec := t.rec
	// The tab's own context carries the browser and the target; ctx's end
	// (the page's time limit, an interrupt) ends it too.
	tctx, cancel := context.WithCancelCause(t.ctx)
	defer cancel(nil)
	stop := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	defer stop()
	status, mime, final, err := load(tctx, rec, pageURL)
	if err != nil {
		return v, nil, ctxErr(ctx, err)
	}
	switch {
	case status >= 400:
		return v, nil, fmt.Errorf("load %s: HTTP %d", pageURL, status)
	case mime != "text/html" && mime != "application/xhtml+xml":
		return v, nil, fmt.Errorf("load %s: %w (%s)", pageURL, errNotHTML, mime)
	}
	if err := rec.waitSettled(tctx); err != nil {
		return v, nil, ctxErr(ctx, fmt.Errorf("load %s: %w", pageURL, err))
	}
	// doui's loader puts the banner in after the page's first frame, which
	// a busy machine may paint after the network has settled: a page with
	// the loader gets up to bannerWait for it.
	_, err = chromedp.Run(tctx, chromedp.Poll[bool](`!window.__doui || !!window.__doui.root`,
		chromedp.WithPollingInterval(pollEvery), chromedp.WithPollingTimeout(bannerWait)))
	if err != nil && !errors.Is(err, chromedp.ErrPollingTimeout) {
		return v, nil, ctxErr(ctx, fmt.Errorf("read %s: %w", pageURL, err))
	}
	hasBanner, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`!!document.querySelector('[data-doui="banner"]')`))
	if err != nil {
		return v, nil, ctxErr(ctx, fmt.Errorf("read %s: %w", pageURL, err))
	}

	var f *facts
	if phase == BeforeChoice {
		if f, err = readFacts(tctx, rec, final); err != nil {
			return v, nil, ctxErr(ctx, fmt.Errorf("read %s: %w", pageURL, err))
		}
	} else {
		if !hasBanner {
			v.Skipped = "no doui banner on this page: nothing to click"
			return v, nil, nil
		}
		rec.markPhase()
		if v.Note, err = choose(tctx, phase); err != nil {
			return v, nil, ctxErr(ctx, fmt.Errorf("%s on %s: %w", phase, pageURL, err))
		}
		if err := rec.waitSettled(tctx); err != nil {
			return v, nil, ctxErr(ctx, fmt.Errorf("%s on %s: %w", phase, pageURL, err))
		}
	}
	for _, r := range rec.phaseRequests() {
		if !sameSite(r.Host, hostOf(final)) {
			v.Requests = append(v.Requests, r)
		}
	}
	if err := readState(tctx, &v, hostOf(final)); err != nil {
		return v, nil, ctxErr(ctx, fmt.Errorf("read %s: %w", pageURL, err))
	}
	return v, f, nil
}

// choose clicks "reject all" or "accept all" in doui's banner with real
// input events (doui takes no choice from el.click()), then waits until
// the engine has carried it out: it writes the record (cookie, or its
// localStorage mirror) after it has inserted what the choice activates,
// so from then on every request the choice causes has started. It returns
// a note when the engine did not get there in time.
func choose(ctx context.Context, phase Phase) (string, error) {
	action := map[Phase]string{AfterReject: "reject-all", AfterAccept: "accept-all"}[phase]
	sel := chromedp.CSS(`[data-doui="banner"] [data-doui-action="` + action + `"]`)
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
		return "", fmt.Errorf("click %s in doui's banner: %w", action, err)
	}
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](recordedJS,
		chromedp.WithPollingInterval(pollEvery), chromedp.WithPollingTimeout(engineWait)))
	switch {
	case errors.Is(err, chromedp.ErrPollingTimeout):
		return fmt.Sprintf("doui's engine did not record the choice within %s of the click: what it would activate is not seen", engineWait), nil
	case err != nil:
		return "", fmt.Errorf("wait for doui's engine: %w", err)
	}
	failed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String((window.__doui && window.__doui.failed) || '')`))
	if err == nil && failed != "" {
		return "doui's engine failed to start (" + failed + "): what it would activate is not seen", nil
	}
	return "", nil
}

// recordedJS is true once the engine is up and has stored the visitor's
// record, or has failed to start.
const recordedJS = `(function () {
  if (window.__doui && window.__doui.failed) return true;
  if (!(window.doui && window.doui.ready === true)) return false;
  if (/(^|;\s*)(__Host-)?doui=/.test(document.cookie)) return true;
  try { return !!localStorage.getItem('doui'); } catch (e) { return false; }
})()`

// readFacts reads the page's final URL, doui's loader, the links and the
// HTML as the server sent it.
func readFacts(ctx context.Context, rec *recorder, final string) (*facts, error) {
	f := &facts{Final: final}
	var err error
	if f.Loader, err = chromedp.Run(ctx, chromedp.Evaluate[string](
		`String((window.__doui && window.__doui.s && window.__doui.s.src) || '')`)); err != nil {
		return nil, fmt.Errorf("find doui's loader: %w", err)
	}
	if f.Links, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('a[href]'), function (a) { return a.href; })`)); err != nil {
		return nil, fmt.Errorf("read links: %w", err)
	}
	rec.mu.Lock()
	doc := rec.doc
	rec.mu.Unlock()
	body, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: doc})
	if err != nil {
		return nil, fmt.Errorf("read the HTML: %w", err)
	}
	f.HTML = body.Body
	return f, nil
}

// heldJS lists the elements doui still holds back: marked ones not yet
// activated, and those its host blocker parked.
const heldJS = `Array.from(document.querySelectorAll('[data-consent]'), function (e) {
  var t = e.tagName.toLowerCase(), u = '';
  if (t == 'script') { if (e.type == 'text/plain') u = e.getAttribute('data-src') || e.getAttribute('src') || ''; }
  else if (!e.getAttribute('src') && !e.getAttribute('href')) u = e.getAttribute('data-src') || e.getAttribute('data-href') || '';
  try { u = u ? new URL(u, location.href).href : ''; } catch (x) { u = ''; }
  return {url: u, category: e.getAttribute('data-consent') || '', tag: t};
}).filter(function (h) { return h.url; })`

const storageJS = `(function () {
  var out = [];
  [['local', 'localStorage'], ['session', 'sessionStorage']].forEach(function (a) {
    try { var s = window[a[1]]; for (var i = 0; i < s.length; i++) out.push({area: a[0], key: s.key(i)}); } catch (e) {}
  });
  return out;
})()`

// readState fills in what a settled visit holds: held elements, storage
// keys and the cookies of its browser context.
func readState(ctx context.Context, v *Visit, pageHost string) error {
	type heldElement struct {
		URL      string `json:"url"`
		Category string `json:"category"`
		Tag      string `json:"tag"`
	}
	held, err := chromedp.Run(ctx, chromedp.Evaluate[[]heldElement](heldJS))
	if err != nil {
		return fmt.Errorf("list held elements: %w", err)
	}
	for _, h := range held {
		if u, err := url.Parse(h.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			v.Held = append(v.Held, Request{Host: strings.ToLower(u.Hostname()), URL: u.Scheme + "://" + u.Host + u.EscapedPath(), Type: h.Tag, Category: h.Category})
		}
	}
	if v.Storage, err = chromedp.Run(ctx, chromedp.Evaluate[[]StorageKey](storageJS)); err != nil {
		return fmt.Errorf("list storage keys: %w", err)
	}
	c := chromedp.FromContext(ctx)
	res, err := chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{BrowserContextID: c.BrowserContextID})
	if err != nil {
		return fmt.Errorf("list cookies: %w", err)
	}
	now := float64(time.Now().Unix())
	for _, ck := range res.Cookies {
		out := Cookie{Name: ck.Name, Domain: ck.Domain, Path: ck.Path, Secure: ck.Secure, HTTPOnly: ck.HTTPOnly, SameSite: string(ck.SameSite)}
		if !ck.Session && ck.Expires > now {
			out.LifetimeDays = int(math.Ceil((ck.Expires - now) / 86400))
		}
		out.ThirdParty = !firstPartyCookie(ck.Domain, pageHost)
		v.Cookies = append(v.Cookies, out)
	}
	return nil
}

// ctxErr prefers the reason ctx ended (the page's time limit, an
// interrupt) over the error it caused.
func ctxErr(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		return fmt.Errorf("%w (%v)", cause, err)
	}
	return err
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}
