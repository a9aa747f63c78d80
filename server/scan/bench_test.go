package scan

import (
	"context"
	"testing"
	"time"
)

// demoPages are the pages of `doui serve -demo` (make run): the ministry's
// page, its policy page and one page per example policy.
var demoPages = []string{"/", "/privacy", "/demo/demo", "/demo/ibaraki", "/demo/kantei", "/demo/mic", "/demo/mofa", "/demo/tokyo"}

func demoURLs(origin string) []string {
	urls := make([]string, len(demoPages))
	for i, p := range demoPages {
		urls[i] = origin + p
	}
	return urls
}

// TestDemoScansClean scans the demo's pages (its fake tracker off: it
// stands in for Google on 127.0.0.2, a host no policy can name) against
// the policy its doui.js serves: nothing leaks, nothing is undeclared.
func TestDemoScansClean(t *testing.T) {
	needBrowser(t)
	d := startDoui(t, "-demo", "-demo-tracker", "")
	r, err := Run(context.Background(), Options{URLs: demoURLs(d.URL), MaxPages: len(demoPages), Browser: env.chromium, Progress: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pages) != len(demoPages) {
		t.Errorf("scanned %d pages, want %d: %v", len(r.Pages), len(demoPages), r.Pages)
	}
	for _, f := range r.Findings {
		if f.Kind != KindUnseen {
			t.Errorf("the demo is not clean: %s", f)
		}
	}
	if r.Failed() {
		t.Error("Failed() is true for the demo")
	}
}

// BenchmarkScanDemo scans the demo's pages, its fake tracker on, and
// reports pages per minute and seconds per scan (budget: the demo in 60 s
// on a 2-core machine).
func BenchmarkScanDemo(b *testing.B) {
	needBrowser(b)
	d := startDoui(b, "-demo", "-demo-tracker", "127.0.0.2:0")
	pages := 0
	start := time.Now()
	for b.Loop() {
		r, err := Run(context.Background(), Options{URLs: demoURLs(d.URL), MaxPages: len(demoPages), Browser: env.chromium})
		if err != nil {
			b.Fatal(err)
		}
		pages += len(r.Pages)
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(pages)/elapsed.Minutes(), "pages/min")
	b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/scan")
}
