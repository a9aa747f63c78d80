package scan

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/doui-consent/doui/policyjson"
)

// fetcher gets files (robots.txt, sitemaps, a page's HTML, a policy)
// through the browser, so that they reach the site exactly as the pages
// do: the same resolver, proxy, certificates and -browser-arg flags. It
// navigates one tab of the default browser context, whose cookies the
// visits never see.
type fetcher struct {
	tab     context.Context
	rec     *recorder
	timeout time.Duration
}

// newFetcher opens the fetcher's tab; close it with cancel.
func newFetcher(browser context.Context, timeout time.Duration) (*fetcher, context.CancelFunc, error) {
	rec := newRecorder()
	tab, cancel, err := openTab(browser, rec, false)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return &fetcher{tab: tab, rec: rec, timeout: timeout}, cancel, nil
}

// get returns the HTTP status of u and, for a 200, the body as the server
// sent it.
func (f *fetcher) get(u string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(f.tab, f.timeout)
	defer cancel()
	status, _, _, err := load(ctx, f.rec, u)
	if err != nil {
		return 0, nil, fmt.Errorf("fetch: %w", err)
	}
	if status != 200 {
		return int(status), nil, nil
	}
	f.rec.mu.Lock()
	doc := f.rec.doc
	f.rec.mu.Unlock()
	body, err := chromedp.Call(ctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: doc})
	if err != nil {
		return int(status), nil, fmt.Errorf("fetch %s: read the body: %w", u, err)
	}
	return int(status), body.Body, nil
}

// discoverPolicy reads the policy served beside the doui.js that page
// loads (doui serve and doui export both put policy.json there). The
// loader is found in the page's HTML as a script named doui.js or
// doui.LANG.js, which is how README tells admins to add it.
func (f *fetcher) discoverPolicy(page string) (*policyjson.Policy, string, error) {
	status, html, err := f.get(page)
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("find the policy: %w", err)
	case status != 200:
		return nil, "", fmt.Errorf("find the policy: %s answered HTTP %d", page, status)
	}
	base, err := url.Parse(page)
	if err != nil {
		return nil, "", fmt.Errorf("find the policy: %w", err)
	}
	var loader *url.URL
	for _, t := range parseHTML(html).tags {
		if t.Name != "script" || t.Attrs["src"] == "" {
			continue
		}
		u, err := base.Parse(t.Attrs["src"])
		if err == nil && isLoaderName(path.Base(u.Path)) {
			loader = u
			break
		}
	}
	if loader == nil {
		return nil, "", fmt.Errorf("find the policy: %s does not load doui.js, so it names no policy: give one with -policy FILE", page)
	}
	pu := loader.ResolveReference(&url.URL{Path: path.Join(path.Dir(loader.Path), "policy.json")})
	status, body, err := f.get(pu.String())
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("find the policy: %w", err)
	case status != 200:
		return nil, "", fmt.Errorf("find the policy: %s answered HTTP %d: give the policy with -policy FILE", pu, status)
	}
	p, err := policyjson.Parse(pu.String(), body)
	if err != nil {
		return nil, "", fmt.Errorf("the policy served beside doui.js is not valid:\n%w", err)
	}
	return p, pu.String(), nil
}

// isLoaderName reports whether a file name is doui's loader: doui.js, or
// doui.LANG.js for a language code like en or zh-Hant.
func isLoaderName(name string) bool {
	if name == "doui.js" {
		return true
	}
	lang, ok := strings.CutPrefix(name, "doui.")
	lang, ok2 := strings.CutSuffix(lang, ".js")
	if !ok || !ok2 || lang == "" || len(lang) > 12 {
		return false
	}
	for _, c := range lang {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}
