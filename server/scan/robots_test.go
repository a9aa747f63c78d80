package scan

import "testing"

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
