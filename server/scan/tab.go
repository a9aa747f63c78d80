package scan

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// tab is an open tab whose network events rec records.
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
	rec    *recorder
}

// opener opens fresh tabs one ahead of need: opening one (a browser
// context and its renderer process) is the dearest step of a visit, so the
// next opens while the current visit waits for the network to settle.
// An opener belongs to one goroutine.
type opener struct {
	browser context.Context
	next    chan opened
}

type opened struct {
	t   *tab
	err error
}

func newOpener(browser context.Context) *opener {
	o := &opener{browser: browser}
	o.prepare()
	return o
}

func (o *opener) prepare() {
	ch := make(chan opened, 1)
	o.next = ch
	go func() {
		rec := newRecorder()
		ctx, cancel, err := openTab(o.browser, rec, true)
		if err != nil {
			cancel()
			ch <- opened{err: err}
			return
		}
		ch <- opened{t: &tab{ctx: ctx, cancel: cancel, rec: rec}}
	}()
}

// take returns a fresh tab, and starts opening the next.
func (o *opener) take() (*tab, error) {
	r := <-o.next
	o.prepare()
	return r.t, r.err
}

// close closes the tab opened ahead.
func (o *opener) close() {
	if r := <-o.next; r.t != nil {
		r.t.cancel()
	}
}

// openTab opens a tab whose network events rec records, in a fresh
// browser context when fresh. cancel closes the tab (and disposes of the
// browser context); call it even on an error.
func openTab(ctx context.Context, rec *recorder, fresh bool) (context.Context, context.CancelFunc, error) {
	opts := []chromedp.ContextOption{chromedp.WithListener(rec.listen)}
	if fresh {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	tctx, cancel := chromedp.NewContext(ctx, opts...)
	err := chromedp.Do(tctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return fmt.Errorf("enable network events: %w", err)
		}
		tree, err := cdp.Call(ctx, t, cdppage.GetFrameTree, cdp.Empty{})
		if err != nil {
			return fmt.Errorf("read the frame tree: %w", err)
		}
		rec.mu.Lock()
		rec.mainFrame = tree.FrameTree.Frame.ID
		rec.mu.Unlock()
		return nil
	}))
	if err != nil {
		return tctx, cancel, fmt.Errorf("open a tab: %w", err)
	}
	return tctx, cancel, nil
}

// load navigates the tab of ctx to u and returns the status, the MIME type
// and the final URL of the document it got.
func load(ctx context.Context, rec *recorder, u string) (int64, string, string, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		return 0, "", "", fmt.Errorf("load %s: %w", u, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.docStatus, rec.docMIME, rec.docURL, nil
}
