package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFirefoxWithdrawalReload: in Firefox (Debian's firefox-esr, driven
// over WebDriver BiDi by puppeteer-core from e2e/node_modules), accept,
// then withdraw: the page reloads, and the held frame and the tracker
// script are not fetched again. Firefox restores a frame's last URL when a
// page reloads, so doui navigates to the page afresh instead.
func TestFirefoxWithdrawalReload(t *testing.T) {
	firefox, err := exec.LookPath("firefox-esr")
	if err != nil {
		if firefox, err = exec.LookPath("firefox"); err != nil {
			t.Fatal("no Firefox: apt-get install firefox-esr (CI does: .ci/run)")
		}
	}
	s := newSite(t, "")
	out, err := exec.Command("node", "firefox/withdraw.mjs", firefox, s.URL+"/").CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"ok":true`) {
		t.Fatalf("the Firefox flow failed: %v\n%s", err, out)
	}
	if n := s.tracker.count("/embed"); n != 1 {
		t.Errorf("held frame fetched %d times: want once, after accept, and not again after the withdrawal's reload (%s)", n, strings.TrimSpace(string(out)))
	}
	if n := s.tracker.count("/gtag/js"); n != 1 {
		t.Errorf("tracker script fetched %d times: want once", n)
	}
}
