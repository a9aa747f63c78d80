package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	firefoxAcceptWithdraw(t, "")
}

// TestFirefoxReadyAcceptWithdrawal: the same with the engine ready before
// the click, which then runs the held script and frame through the
// engine's armed path (web/start.js) in Firefox.
func TestFirefoxReadyAcceptWithdrawal(t *testing.T) {
	firefoxAcceptWithdraw(t, "ready")
}

func firefoxAcceptWithdraw(t *testing.T, mode string) {
	firefox := findFirefox(t)
	s := newSite(t, "")
	out, err := exec.Command("node", "firefox/withdraw.mjs", firefox, s.URL+"/", mode).CombinedOutput()
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

// TestFirefoxPreferences: in Firefox, the banner's "preferences" opens the
// dialog on its first choice (the choices' autofocus, which showModal
// follows), and the dialog switches to English (the language file brings
// the switch) and back to Japanese.
func TestFirefoxPreferences(t *testing.T) {
	firefox := findFirefox(t)
	s := newSite(t, "")
	out, err := exec.Command("node", "firefox/prefs.mjs", firefox, s.URL+"/?lang=ja").CombinedOutput()
	if err != nil {
		t.Fatalf("the Firefox flow failed: %v\n%s", err, out)
	}
	var got struct {
		OK    bool
		Steps []struct {
			Open               bool
			Lang, Title, Focus string
		}
	}
	line := out[bytes.LastIndexByte(bytes.TrimSpace(out), '\n')+1:]
	if err := json.Unmarshal(line, &got); err != nil || !got.OK || len(got.Steps) != 3 {
		t.Fatalf("the Firefox flow printed %s", out)
	}
	want := []string{
		"open ja Cookie の設定, focus on analytics",
		"open en Cookie settings, focus on en",
		"open ja Cookie の設定, focus on ja",
	}
	for i, st := range got.Steps {
		open := "closed"
		if st.Open {
			open = "open"
		}
		if g := fmt.Sprintf("%s %s %s, focus on %s", open, st.Lang, st.Title, st.Focus); g != want[i] {
			t.Errorf("step %d: the dialog is %q, want %q", i+1, g, want[i])
		}
	}
}

// findFirefox is Debian's firefox-esr (or a firefox) on PATH; the test
// fails without one (CI installs it: .ci/run).
func findFirefox(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"firefox-esr", "firefox"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Firefox: apt-get install firefox-esr (CI does: .ci/run)")
	return ""
}
