package scan

import (
	"slices"
	"strings"
	"testing"
)

func TestSitemap(t *testing.T) {
	for _, tc := range []struct {
		name, xml       string
		pages, children []string
		err             string
	}{
		{
			name: "urlset",
			xml: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url><loc> https://www.example.go.jp/ </loc><lastmod>2025-04-01</lastmod></url>
  <url><loc>https://www.example.go.jp/news?id=1&amp;lang=en</loc><image:image><image:loc>https://www.example.go.jp/a.png</image:loc></image:image></url>
</urlset>`,
			pages: []string{"https://www.example.go.jp/", "https://www.example.go.jp/news?id=1&lang=en"},
		},
		{
			name: "sitemap index",
			xml: `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.example.go.jp/sitemap-1.xml</loc></sitemap>
</sitemapindex>`,
			children: []string{"https://www.example.go.jp/sitemap-1.xml"},
		},
		{name: "an HTML error page", xml: `<html><body>Not found</body></html>`, err: "the root element is <html>"},
		{name: "not XML", xml: `User-agent: *`, err: "not a sitemap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sm, err := parseSitemap([]byte(tc.xml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error: got %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sm.pages, tc.pages) || !slices.Equal(sm.children, tc.children) {
				t.Errorf("got pages %q children %q, want %q %q", sm.pages, sm.children, tc.pages, tc.children)
			}
		})
	}
}
