package scan

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
)

// Settling: a page has settled when no request has been in flight for
// quiet, or when nothing started or ended for idle although some request
// stays open (a long poll, a stalled beacon). Both are polled, never slept.
const (
	quiet      = 500 * time.Millisecond
	idle       = 2 * time.Second
	pollEvery  = 50 * time.Millisecond
	engineWait = 20 * time.Second // the engine's start after a click, at most
	bannerWait = 5 * time.Second  // doui's banner after the page settled, at most
)

// recorder collects the network events of one tab. listen runs on the
// tab's event loop, so it only records under the lock and never calls the
// browser.
type recorder struct {
	mu        sync.Mutex
	mainFrame cdp.FrameID
	doc       network.RequestID // the main frame's document
	docStatus int64
	docMIME   string
	docURL    string
	frames    map[cdp.FrameID]string // a frame's document URL
	reqs      []Request
	inflight  map[network.RequestID]bool
	last      time.Time
	// mark is where the current phase's requests start in reqs.
	mark int
}

func newRecorder() *recorder {
	return &recorder{frames: map[cdp.FrameID]string{}, inflight: map[network.RequestID]bool{}, last: time.Now()}
}

func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.inflight[e.RequestID] = true
		r.last = time.Now()
		if e.Type == network.ResourceTypeDocument {
			r.frames[e.FrameID] = e.Request.URL
			if e.FrameID == r.mainFrame && r.doc != e.RequestID {
				// A new document in the tab (a redirect keeps its id).
				r.doc, r.docStatus, r.docMIME, r.docURL = e.RequestID, 0, "", ""
			}
		}
		if req, ok := r.request(e); ok {
			r.reqs = append(r.reqs, req)
		}
	case *network.EventResponseReceived:
		if e.RequestID == r.doc {
			r.docStatus, r.docMIME, r.docURL = e.Response.Status, e.Response.MimeType, e.Response.URL
		}
	case *network.EventLoadingFinished:
		delete(r.inflight, e.RequestID)
		r.last = time.Now()
	case *network.EventLoadingFailed:
		delete(r.inflight, e.RequestID)
		r.last = time.Now()
	}
}

// request turns an event into a Request, and false for what is not a
// request over the network (data:, blob:, about:) .
func (r *recorder) request(e *network.EventRequestWillBeSent) (Request, bool) {
	u, err := url.Parse(e.Request.URL)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return Request{}, false
	}
	req := Request{Host: strings.ToLower(u.Hostname()), URL: u.Scheme + "://" + u.Host + u.EscapedPath(), Type: string(e.Type)}
	in := e.Initiator
	switch {
	case e.FrameID != r.mainFrame && e.Type != network.ResourceTypeDocument:
		req.Initiator, req.InitiatorURL = "frame", r.frames[e.FrameID]
	case in == nil:
	case in.Type == network.InitiatorTypeParser:
		req.Initiator, req.InitiatorURL = "parser", in.URL
		req.Line, req.Col = int(in.LineNumber)+1, int(in.ColumnNumber)+1
	case in.Type == network.InitiatorTypeScript:
		req.Initiator, req.InitiatorURL = "script", in.URL
		for st := in.Stack; st != nil && req.InitiatorURL == ""; st = st.Parent {
			for _, f := range st.CallFrames {
				if f.URL != "" {
					req.InitiatorURL, req.Line, req.Col = f.URL, int(f.LineNumber)+1, int(f.ColumnNumber)+1
					break
				}
			}
		}
	}
	return req, true
}

// settled reports whether the tab has settled (see quiet and idle).
func (r *recorder) settled(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	since := now.Sub(r.last)
	return len(r.inflight) == 0 && since >= quiet || since >= idle
}

// waitSettled polls until the tab settles or ctx ends.
func (r *recorder) waitSettled(ctx context.Context) error {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-t.C:
			if r.settled(now) {
				return nil
			}
		}
	}
}

// markPhase makes the requests recorded from now on the phase's own.
func (r *recorder) markPhase() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mark = len(r.reqs)
}

func (r *recorder) phaseRequests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs[r.mark:]...)
}
