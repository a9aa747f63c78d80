package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestScanSite crawls the whole test site from its home page, with the
// policy found beside its doui.js, and checks every finding, what each
// phase of each page sent where, the cookies, the crawl's bounds, the
// 外部送信 view and the proposal.
func TestScanSite(t *testing.T) {
	s := startSite(t)
	r, err := Run(context.Background(), Options{URLs: []string{s.URL + "/"}, Browser: env.chromium, BrowserArgs: s.Args, Progress: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	r.WriteText(&text)
	t.Logf("report:\n%s", text.String())
	P := s.URL

	t.Run("policy found beside doui.js", func(t *testing.T) {
		if want := s.Doui + "/policy.json"; r.Policy != want {
			t.Errorf("policy: got %s, want %s", r.Policy, want)
		}
	})

	t.Run("pages", func(t *testing.T) {
		// /about is only in sitemap.xml; /private/ is disallowed by
		// robots.txt; the PDF is a file; the other site is elsewhere.
		want := []string{P + "/", P + "/about", P + "/gtm", P + "/matomo", P + "/media", P + "/news", P + "/pixel", P + "/widgets"}
		if !slices.Equal(r.Pages, want) {
			t.Errorf("pages:\ngot  %v\nwant %v", r.Pages, want)
		}
		wantSkipped := []Skip{
			{URL: P + "/files/annual.pdf", Reason: "a file (.pdf), not a page"},
			{URL: P + "/private/report", Reason: "robots.txt disallows it (-ignore-robots scans it)"},
		}
		if !slices.Equal(r.Skipped, wantSkipped) {
			t.Errorf("skipped:\ngot  %v\nwant %v", r.Skipped, wantSkipped)
		}
		for _, p := range s.servedPaths() {
			if strings.HasPrefix(p, "/private/") || strings.HasPrefix(p, "/files/") {
				t.Errorf("the site was asked for %s, which the scan must not fetch", p)
			}
		}
	})

	t.Run("findings", func(t *testing.T) {
		news := fmt.Sprintf("%s/news:%d:1", P, lineOf(t, "news.html", `<script async src="https://www.googletagmanager.com`))
		widget := fmt.Sprintf("%s/widgets:%d:1", P, lineOf(t, "widgets.html", `src="https://widgets.example.net`))
		want := []Finding{
			{Kind: KindLeak, Phase: BeforeChoice, Page: P + "/news", Host: "www.googletagmanager.com", Category: "analytics", Service: "google-analytics", Source: news},
			{Kind: KindUndeclaredHost, Phase: AfterAccept, Page: P + "/widgets", Host: "widgets.example.net", Source: widget},
			{Kind: KindUndeclaredCookie, Phase: AfterAccept, Page: P + "/", Cookie: "_gid"},
			{Kind: KindUnmarkedTag, Page: P + "/news", Host: "www.googletagmanager.com", Category: "analytics", Service: "google-analytics", Source: news},
			{Kind: KindUnseen, Service: "hotjar", Category: "analytics"},
		}
		var got []Finding
		for _, f := range r.Findings {
			if f.Detail == "" {
				t.Errorf("finding without detail: %s", f)
			}
			f.Detail = ""
			got = append(got, f)
		}
		if !slices.Equal(got, want) {
			t.Errorf("findings:\ngot%s\nwant%s", fmtFindings(got), fmtFindings(want))
		}
		if !r.Failed() {
			t.Error("Failed() is false with a leak and undeclared hosts")
		}
	})

	t.Run("requests by phase", func(t *testing.T) {
		// Hosts of other sites each visit sent requests to, doui's own
		// origin left out. Nothing before a choice but the unmarked tag,
		// nothing at all after "reject all".
		ga := []string{"www.google-analytics.com", "www.googletagmanager.com"}
		want := map[string][]string{
			"/ after-accept":       ga,
			"/gtm after-accept":    ga,
			"/media after-accept":  {"www.youtube-nocookie.com", "www.youtube.com"},
			"/matomo after-accept": {"cdn.matomo.cloud", "doui-demo.matomo.cloud"},
			"/pixel after-accept":  {"connect.facebook.net", "www.facebook.com"},
			"/news before-choice":  {"www.googletagmanager.com"},
			// /news after-accept: the engine may run the tag it found,
			// or not, depending on when it ran: left out.
			"/widgets after-accept": {"widgets.example.net"},
		}
		for _, v := range r.Visits {
			key := strings.TrimPrefix(v.Page, P) + " " + string(v.Phase)
			if key == "/news after-accept" {
				continue
			}
			if v.Skipped != "" || v.Note != "" {
				t.Errorf("%s: skipped %q, note %q", key, v.Skipped, v.Note)
			}
			var got []string
			for _, q := range v.Requests {
				if q.Host != "www.site.localhost" && q.Host != "127.0.0.1" && !slices.Contains(got, q.Host) {
					got = append(got, q.Host)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want[key]) {
				t.Errorf("%s: requests to %v, want %v (still held: %v)", key, got, want[key], v.Held)
			}
		}
	})

	t.Run("cookies by phase", func(t *testing.T) {
		want := map[string][]string{
			"/ after-accept":       {"_ga .site.localhost", "_ga_DOUITEST1 .site.localhost", "_gid .site.localhost"},
			"/gtm after-accept":    {"_ga .site.localhost", "_ga_DOUIGTM01 .site.localhost", "_gid .site.localhost"},
			"/media after-accept":  {"YSC .youtube.com third-party"},
			"/matomo after-accept": {"_pk_id.1.d0e1 www.site.localhost", "_pk_ses.1.d0e1 www.site.localhost"},
			"/pixel after-accept":  {"_fbp www.site.localhost"},
		}
		for _, v := range r.Visits {
			key := strings.TrimPrefix(v.Page, P) + " " + string(v.Phase)
			if key == "/news after-accept" {
				continue
			}
			var got []string
			for _, c := range v.Cookies {
				if c.Name == "doui" {
					if v.Phase == BeforeChoice {
						t.Errorf("%s: doui's record before any choice", key)
					}
					continue
				}
				s := c.Name + " " + c.Domain
				if c.ThirdParty {
					s += " third-party"
				}
				got = append(got, s)
			}
			slices.Sort(got)
			if !slices.Equal(got, want[key]) {
				t.Errorf("%s: cookies %v, want %v", key, got, want[key])
			}
		}
	})

	t.Run("外部送信", func(t *testing.T) {
		var got []string
		for _, d := range r.Destinations {
			row := d.Host + " " + d.Service
			if !d.Declared {
				row += " undeclared"
			} else if len(d.Sent) == 0 {
				t.Errorf("%s: no transmissions from the policy", d.Host)
			}
			got = append(got, row)
		}
		want := []string{"cdn.matomo.cloud matomo", "connect.facebook.net meta-pixel", "doui-demo.matomo.cloud matomo",
			"widgets.example.net  undeclared", "www.facebook.com meta-pixel", "www.google-analytics.com google-analytics",
			"www.googletagmanager.com google-analytics", "www.youtube-nocookie.com youtube", "www.youtube.com youtube"}
		if !slices.Equal(got, want) {
			t.Errorf("destinations:\ngot  %q\nwant %q", got, want)
		}
		if !strings.Contains(text.String(), "外部送信") || !strings.Contains(text.String(), "Google LLC") {
			t.Error("the text report has no 外部送信 view with the policy's recipients")
		}
	})

	t.Run("proposal", func(t *testing.T) {
		p := r.Proposal
		if p == nil {
			t.Fatal("no proposal")
		}
		var cats, svcs []string
		for _, c := range p.Categories {
			cats = append(cats, c.ID)
		}
		for _, s := range p.Services {
			svcs = append(svcs, fmt.Sprintf("%s %s %v %d cookies", s.ID, s.Category, s.Hosts, len(s.Cookies)))
		}
		if want := []string{"unknown"}; !slices.Equal(cats, want) {
			t.Errorf("proposed categories %v, want %v", cats, want)
		}
		want := []string{"google-analytics analytics [www.googletagmanager.com www.google-analytics.com] 3 cookies", "unknown-widgets-example-net unknown [widgets.example.net] 0 cookies"}
		if !slices.Equal(svcs, want) {
			t.Errorf("proposed services:\ngot  %q\nwant %q", svcs, want)
		}
		if p.Placeholders != 2 {
			t.Errorf("placeholders: got %d, want 2 (who runs widgets.example.net, and why)", p.Placeholders)
		}
	})

	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := r.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Pages    []string
			Findings []map[string]any
			Proposal map[string]any
		}
		dec := json.NewDecoder(&b)
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if dec.More() {
			t.Error("more than one JSON document")
		}
		if len(doc.Pages) != 8 || len(doc.Findings) != 5 || doc.Proposal == nil {
			t.Errorf("got %d pages, %d findings, proposal %v; want 8, 5 and one", len(doc.Pages), len(doc.Findings), doc.Proposal != nil)
		}
		for _, f := range doc.Findings {
			if _, has := f["cookie"]; has && f["kind"] != KindUndeclaredCookie {
				t.Errorf("a %s finding carries a cookie field: %v", f["kind"], f)
			}
		}
	})
}

// TestMaxPages stops the crawl at -max-pages: the start URL and the
// sitemap's first page, then a note of what was left.
func TestMaxPages(t *testing.T) {
	s := startSite(t)
	r, err := Run(context.Background(), Options{URLs: []string{s.URL + "/"}, Policy: nil, MaxPages: 2, Browser: env.chromium, BrowserArgs: s.Args})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{s.URL + "/", s.URL + "/about"}; !slices.Equal(r.Pages, want) {
		t.Errorf("pages: got %v, want %v", r.Pages, want)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "-max-pages 2 was reached") }) {
		t.Errorf("no note that -max-pages was reached: %q", r.Notes)
	}
	for _, p := range s.servedPaths() {
		if p == "/gtm" || p == "/news" {
			t.Errorf("the site served %s past -max-pages 2", p)
		}
	}
}

// scanCmd runs doui scan in-process and returns its status and output.
func scanCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Command(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func (s *testSite) cmdArgs(extra ...string) []string {
	args := []string{"-q", "-browser", env.chromium}
	for _, a := range s.Args {
		args = append(args, "-browser-arg", a)
	}
	return append(args, extra...)
}

func TestExitStatus(t *testing.T) {
	s := startSite(t)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
		out  string // in stdout for 0 and 1, in stderr for 2
	}{
		{"declared embeds and their third-party cookie exit 0", s.cmdArgs("-policy", s.Policy, "-max-pages", "1", s.URL+"/media"), nil, 0, "ok: 1 page scanned"},
		{"a leak exits 1", s.cmdArgs("-policy", s.Policy, "-max-pages", "1", s.URL+"/news"), nil, 1, "FAIL: 1 page scanned"},
		{"a page without doui gets one visit, and a note", s.cmdArgs("-policy", s.Policy, "-max-pages", "1", s.URL+"/plain"), nil, 0, "/plain: the after-reject and after-accept visits were skipped: no doui banner on this page"},
		{"no browser on PATH exits 2", []string{"-q", s.URL + "/"}, map[string]string{"PATH": t.TempDir()}, 2, "apt-get install chromium"},
		{"a browser that is not there exits 2", []string{"-q", "-browser", filepath.Join(t.TempDir(), "chromium"), s.URL + "/"}, nil, 2, "browser"},
		{"no page loads exits 2", s.cmdArgs("-policy", s.Policy, "http://127.0.0.1:1/"), nil, 2, "no page could be scanned: http://127.0.0.1:1/: load http://127.0.0.1:1/"},
		{"no policy beside a page without doui exits 2", s.cmdArgs(s.URL + "/plain"), nil, 2, "does not load doui.js, so it names no policy: give one with -policy FILE"},
		{"an invalid policy exits 2", s.cmdArgs("-policy", "testdata/broken-policy.json", s.URL+"/"), nil, 2, "testdata/broken-policy.json:"},
		{"a bad flag exits 2", []string{"-max-pages", "0", s.URL + "/"}, nil, 2, "-max-pages 0"},
		{"no URL exits 2", []string{"-q"}, nil, 2, "no URL to scan"},
		{"a bad URL exits 2", s.cmdArgs("-policy", s.Policy, "www.site.localhost"), nil, 2, `"www.site.localhost" is not a page address`},
		{"a bad browser argument exits 2", s.cmdArgs("-policy", s.Policy, "-browser-arg", "host-resolver-rules", s.URL+"/"), nil, 2, `browser argument "host-resolver-rules"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := scanCmd(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			got := stdout
			if tc.code == 2 {
				got = stderr
			}
			if !strings.Contains(got, tc.out) {
				t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", tc.out, stdout, stderr)
			}
		})
	}
}

// TestFix writes the proposal with -fix, checks it with doui check and
// scans again with it: nothing is undeclared any more.
func TestFix(t *testing.T) {
	s := startSite(t)
	out := filepath.Join(t.TempDir(), "fixed.json")
	pages := []string{s.URL + "/widgets", s.URL + "/"}
	code, stdout, stderr := scanCmd(t, s.cmdArgs(append([]string{"-policy", s.Policy, "-max-pages", "2", "-fix", out}, pages...)...)...)
	if code != 1 {
		t.Fatalf("first scan: exit status %d, want 1\n%s%s", code, stdout, stderr)
	}
	check := exec.Command(env.bin, "check", out)
	msg, err := check.CombinedOutput()
	t.Logf("doui check %s:\n%s", out, msg)
	if err != nil {
		t.Fatalf("doui check refuses the -fix output: %v", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(PlaceholderMark)) || !bytes.Contains(data, []byte(`"widgets.example.net"`)) || !bytes.Contains(data, []byte(`"_gid"`)) {
		t.Errorf("the -fix output lacks the placeholders, the widget host or _gid:\n%s", data)
	}
	code, stdout, stderr = scanCmd(t, s.cmdArgs(append([]string{"-policy", out, "-max-pages", "2"}, pages...)...)...)
	if code != 0 {
		t.Errorf("scan with the fixed policy: exit status %d, want 0\n%s%s", code, stdout, stderr)
	}
}
