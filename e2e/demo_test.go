package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDemo is what a new user sees after `make run`: the embedded demo
// policy, the fictional ministry's page under doui's own strict CSP, and
// the fake tracker on a second origin that only runs after consent.
func TestDemo(t *testing.T) {
	addr := freeAddr(t, "127.0.0.1")
	trackerAddr := freeAddr(t, "127.0.0.5")
	log := &syncBuffer{}
	cmd := exec.Command(env.bin, "serve", "-addr", addr, "-demo-tracker", trackerAddr)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("doui log:\n%s", log.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("doui did not come up: %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	ctx := browser(t)
	var status string
	run(t, ctx, chromedp.Navigate(base+"/"), waitReady(), settle(),
		chromedp.Text("#tracker-status", &status, chromedp.ByQuery))
	if !bannerVisible(t, ctx) {
		t.Fatal("demo: banner not visible")
	}
	if status != "OFF" {
		t.Fatalf("demo: tracker status before consent: got %q want OFF", status)
	}
	run(t, ctx, click(`[data-doui="banner"] [data-doui-action="accept-all"]`), settle(),
		chromedp.Text("#tracker-status", &status, chromedp.ByQuery))
	if status != "ON" {
		t.Errorf("demo: tracker status after accept: got %q want ON", status)
	}
	// Every example policy's page shows its banner too.
	for _, name := range []string{"tokyo", "kantei", "mic", "mofa", "ibaraki"} {
		var title string
		run(t, ctx, chromedp.Navigate(base+"/demo/"+name), waitReady(), settle(),
			chromedp.Text(`[data-doui="banner"] h2`, &title, chromedp.ByQuery))
		if !bannerVisible(t, ctx) || strings.TrimSpace(title) == "" {
			t.Errorf("/demo/%s: banner not shown (title %q)", name, title)
		}
	}
}
