package scan

import (
	"testing"
)

func TestParseHTML(t *testing.T) {
	const doc = "<!doctype html>\n" +
		"<html lang=\"ja\"><head>\n" + // 2
		"<!-- <script src=\"https://commented.example/x.js\"></script> -->\n" + // 3
		"<title>日本語の<script>タイトル</title>\n" + // 4
		"<script async src='https://www.googletagmanager.com/gtag/js?id=G-1&amp;l=dl'></script>\n" + // 5
		"<SCRIPT TYPE=\"text/plain\" data-consent=analytics>var u = \"</scrip\"; load('https://cdn.matomo.cloud/x.js')</SCRIPT>\n" + // 6
		"</head><body>\n" + // 7
		"<noscript><img src=\"https://www.facebook.com/tr?id=1\"></noscript>\n" + // 8
		"<p>日本語 <iframe data-consent=\"media\" data-src=\"https://www.youtube.com/embed/x\" allowfullscreen></iframe>\n" + // 9
		"<img src=x alt=\"a > b\"><br/>\n" + // 10
		"</body></html>\n"
	d := parseHTML([]byte(doc))
	type want struct {
		name      string
		line, col int
		attrs     map[string]string
		text      string
	}
	wants := []want{
		{name: "html", line: 2, col: 1, attrs: map[string]string{"lang": "ja"}},
		{name: "head", line: 2, col: 17},
		{name: "title", line: 4, col: 1, text: "日本語の<script>タイトル"},
		{name: "script", line: 5, col: 1, attrs: map[string]string{"async": "", "src": "https://www.googletagmanager.com/gtag/js?id=G-1&l=dl"}},
		{name: "script", line: 6, col: 1, attrs: map[string]string{"type": "text/plain", "data-consent": "analytics"}, text: `var u = "</scrip"; load('https://cdn.matomo.cloud/x.js')`},
		{name: "body", line: 7, col: 8},
		{name: "noscript", line: 8, col: 1, text: `<img src="https://www.facebook.com/tr?id=1">`},
		{name: "p", line: 9, col: 1},
		{name: "iframe", line: 9, col: 8, attrs: map[string]string{"data-consent": "media", "data-src": "https://www.youtube.com/embed/x", "allowfullscreen": ""}},
		{name: "img", line: 10, col: 1, attrs: map[string]string{"src": "x", "alt": "a > b"}},
		{name: "br", line: 10, col: 24},
	}
	if len(d.tags) != len(wants) {
		for _, tg := range d.tags {
			t.Logf("%s %d:%d %v", tg.Name, tg.Line, tg.Col, tg.Attrs)
		}
		t.Fatalf("got %d tags, want %d", len(d.tags), len(wants))
	}
	for i, w := range wants {
		tg := d.tags[i]
		if tg.Name != w.name || tg.Line != w.line || tg.Col != w.col || tg.Text != w.text {
			t.Errorf("tag %d: got <%s> at %d:%d text %q, want <%s> at %d:%d text %q", i, tg.Name, tg.Line, tg.Col, tg.Text, w.name, w.line, w.col, w.text)
		}
		for k, v := range w.attrs {
			if got, ok := tg.Attrs[k]; !ok || got != v {
				t.Errorf("tag %d <%s>: attribute %s: got %q (present %v), want %q", i, tg.Name, k, got, ok, v)
			}
		}
	}

	// Chromium names the parser's place as the end of the start tag it
	// was at, or somewhere in a script's text; both mean that tag.
	for _, tc := range []struct{ line, col, wantLine, wantCol int }{
		{5, 75, 5, 1},    // the end of the gtag start tag
		{6, 60, 6, 1},    // inside the marked script's text
		{9, 60, 9, 8},    // inside the iframe tag
		{10, 30, 10, 24}, // past the last tag: the tag before
	} {
		tg := d.at(tc.line, tc.col)
		if tg == nil || tg.Line != tc.wantLine || tg.Col != tc.wantCol {
			t.Errorf("at(%d, %d): got %v, want the tag at %d:%d", tc.line, tc.col, tg, tc.wantLine, tc.wantCol)
		}
	}
}

func TestParseHTMLBroken(t *testing.T) {
	for _, doc := range []string{"", "<", "<script>never closed", "<!-- never closed", "<a href=\"never closed", "<1>", "</", "<!"} {
		parseHTML([]byte(doc)) // must not panic
	}
}
