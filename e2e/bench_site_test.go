package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// benchTarget is one column of the browser benchmark: the same test page
// with no banner, with vanilla-cookieconsent, or with doui.
type benchTarget struct {
	name  string // key and URL path: /<name>
	label string // column header
	// Selectors, "" where the target has no such thing.
	banner   string // the first layer
	accept   string // its "accept all" button
	prefsBtn string // its "preferences" button
	prefs    string // the preferences dialog
	doui     bool
	// The page's slots (see testdata/bench/page.html); {tracker} and
	// {doui} are the origins.
	head, script, frame, footer, tail string
}

const (
	benchNone    = "none"
	benchVanilla = "vanilla"
	benchDoui    = "doui"
)

const benchFrameAttrs = `width="560" height="315" title="A tour of the building (video)"`

var benchTargets = []benchTarget{
	{
		name: benchNone, label: "no banner",
		// The same held markup, with nothing to release it: the page's
		// own content and layout, nothing optional loads.
		script: `<script type="text/plain" data-consent="analytics" src="{tracker}/gtag/js?id=G-DOUIDEMO1"></script>`,
		frame:  `<iframe data-src="{tracker}/embed" ` + benchFrameAttrs + `></iframe>`,
	},
	{
		name: benchVanilla, label: "vanilla-cookieconsent",
		banner:   `#cc-main .cm`,
		accept:   `#cc-main .cm .cm__btn[data-role="all"]`,
		prefsBtn: `#cc-main .cm .cm__btn[data-role="show"]`,
		prefs:    `#cc-main .pm`,
		head:     `<link rel="stylesheet" href="/vendor/vanilla-cookieconsent/cookieconsent.css">`,
		script:   `<script type="text/plain" data-category="analytics" src="{tracker}/gtag/js?id=G-DOUIDEMO1"></script>`,
		frame:    `<iframe data-src="{tracker}/embed" ` + benchFrameAttrs + `></iframe>`,
		footer:   `<nav class="cmp-settings" aria-label="Cookie settings"><button type="button" data-cc="show-preferencesModal">Cookie settings</button></nav>`,
		tail:     "@vanilla.html",
	},
	{
		name: benchDoui, label: "doui", doui: true,
		banner:   `[data-doui="banner"]`,
		accept:   `[data-doui="banner"] [data-doui-action="accept-all"]`,
		prefsBtn: `[data-doui="banner"] [data-doui-action="preferences"]`,
		prefs:    `[data-doui="preferences"]`,
		head:     `<script src="{doui}/doui.en.js"></script>`,
		script:   `<script type="text/plain" data-consent="analytics" src="{tracker}/gtag/js?id=G-DOUIDEMO1"></script>`,
		frame:    `<iframe data-consent="media" data-src="{tracker}/embed" ` + benchFrameAttrs + `></iframe>`,
		footer:   `<nav class="cmp-settings" aria-label="Cookie settings"><a href="#" data-doui-action="preferences">Cookie settings</a></nav>`,
	},
}

// benchSite serves the benchmark's test page in each variant on 127.0.0.2,
// with doui on 127.0.0.1 and the fake tracker on 127.0.0.3.
type benchSite struct {
	URL        string
	trackerURL string
	doui       *douiServer
	tracker    *fakeTracker
	pages      map[string][]byte // by path
	hero       []byte
}

// vanillaDir is where `npm ci --prefix e2e` puts vanilla-cookieconsent.
const vanillaDir = "node_modules/vanilla-cookieconsent/dist"

func newBenchSite(t *testing.T) *benchSite {
	t.Helper()
	if _, err := os.Stat(filepath.Join(vanillaDir, "cookieconsent.umd.js")); err != nil {
		t.Fatalf("vanilla-cookieconsent is not installed (npm ci --prefix e2e): %v", err)
	}
	tmpl, err := os.ReadFile("testdata/bench/page.html")
	if err != nil {
		t.Fatal(err)
	}
	s := &benchSite{doui: startDoui(t, "web/policies/demo.json"), tracker: newFakeTracker(), pages: map[string][]byte{}}
	s.trackerURL = serveOn(t, "127.0.0.3", s.tracker)
	s.hero = benchHero()
	origins := strings.NewReplacer("{tracker}", s.trackerURL, "{doui}", s.doui.URL)
	for _, tg := range benchTargets {
		tail := tg.tail
		if name, ok := strings.CutPrefix(tail, "@"); ok {
			b, err := os.ReadFile(filepath.Join("testdata/bench", name))
			if err != nil {
				t.Fatal(err)
			}
			tail = string(b)
		}
		page := strings.NewReplacer("{target}", tg.label, "{head}", tg.head, "{script}", tg.script,
			"{frame}", tg.frame, "{footer}", tg.footer, "{tail}", tail).Replace(string(tmpl))
		s.pages["/"+tg.name] = []byte(origins.Replace(page))
	}
	s.URL = serveOn(t, "127.0.0.2", http.HandlerFunc(s.serve))
	t.Logf("bench site %s: hero.jpg %d bytes; doui %s; tracker %s", s.URL, len(s.hero), s.doui.URL, s.trackerURL)
	return s
}

func (s *benchSite) serve(w http.ResponseWriter, r *http.Request) {
	var body []byte
	var typ string
	p := r.URL.Path
	switch {
	case s.pages[p] != nil:
		body, typ = s.pages[p], "text/html; charset=utf-8"
		w.Header().Set("Cache-Control", "no-store")
	case p == "/hero.jpg":
		body, typ = s.hero, "image/jpeg"
		w.Header().Set("Cache-Control", "max-age=3600")
	case p == "/site.css":
		b, err := os.ReadFile("testdata/bench/site.css")
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		body, typ = b, "text/css"
		w.Header().Set("Cache-Control", "max-age=3600")
	case strings.HasPrefix(p, "/vendor/vanilla-cookieconsent/"):
		name := path.Base(p)
		b, err := os.ReadFile(filepath.Join(vanillaDir, name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		body = b
		typ = "text/javascript"
		if strings.HasSuffix(name, ".css") {
			typ = "text/css"
		}
		w.Header().Set("Cache-Control", "max-age=3600")
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", typ)
	// Text is gzipped (level 6) when the browser asks, as a site's server
	// or CDN would: vanilla-cookieconsent's bytes are counted as served.
	if !strings.HasPrefix(typ, "image/") && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, 6)
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Vary", "Accept-Encoding")
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Write(body)
}

// benchHero draws the page's hero image, the LCP element: a 1200×600
// landscape with enough grain to weigh ~75 KB as a JPEG, like a photo.
// Deterministic, made at test start (no binary in the repository).
func benchHero() []byte {
	const w, h = 1200, 600
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	grain := func() float64 {
		seed = seed*1664525 + 1013904223
		return float64(int(seed>>24)%17 - 8)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			far := 380 + 40*math.Sin(fx/130) + 15*math.Sin(fx/37)
			near := 450 + 50*math.Sin(fx/210+1) + 10*math.Sin(fx/23)
			dx, dy := fx-930, fy-130
			var r, g, b float64
			switch {
			case dx*dx+dy*dy < 70*70:
				r, g, b = 255, 214, 60
			case fy > near:
				r, g, b = 40, 120-0.05*(fy-near), 45
			case fy > far:
				r, g, b = 80, 160, 70
			default:
				r, g, b = 90+80*fy/400, 150+70*fy/400, 235
			}
			n := grain()
			c := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v+n))) }
			img.SetRGBA(x, y, color.RGBA{c(r), c(g), c(b), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
