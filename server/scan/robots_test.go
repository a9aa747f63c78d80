package scan

import (
	"net/url"
	"slices"
	"testing"
)

func TestRobots(t *testing.T) {
	const text = `# comments and unknown lines are ignored
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/open
Disallow: /*.cgi$
Disallow: /search*q=

Crawl-delay: 10
Sitemap: https://www.example.go.jp/sitemap-index.xml
`
	r := parseRobots(text)
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"/", true},
		{"/news/2025", true},
		{"/private/", false},
		{"/private/report", false},
		{"/private/open", true}, // the longer rule wins
		{"/private/opener", true},
		{"/form.cgi", false},
		{"/form.cgi?x=1", true}, // $ anchors the end
		{"/search?q=doui", false},
		{"/search", true},
		{"/robots.txt", true},
	} {
		if got := r.allowed(tc.path); got != tc.want {
			t.Errorf("allowed(%q): got %v, want %v", tc.path, got, tc.want)
		}
	}
	if len(r.sitemaps) != 1 || r.sitemaps[0] != "https://www.example.go.jp/sitemap-index.xml" {
		t.Errorf("sitemaps: got %q", r.sitemaps)
	}
}

func TestRobotsGroups(t *testing.T) {
	for _, tc := range []struct {
		name, text, path string
		want             bool
	}{
		{"a group for doui wins over *", "User-agent: *\nDisallow: /\n\nUser-agent: doui\nDisallow: /private/\n", "/news", true},
		{"agents listed together share rules", "User-agent: other\nUser-agent: *\nDisallow: /x\n", "/x", false},
		{"an empty Disallow allows everything", "User-agent: *\nDisallow:\n", "/anything", true},
		{"no robots.txt allows everything", "", "/anything", true},
		{"case of the field names does not matter", "user-agent: *\ndisallow: /x\n", "/x/y", false},
		{"allow wins a tie", "User-agent: *\nDisallow: /x\nAllow: /x\n", "/x", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseRobots(tc.text).allowed(tc.path); got != tc.want {
				t.Errorf("allowed(%q): got %v, want %v", tc.path, got, tc.want)
			}
		})
	}
	var none *robots
	if !none.allowed("/x") {
		t.Error("a site without robots.txt disallows")
	}
}

// TestEnqueue holds the crawl's bounds: same origin, no fragment twice, no
// files, what robots.txt allows unless told otherwise, and start URLs
// always.
func TestEnqueue(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		start, _ := url.Parse("https://www.example.go.jp/private/start")
		c := newCrawler(Options{IgnoreRobots: ignore}, []*url.URL{start})
		c.origins["https://www.example.go.jp"] = parseRobots("User-agent: *\nDisallow: /private/\n")
		c.enqueue(start.String(), true)
		for _, u := range []string{
			"https://www.example.go.jp/",
			"https://www.example.go.jp/#top",
			"https://www.example.go.jp/news?id=1",
			"https://www.example.go.jp/private/report",
			"https://www.example.go.jp/files/annual.PDF",
			"http://www.example.go.jp/",
			"https://other.example.go.jp/",
			"mailto:info@example.go.jp",
			"javascript:void(0)",
		} {
			c.enqueue(u, false)
		}
		want := []string{"https://www.example.go.jp/private/start", "https://www.example.go.jp/", "https://www.example.go.jp/news?id=1"}
		if ignore {
			want = append(want, "https://www.example.go.jp/private/report")
		}
		if !slices.Equal(c.queue, want) {
			t.Errorf("ignore robots %v: queue\ngot  %q\nwant %q", ignore, c.queue, want)
		}
		var skipped []string
		for _, s := range c.skipped {
			skipped = append(skipped, s.URL)
		}
		wantSkipped := []string{"https://www.example.go.jp/private/report", "https://www.example.go.jp/files/annual.PDF"}
		if ignore {
			wantSkipped = wantSkipped[1:]
		}
		if !slices.Equal(skipped, wantSkipped) {
			t.Errorf("ignore robots %v: skipped %q, want %q", ignore, skipped, wantSkipped)
		}
	}
}
