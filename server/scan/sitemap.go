package scan

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// sitemap is a sitemap.xml: the pages of a <urlset>, or the child sitemaps
// of a <sitemapindex>.
type sitemap struct {
	pages    []string
	children []string
}

// parseSitemap reads a sitemap (sitemaps.org protocol 0.9). It reads only
// <loc> under <url> or <sitemap>, so extensions (images, news, hreflang)
// are left alone.
func parseSitemap(data []byte) (*sitemap, error) {
	var doc struct {
		XMLName xml.Name
		URLs    []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a sitemap: %w", err)
	}
	s := &sitemap{}
	switch doc.XMLName.Local {
	case "urlset":
		for _, u := range doc.URLs {
			if loc := strings.TrimSpace(u.Loc); loc != "" {
				s.pages = append(s.pages, loc)
			}
		}
	case "sitemapindex":
		for _, m := range doc.Sitemaps {
			if loc := strings.TrimSpace(m.Loc); loc != "" {
				s.children = append(s.children, loc)
			}
		}
	default:
		return nil, fmt.Errorf("not a sitemap: the root element is <%s>, not <urlset> or <sitemapindex>", doc.XMLName.Local)
	}
	return s, nil
}
