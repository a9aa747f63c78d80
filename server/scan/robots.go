package scan

import (
	"strings"
)

// robots is a site's robots.txt as it applies to doui scan (RFC 9309): the
// rules of the group naming "doui", else of the group for "*".
type robots struct {
	rules    []robotsRule
	sitemaps []string
}

type robotsRule struct {
	allow   bool
	pattern string
}

// userAgent is the product token robots.txt groups are matched against.
const userAgent = "doui"

// parseRobots reads robots.txt. Unknown lines are ignored, as crawlers do.
func parseRobots(text string) *robots {
	type group struct {
		agents []string
		rules  []robotsRule
	}
	var groups []*group
	var cur *group
	inAgents := false
	r := &robots{}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if !inAgents {
				cur = &group{}
				groups = append(groups, cur)
				inAgents = true
			}
			cur.agents = append(cur.agents, strings.ToLower(value))
		case "allow", "disallow":
			inAgents = false
			if cur != nil && (value != "" || key == "allow") {
				cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: value})
			}
		case "sitemap":
			r.sitemaps = append(r.sitemaps, value)
		default:
			inAgents = false
		}
	}
	// A group naming us wins over "*"; rules of several such groups
	// combine, as RFC 9309 section 2.2.1 says.
	for _, want := range []string{userAgent, "*"} {
		for _, g := range groups {
			for _, a := range g.agents {
				if a == want {
					r.rules = append(r.rules, g.rules...)
					break
				}
			}
		}
		if len(r.rules) > 0 {
			break
		}
	}
	return r
}

// allowed reports whether path (with its query) may be crawled: the
// longest matching rule wins, and allow wins a tie. No match allows.
func (r *robots) allowed(path string) bool {
	if r == nil || path == "/robots.txt" {
		return true
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !robotsMatch(rule.pattern, path) {
			continue
		}
		n := len(rule.pattern)
		if n > best || n == best && rule.allow {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// robotsMatch matches a robots.txt path pattern: '*' is any run of
// characters, a final '$' anchors the end, and otherwise a pattern matches
// the path's start.
func robotsMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(path, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for i, part := range parts[1:] {
		if i == len(parts)-2 && anchored {
			return strings.HasSuffix(path[pos:], part)
		}
		j := strings.Index(path[pos:], part)
		if j < 0 {
			return false
		}
		pos += j + len(part)
	}
	return !anchored || pos == len(path)
}
