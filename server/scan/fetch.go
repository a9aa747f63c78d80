package scan

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// fetch gets a file (robots.txt, a sitemap, a policy) through the browser,
// so that it reaches the site exactly as the pages do: the same resolver,
// proxy, certificates and -browser-arg flags. It returns the HTTP status
// and the body as the server sent it; a status of 0 means no response.
func fetch(ctx context.Context, u string) (int, []byte, error) {
	rec := newRecorder()
	tctx, cancel, err := openTab(ctx, rec, false, u)
	defer cancel()
	if err != nil {
		return 0, nil, fmt.Errorf("fetch: %w", err)
	}
	rec.mu.Lock()
	doc, status := rec.doc, rec.docStatus
	rec.mu.Unlock()
	if status != 200 {
		return int(status), nil, nil
	}
	body, err := chromedp.Call(tctx, network.GetResponseBody, network.GetResponseBodyParams{RequestID: doc})
	if err != nil {
		return int(status), nil, fmt.Errorf("fetch %s: read the body: %w", u, err)
	}
	return int(status), body.Body, nil
}
