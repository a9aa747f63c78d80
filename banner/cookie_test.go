package banner

import (
	"slices"
	"testing"
)

func TestCookieTargets(t *testing.T) {
	tests := []struct {
		name        string
		ck          Cookie
		host, path  string
		wantDomains []string
		wantPaths   []string
	}{
		{"deep host", Cookie{Name: "_ga"}, "www.mhlw.go.jp", "/stf/index.html",
			[]string{"", "www.mhlw.go.jp", ".www.mhlw.go.jp", "mhlw.go.jp", ".mhlw.go.jp", "go.jp", ".go.jp"},
			[]string{"/", "/stf", "/stf/index.html"}},
		{"two labels: no bare TLD", Cookie{Name: "_ga"}, "example.com", "/",
			[]string{"", "example.com", ".example.com"}, []string{"/"}},
		{"host normalised", Cookie{Name: "_ga"}, "WWW.Example.COM.", "",
			[]string{"", "www.example.com", ".www.example.com", "example.com", ".example.com"}, []string{"/"}},
		{"single label host", Cookie{Name: "_ga"}, "localhost", "/a/",
			[]string{"", "localhost", ".localhost"}, []string{"/", "/a"}},
		{"IPv4 has only itself", Cookie{Name: "_ga"}, "127.0.0.1", "/a/b",
			[]string{"", "127.0.0.1"}, []string{"/", "/a", "/a/b"}},
		{"IPv6 has only itself", Cookie{Name: "_ga"}, "[::1]", "/",
			[]string{"", "[::1]"}, []string{"/"}},
		{"empty host", Cookie{Name: "_ga"}, "", "/",
			[]string{""}, []string{"/"}},
		{"query and fragment dropped", Cookie{Name: "_ga"}, "example.com", "/a/b?x=/c#/d",
			[]string{"", "example.com", ".example.com"}, []string{"/", "/a", "/a/b"}},
		{"double slash", Cookie{Name: "_ga"}, "example.com", "//a//b",
			[]string{"", "example.com", ".example.com"}, []string{"/", "//a", "//a//b"}},
		{"relative path", Cookie{Name: "_ga"}, "example.com", "a/b",
			[]string{"", "example.com", ".example.com"}, []string{"/"}},
		{"explicit path", Cookie{Name: "_ga", Path: "/stf"}, "example.com", "/other/page",
			[]string{"", "example.com", ".example.com"}, []string{"/stf"}},
		{"explicit parent domain", Cookie{Name: "_ga", Domain: ".mhlw.go.jp"}, "www.mhlw.go.jp", "/",
			[]string{"mhlw.go.jp", ".mhlw.go.jp"}, []string{"/"}},
		{"explicit domain is the host", Cookie{Name: "_ga", Domain: "www.mhlw.go.jp"}, "www.mhlw.go.jp", "/",
			[]string{"", "www.mhlw.go.jp", ".www.mhlw.go.jp"}, []string{"/"}},
		{"explicit foreign domain: nothing to try", Cookie{Name: "IDE", Domain: ".doubleclick.net"}, "www.mhlw.go.jp", "/",
			nil, []string{"/"}},
		{"explicit suffix that is not a label boundary", Cookie{Name: "x", Domain: "lw.go.jp"}, "www.mhlw.go.jp", "/",
			nil, []string{"/"}},
		{"explicit bare TLD refused", Cookie{Name: "x", Domain: "jp"}, "www.mhlw.go.jp", "/",
			nil, []string{"/"}},
		{"explicit IP", Cookie{Name: "x", Domain: "127.0.0.1"}, "127.0.0.1", "/",
			[]string{"", "127.0.0.1"}, []string{"/"}},
		{"explicit IP parent refused", Cookie{Name: "x", Domain: "0.0.1"}, "127.0.0.1", "/",
			nil, []string{"/"}},
		{"explicit domain in upper case", Cookie{Name: "_ga", Domain: ".MHLW.go.JP"}, "www.mhlw.go.jp", "/",
			[]string{"mhlw.go.jp", ".mhlw.go.jp"}, []string{"/"}},
		// Unicode lower-casing maps the Kelvin sign U+212A to 'k'; hosts
		// are ASCII (IDNA), so a non-ASCII domain matches nothing.
		{"non-ASCII domain never folds to an ASCII host", Cookie{Name: "x", Domain: "\u212Aelvin.example"}, "www.kelvin.example", "/",
			nil, []string{"/"}},
		{"non-ASCII host bytes kept", Cookie{Name: "x"}, "Ä.Example", "/",
			[]string{"", "Ä.example", ".Ä.example"}, []string{"/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			domains, paths := CookieTargets(tt.ck, tt.host, tt.path)
			if !slices.Equal(domains, tt.wantDomains) {
				t.Errorf("domains: got %q want %q", domains, tt.wantDomains)
			}
			if !slices.Equal(paths, tt.wantPaths) {
				t.Errorf("paths: got %q want %q", paths, tt.wantPaths)
			}
		})
	}
	t.Run("deep path bounded", func(t *testing.T) {
		_, paths := CookieTargets(Cookie{Name: "_ga"}, "example.com", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p")
		if len(paths) != maxPaths {
			t.Errorf("len(paths): got %d want %d", len(paths), maxPaths)
		}
	})
}

func TestMatchCookie(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"_ga", "_ga", true},
		{"_ga", "_ga_ABC", false},
		{"_ga", "_g", false},
		{"_ga_*", "_ga_ABC123", true},
		{"_ga_*", "_ga_", true},
		{"_ga_*", "_ga", false},
		{"_ga_*", "x_ga_ABC", false},
		{"*", "doui", false},
		{"*", "", false},
		{"_g*a*", "_gxa_y", false},
		{"_g*a", "_g*a", true},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.name, func(t *testing.T) {
			if got := MatchCookie(tt.pattern, tt.name); got != tt.want {
				t.Errorf("MatchCookie(%q, %q): got %v want %v", tt.pattern, tt.name, got, tt.want)
			}
		})
	}
}
