package scan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// browserNames are the commands tried on PATH when no -browser is given.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNoBrowser is returned when no Chromium or Chrome is found.
var ErrNoBrowser = errors.New("no Chromium or Chrome found on PATH (looked for " + strings.Join(browserNames, ", ") +
	"): install one (Debian and Ubuntu: apt-get install chromium; macOS: brew install --cask chromium) or give its path with -browser PATH")

// findBrowser returns the browser executable: path when given (a name on
// PATH or a file), else the first of browserNames on PATH.
func findBrowser(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("browser %s: %w", path, err)
		}
		return p, nil
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// startBrowser starts a headless Chromium with a fresh profile in dir and
// returns a context holding it; cancel stops it.
//
// Site isolation is off so that the requests of cross-site frames (an
// embedded player and what it loads) reach the page's own target, where
// they are recorded with the page's. The profile allows third-party
// cookies, as a normal Chrome window does, so that what an embed stores is
// seen. The sandbox is off because it needs privileges that CI containers
// and root lack; the pages are the admin's own site.
func startBrowser(ctx context.Context, exe string, args []string, dir string) (context.Context, context.CancelFunc, error) {
	if err := writePrefs(dir); err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.WindowSize(1280, 900),
	)
	features := map[string][]string{
		"disable-features": {"Translate", "BlinkGenPropertyTrees", "IsolateOrigins", "site-per-process"},
	}
	for _, a := range args {
		name, value, err := parseBrowserArg(a)
		if err != nil {
			return nil, nil, err
		}
		if name == "disable-features" || name == "enable-features" {
			// Chromium reads only the last of these switches, so a
			// -browser-arg adds to the scan's own list.
			features[name] = append(features[name], strings.Split(value.(string), ",")...)
			continue
		}
		opts = append(opts, chromedp.Flag(name, value))
	}
	for name, list := range features {
		opts = append(opts, chromedp.Flag(name, strings.Join(list, ",")))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	cancel := func() { cancelBrowser(); cancelAlloc() }
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("start browser %s: %w", exe, err)
	}
	return bctx, cancel, nil
}

// parseBrowserArg turns "--name=value" into a flag for the allocator, and
// "--name" into a switch.
func parseBrowserArg(a string) (string, any, error) {
	s, ok := strings.CutPrefix(a, "--")
	if !ok || s == "" || s[0] == '=' {
		return "", nil, fmt.Errorf("browser argument %q: write a Chromium switch like --host-resolver-rules=MAP example.com 127.0.0.1", a)
	}
	if name, value, ok := strings.Cut(s, "="); ok {
		return name, value, nil
	}
	return s, true, nil
}

// writePrefs writes the profile's preferences before the first start: the
// cookie controls of a normal window, where third-party cookies are
// allowed (headless Chromium blocks them by default).
func writePrefs(dir string) error {
	def := filepath.Join(dir, "Default")
	if err := os.MkdirAll(def, 0o700); err != nil {
		return fmt.Errorf("browser profile: %w", err)
	}
	prefs := `{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}`
	if err := os.WriteFile(filepath.Join(def, "Preferences"), []byte(prefs), 0o600); err != nil {
		return fmt.Errorf("browser profile: %w", err)
	}
	return nil
}
