package banner

import "strings"

// maxPaths bounds the path variants CookieTargets returns for deep URLs.
const maxPaths = 12

// CookieTargets returns every Domain and Path attribute to try when deleting
// cookie ck from a page at host and path (location.hostname and
// location.pathname): a cookie is only removed by an expired cookie with the
// same name, domain and path, and the page cannot read which were used.
//
// Domains: "" (host-only), then host and "."+host, then each parent domain
// with and without the dot, stopping before a bare TLD. An IP host has only
// "" and itself. When ck.Domain is set, only that domain (with and without
// the dot, plus "" when it is the host itself) is tried, and nothing when the
// page cannot touch it (not the host or one of its parents).
//
// Paths: ck.Path when set; otherwise "/" and each prefix of path ending
// before a '/', then path itself ("/a/b.html" gives "/", "/a", "/a/b.html").
func CookieTargets(ck Cookie, host, path string) (domains []string, paths []string) {
	host = strings.TrimSuffix(lowerASCII(host), ".")
	switch {
	case ck.Domain != "":
		d := strings.TrimPrefix(lowerASCII(ck.Domain), ".")
		switch {
		case d == host && isIP(host):
			domains = []string{"", host}
		case d == host:
			domains = []string{"", d, "." + d}
		case strings.Contains(d, ".") && !isIP(host) && strings.HasSuffix(host, "."+d):
			domains = []string{d, "." + d}
		}
	case host == "":
		domains = []string{""}
	case isIP(host):
		domains = []string{"", host}
	default:
		domains = []string{"", host, "." + host}
		for d := host; ; {
			i := strings.IndexByte(d, '.')
			if i < 0 {
				break
			}
			d = d[i+1:]
			if !strings.Contains(d, ".") {
				break // a bare TLD
			}
			domains = append(domains, d, "."+d)
		}
	}

	if ck.Path != "" {
		return domains, []string{ck.Path}
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	paths = []string{"/"}
	if !strings.HasPrefix(path, "/") {
		return domains, paths
	}
	for i := 1; i < len(path) && len(paths) < maxPaths; i++ {
		if path[i] == '/' && path[i-1] != '/' {
			paths = append(paths, path[:i])
		}
	}
	if path != "/" && !strings.HasSuffix(path, "/") && len(paths) < maxPaths {
		paths = append(paths, path)
	}
	return domains, paths
}

// lowerASCII maps A-Z to a-z and leaves every other byte alone. Both inputs
// are ASCII when they are right: location.hostname is IDNA-encoded (xn--) by
// the browser, and policyjson accepts cookie domains only in lower-case ASCII.
// strings.ToLower would add its Unicode tables (~5 KB brotli) to the wasm,
// and it folds some non-ASCII letters to ASCII ones (the Kelvin sign to 'k');
// here a non-ASCII byte stays as it is, so it never matches an ASCII host.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// isIP reports whether host is an IP literal: IPv6 (it has a ':') or IPv4
// (its last label is all digits, which no TLD is).
func isIP(host string) bool {
	if strings.Contains(host, ":") {
		return true
	}
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

// MatchCookie reports whether a cookie called name matches pattern: exact,
// or a prefix when pattern ends in one '*' ("_ga_*" matches "_ga_ABC123").
// An empty pattern or a lone "*" matches nothing, so a config can never wipe
// every cookie, doui's own included.
func MatchCookie(pattern, name string) bool {
	prefix, wild := strings.CutSuffix(pattern, "*")
	if !wild {
		return pattern != "" && pattern == name
	}
	return prefix != "" && !strings.Contains(prefix, "*") && strings.HasPrefix(name, prefix)
}
