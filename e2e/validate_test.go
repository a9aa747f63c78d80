package e2e

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/doui-consent/doui/e2e/testkit"
)

// TestMarkupValidates runs the Nu HTML checker (vnu-jar from npm, on Java)
// over what doui serves and what a visitor's browser ends up with: every
// page of the demo server as served, and the demo page's DOM once the
// banner is in it. Any error fails; warnings are the checker's advice.
func TestMarkupValidates(t *testing.T) {
	jar := filepath.Join("node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML checker is missing (%v): npm ci --prefix e2e", err)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatalf("no java for the Nu HTML checker: apt-get install default-jre-headless")
	}
	base := runDoui(t, testkit.FreeAddr(t, "127.0.0.1"), "-demo").URL
	dir := t.TempDir()
	files := map[string]string{} // file → what it is
	save := func(name, what, html string) {
		f := filepath.Join(dir, name+".html")
		if err := os.WriteFile(f, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		files[f] = what
	}
	pages := []string{"/", "/privacy", "/privacy?lang=en", "/admin"}
	for _, name := range []string{"ibaraki", "kantei", "mic", "mofa", "tokyo"} {
		pages = append(pages, "/demo/"+name, "/demo/"+name+"/privacy")
	}
	for i, p := range pages {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", p, resp.StatusCode, err)
		}
		save(strings.Repeat("p", i+1), p+" as served", string(body))
	}
	// The DOM with the banner and the preferences in it, as the browser
	// holds it after the loader ran.
	ctx := browser(t)
	for _, lang := range []string{"", "?lang=en"} {
		run(t, ctx, chromedp.Navigate(base+"/"+lang), waitSettled())
		dom := eval[string](t, ctx, `'<!DOCTYPE html>\n' + document.documentElement.outerHTML`)
		if !strings.Contains(dom, `data-doui="banner"`) {
			t.Fatalf("no banner in the DOM of /%s", lang)
		}
		save("dom"+strings.TrimPrefix(lang, "?lang="), "/"+lang+" in the browser, banner rendered", dom)
	}
	args := []string{"-jar", jar, "--errors-only", "--format", "gnu"}
	for f := range files {
		args = append(args, f)
	}
	out, err := exec.Command(java, args...).CombinedOutput()
	if len(out) > 0 || err != nil {
		report := string(out)
		for f, what := range files {
			report = strings.ReplaceAll(report, "\""+"file:"+f+"\"", what)
			report = strings.ReplaceAll(report, "file:"+f, what)
			report = strings.ReplaceAll(report, f, what)
		}
		t.Errorf("the Nu HTML checker reports errors (%v):\n%s", err, report)
	}
}
