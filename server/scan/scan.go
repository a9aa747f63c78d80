package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/doui-consent/doui/policyjson"
)

// Options is what to scan and how.
type Options struct {
	// URLs are where the crawl starts; their origins bound it.
	URLs []string
	// Policy is held against the pages. Nil takes the policy.json served
	// beside the doui.js of the first start URL.
	Policy *policyjson.Policy
	// PolicyName says where Policy came from, for the report.
	PolicyName string
	// Browser is the Chromium or Chrome to run; "" finds one on PATH.
	Browser string
	// BrowserArgs are extra switches, each "--name=value" or "--name".
	BrowserArgs []string
	// MaxPages bounds the pages scanned (default 50); Parallel is the
	// number of pages scanned at once (default 2).
	MaxPages, Parallel int
	// PageTimeout bounds the three visits of one page (default 60s).
	PageTimeout time.Duration
	// IgnoreRobots scans pages robots.txt disallows. Start URLs are scanned
	// either way: they were asked for by name.
	IgnoreRobots bool
	// Progress receives a line per page scanned; nil is quiet.
	Progress io.Writer
}

// Run scans the site and holds it against the policy. An error means the
// scan could not run: no browser, no policy, no page loaded.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.MaxPages = cmp.Or(o.MaxPages, 50)
	o.Parallel = cmp.Or(o.Parallel, 2)
	o.PageTimeout = cmp.Or(o.PageTimeout, 60*time.Second)
	if len(o.URLs) == 0 {
		return nil, errors.New("no URL to scan")
	}
	var starts []*url.URL
	for _, s := range o.URLs {
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			return nil, fmt.Errorf("%q is not a page address: write a full URL such as https://www.example.go.jp/", s)
		}
		u.Fragment = ""
		starts = append(starts, u)
	}
	known, err := loadKnown()
	if err != nil {
		return nil, err
	}
	exe, err := findBrowser(o.Browser)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "doui-scan-")
	if err != nil {
		return nil, fmt.Errorf("browser profile: %w", err)
	}
	defer os.RemoveAll(dir)
	browser, stop, err := startBrowser(ctx, exe, o.BrowserArgs, dir)
	if err != nil {
		return nil, err
	}
	defer stop()

	f, closeFetcher, err := newFetcher(browser, o.PageTimeout)
	if err != nil {
		return nil, fmt.Errorf("start browser %s: %w", exe, err)
	}
	policy, policyName := o.Policy, cmp.Or(o.PolicyName, "the policy given")
	if policy == nil {
		if policy, policyName, err = f.discoverPolicy(starts[0].String()); err != nil {
			closeFetcher()
			return nil, err
		}
	}
	c := newCrawler(o, starts)
	c.plan(f)
	closeFetcher()
	a := newAnalysis(policy, known)
	pages := c.run(browser, a)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("scan interrupted: %w", err)
	}

	r := &Report{Policy: policyName, Skipped: c.skipped, Notes: c.notes}
	var firstErr string
	for _, p := range pages {
		if p.Err != "" {
			r.Skipped = append(r.Skipped, Skip{URL: p.URL, Reason: p.Err})
			firstErr = cmp.Or(firstErr, p.URL+": "+p.Err)
			continue
		}
		r.Pages = append(r.Pages, p.URL)
		r.Visits = append(r.Visits, p.Visits...)
		for _, v := range p.Visits {
			if v.Skipped != "" && v.Phase == AfterReject {
				r.Notes = append(r.Notes, fmt.Sprintf("%s: the after-reject and after-accept visits were skipped: %s", p.URL, v.Skipped))
			}
			if v.Note != "" {
				r.Notes = append(r.Notes, fmt.Sprintf("%s %s: %s", p.URL, v.Phase, v.Note))
			}
		}
	}
	if len(r.Pages) == 0 {
		return nil, fmt.Errorf("no page could be scanned: %s", cmp.Or(firstErr, "none found"))
	}
	slices.Sort(r.Pages)
	slices.SortStableFunc(r.Visits, func(x, y Visit) int {
		return cmp.Or(cmp.Compare(x.Page, y.Page), cmp.Compare(phaseOrder[x.Phase], phaseOrder[y.Phase]))
	})
	slices.SortStableFunc(r.Skipped, func(x, y Skip) int { return cmp.Compare(x.URL, y.URL) })
	r.Findings = a.finish()
	r.Destinations = a.destinations()
	prop, fixed, err := propose(policy, a)
	if err != nil {
		return nil, err
	}
	r.fixed = fixed
	if len(prop.Changes) > 0 {
		r.Proposal = prop
	}
	return r, nil
}

// crawler hands pages to the workers: the start URLs, then the sitemaps'
// pages, then the links found, same origin only, robots.txt permitting,
// up to MaxPages.
type crawler struct {
	o       Options
	starts  []*url.URL
	origins map[string]*robots // origin → its robots.txt (nil: none)

	mu      sync.Mutex
	wake    *sync.Cond
	queue   []string
	seen    map[string]bool
	started int
	active  int
	done    []*page
	skipped []Skip
	notes   []string
	began   time.Time
}

func newCrawler(o Options, starts []*url.URL) *crawler {
	c := &crawler{o: o, starts: starts, origins: map[string]*robots{}, seen: map[string]bool{}}
	c.wake = sync.NewCond(&c.mu)
	return c
}

// plan reads each start origin's robots.txt and sitemaps and fills the
// queue. What cannot be read is a note, not an error: a site may have
// neither file.
func (c *crawler) plan(f *fetcher) {
	for _, u := range c.starts {
		c.enqueue(u.String(), true)
	}
	for _, u := range c.starts {
		origin := u.Scheme + "://" + u.Host
		if _, done := c.origins[origin]; done {
			continue
		}
		rb, sitemaps, err := readRobots(f, origin)
		c.origins[origin] = rb
		if err != nil {
			c.notes = append(c.notes, err.Error())
		}
		for _, page := range readSitemaps(f, sitemaps, origin, &c.notes) {
			c.enqueue(page, false)
		}
	}
}

// readRobots fetches origin's robots.txt; sitemaps are the ones it names,
// or /sitemap.xml when it names none.
func readRobots(f *fetcher, origin string) (*robots, []string, error) {
	status, body, err := f.get(origin + "/robots.txt")
	if err != nil {
		return nil, []string{origin + "/sitemap.xml"}, fmt.Errorf("robots.txt of %s: %w", origin, err)
	}
	if status != 200 {
		return nil, []string{origin + "/sitemap.xml"}, nil
	}
	rb := parseRobots(string(body))
	if len(rb.sitemaps) == 0 {
		return rb, []string{origin + "/sitemap.xml"}, nil
	}
	return rb, rb.sitemaps, nil
}

// readSitemaps returns the pages of the sitemaps on origin, following one
// level of sitemap index. A missing sitemap is no error.
func readSitemaps(f *fetcher, maps []string, origin string, notes *[]string) []string {
	var pages []string
	for depth := 0; depth < 2 && len(maps) > 0; depth++ {
		var next []string
		for _, m := range maps {
			if !strings.HasPrefix(m, origin+"/") {
				continue
			}
			status, body, err := f.get(m)
			if err != nil || status != 200 {
				if err != nil {
					*notes = append(*notes, err.Error())
				}
				continue
			}
			sm, err := parseSitemap(body)
			if err != nil {
				*notes = append(*notes, fmt.Sprintf("sitemap %s: %v", m, err))
				continue
			}
			pages = append(pages, sm.pages...)
			next = append(next, sm.children...)
		}
		maps = next
	}
	return pages
}

// skipExt are the links that are files, not pages.
var skipExt = []string{".pdf", ".zip", ".gz", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".csv", ".txt", ".xml", ".json",
	".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".mp3", ".mp4", ".mov", ".webm", ".exe", ".dmg"}

// enqueue adds a page to scan, unless it is elsewhere, seen, a file or
// disallowed. The lock must be held, or the crawl not yet running.
func (c *crawler) enqueue(raw string, start bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return
	}
	u.Fragment = ""
	key := u.String()
	if c.seen[key] {
		return
	}
	origin := u.Scheme + "://" + u.Host
	if !slices.ContainsFunc(c.starts, func(s *url.URL) bool { return s.Scheme+"://"+s.Host == origin }) {
		return
	}
	c.seen[key] = true
	ext := strings.ToLower(path.Ext(u.Path))
	switch {
	case !start && slices.Contains(skipExt, ext):
		c.skipped = append(c.skipped, Skip{URL: key, Reason: "a file (" + ext + "), not a page"})
		return
	case !start && !c.o.IgnoreRobots && !c.origins[origin].allowed(u.RequestURI()):
		c.skipped = append(c.skipped, Skip{URL: key, Reason: "robots.txt disallows it (-ignore-robots scans it)"})
		return
	}
	c.queue = append(c.queue, key)
	c.wake.Broadcast()
}

// next returns the next page to scan, waiting while pages in progress may
// still add links; false when the crawl is over.
func (c *crawler) next(ctx context.Context) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.queue) == 0 && c.active > 0 && ctx.Err() == nil {
		c.wake.Wait()
	}
	if len(c.queue) == 0 || c.started >= c.o.MaxPages || ctx.Err() != nil {
		return "", false
	}
	u := c.queue[0]
	c.queue = c.queue[1:]
	c.started++
	c.active++
	return u, true
}

// finish records a scanned page, queues its links and holds the page
// against the policy (under the crawler's lock: an analysis is not safe
// for concurrent use).
func (c *crawler) finish(p *page, a *analysis) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active--
	c.done = append(c.done, p)
	for _, l := range p.Links {
		c.enqueue(l, false)
	}
	a.add(p)
	if w := c.o.Progress; w != nil {
		status := "ok"
		if p.Err != "" {
			status = "not scanned: " + p.Err
		}
		fmt.Fprintf(w, "doui scan: [%d/%d] %s %s (queued %d, findings so far %d, %s)\n",
			len(c.done), c.o.MaxPages, p.URL, status, len(c.queue), a.failures(), time.Since(c.began).Round(time.Second))
	}
	c.wake.Broadcast()
}

// run scans pages with Parallel workers until the queue is empty or
// MaxPages are done, and returns them in the order they finished.
func (c *crawler) run(browser context.Context, a *analysis) []*page {
	c.began = time.Now()
	// A cancelled browser context must wake the workers waiting for work.
	stop := context.AfterFunc(browser, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.wake.Broadcast()
	})
	defer stop()
	var wg sync.WaitGroup
	for range c.o.Parallel {
		wg.Go(func() {
			tabs := newOpener(browser)
			defer tabs.close()
			for {
				u, ok := c.next(browser)
				if !ok {
					return
				}
				c.finish(scanPage(browser, tabs, u, c.o.PageTimeout), a)
			}
		})
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.queue); n > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d more pages were found but not scanned: -max-pages %d was reached", n, c.o.MaxPages))
	}
	return c.done
}

// scanPage visits a page in its three phases, each in a fresh tab from
// tabs, within timeout.
func scanPage(browser context.Context, tabs *opener, u string, timeout time.Duration) *page {
	ctx, cancel := context.WithTimeoutCause(browser, timeout, fmt.Errorf("over the page time limit of %s (-timeout)", timeout))
	defer cancel()
	p := &page{URL: u}
	for _, ph := range phases {
		t, err := tabs.take()
		if err != nil {
			p.Err = fmt.Sprintf("open a tab for %s: %v", u, err)
			return p
		}
		v, f, err := visit(ctx, t, u, ph)
		if err != nil {
			p.Err = err.Error()
			if errors.Is(err, errNotHTML) {
				p.Err = "not an HTML page"
			}
			return p
		}
		if f != nil {
			p.Final, p.Loader, p.HTML, p.Links = f.Final, f.Loader, f.HTML, f.Links
		}
		p.Visits = append(p.Visits, v)
		if v.Skipped != "" {
			// Without a banner, the accept phase has nothing to click either.
			p.Visits = append(p.Visits, Visit{Page: u, Phase: AfterAccept, Skipped: v.Skipped})
			break
		}
	}
	return p
}
