package scan

import (
	"strings"

	"github.com/doui-consent/doui/banner"
	"github.com/doui-consent/doui/policyjson"
)

// owner is the service of the policy a host or cookie belongs to.
type owner struct {
	Service  string
	Category string
	Required bool
	// Pattern is the declared host or cookie name that matched.
	Pattern string
	svc     *policyjson.Service
}

// index answers "whose is this host, whose is this cookie" for a policy,
// the way the browser answers it.
type index struct {
	policy   *policyjson.Policy
	required map[string]bool     // category id → required
	hosts    map[string]owner    // declared host → its service
	services map[string]*owner   // service id → itself, without a pattern
	cats     map[string]struct{} // defined category ids
}

func newIndex(p *policyjson.Policy) *index {
	x := &index{policy: p, required: map[string]bool{}, hosts: map[string]owner{}, services: map[string]*owner{}, cats: map[string]struct{}{}}
	for _, c := range p.Categories {
		x.required[c.ID] = c.Required
		x.cats[c.ID] = struct{}{}
	}
	for i := range p.Services {
		s := &p.Services[i]
		o := owner{Service: s.ID, Category: s.Category, Required: x.required[s.Category], svc: s}
		x.services[s.ID] = &o
		for _, h := range s.Hosts {
			ho := o
			ho.Pattern = h
			x.hosts[strings.ToLower(h)] = ho
		}
	}
	return x
}

// host returns the service whose declared hosts cover h. A declared host
// covers itself and its subdomains; the most specific declaration wins.
// This is the walk of the loader's host blocker (web/loader.js, blocked)
// and of banner.URLCategory: www.a.jp, then a.jp, then jp. It returns the
// service, which URLCategory does not, and hosts of required categories,
// which it leaves out; TestHostMatchAgreesWithBanner holds the two
// together.
func (x *index) host(h string) (owner, bool) {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	for h != "" {
		if o, ok := x.hosts[h]; ok {
			return o, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return owner{}, false
}

// cookie returns the service whose declared cookies cover c, seen on a
// page at pageHost. Names match as banner.MatchCookie says (exact, or a
// prefix ending in '*'); an exact name wins over a pattern. A declared
// cookie with a domain covers cookies on that domain and its subdomains;
// one without covers the page's own host and its parents, which is where
// the engine looks for it (banner.CookieTargets).
func (x *index) cookie(c Cookie, pageHost string) (owner, bool) {
	var prefix owner
	found := false
	for i := range x.policy.Services {
		s := &x.policy.Services[i]
		for _, pc := range s.Cookies {
			if !banner.MatchCookie(pc.Name, c.Name) && !isRecordAlias(pc.Name, c.Name) || !cookieDomainMatches(pc.Domain, c.Domain, pageHost) {
				continue
			}
			o := *x.services[s.ID]
			o.Pattern = pc.Name
			if !strings.HasSuffix(pc.Name, "*") {
				return o, true
			}
			if !found {
				prefix, found = o, true
			}
		}
	}
	return prefix, found
}

// isRecordAlias is true for doui's own record cookie under its https name:
// a policy declares it as "doui", the name it has on http, and on https
// the loader writes __Host-doui instead.
func isRecordAlias(pattern, name string) bool {
	return pattern == "doui" && name == "__Host-doui"
}

// isDouiCookie reports whether a cookie is doui's own record, which is
// never a finding: it holds the visitor's choice and nothing else.
func isDouiCookie(name string) bool { return name == "doui" || name == "__Host-doui" }

// cookieDomainMatches reports whether a cookie stored on domain (".a.jp"
// for a domain cookie, the host for a host-only one) is covered by a
// declaration with the given domain.
func cookieDomainMatches(declared, domain, pageHost string) bool {
	d := strings.TrimPrefix(strings.ToLower(domain), ".")
	if declared != "" {
		want := strings.TrimPrefix(strings.ToLower(declared), ".")
		return d == want || strings.HasSuffix(d, "."+want)
	}
	return firstPartyCookie(domain, pageHost)
}

// firstPartyCookie reports whether a cookie stored on domain belongs to
// the page at pageHost: its host or one of the parents, the domains
// banner.CookieTargets lists for a cookie declared without a domain.
func firstPartyCookie(domain, pageHost string) bool {
	d := strings.TrimPrefix(strings.ToLower(domain), ".")
	targets, _ := banner.CookieTargets(banner.Cookie{}, pageHost, "/")
	for _, t := range targets {
		if t != "" && strings.TrimPrefix(t, ".") == d {
			return true
		}
	}
	return false
}

// sameSite reports whether host is the page's own: its host, a subdomain
// or a parent of it (an IP address only as itself). Requests to these are
// the site's, not another site's.
func sameSite(host, pageHost string) bool {
	host, pageHost = strings.ToLower(host), strings.ToLower(pageHost)
	switch {
	case host == pageHost:
		return true
	case isIPHost(host) || isIPHost(pageHost):
		return false
	}
	return strings.HasSuffix(host, "."+pageHost) || strings.HasSuffix(pageHost, "."+host) && strings.Contains(host, ".")
}

// isIPHost reports whether a host is an IP literal.
func isIPHost(h string) bool {
	if strings.Contains(h, ":") {
		return true
	}
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last == "" {
		return false
	}
	for _, c := range []byte(last) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
