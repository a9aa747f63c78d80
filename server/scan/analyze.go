package scan

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/doui-consent/doui/policyjson"
)

// The kinds of finding, most serious first.
const (
	KindLeak             = "leak"
	KindUndeclaredHost   = "undeclared-host"
	KindUndeclaredCookie = "undeclared-cookie"
	KindUnmarkedTag      = "unmarked-tag"
	KindUnseen           = "unseen"
)

var kindOrder = map[string]int{KindLeak: 0, KindUndeclaredHost: 1, KindUndeclaredCookie: 2, KindUnmarkedTag: 3, KindUnseen: 4}

var phaseOrder = map[Phase]int{"": 0, BeforeChoice: 1, AfterReject: 2, AfterAccept: 3}

// Finding is one thing the scan found. Fields that do not apply are empty.
type Finding struct {
	Kind     string `json:"kind"`
	Phase    Phase  `json:"phase,omitempty"`
	Page     string `json:"page,omitempty"`
	Host     string `json:"host,omitempty"`
	Cookie   string `json:"cookie,omitempty"`
	Category string `json:"category,omitempty"`
	Service  string `json:"service,omitempty"`
	// Source is what started it: the tag at PAGE:LINE:COL when the parser
	// did, else the script's URL, "frame URL" for a request of a frame, or
	// "doui" for what doui's engine activated.
	Source string `json:"source,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// undeclared is a host or cookie not in the policy, with where it was seen,
// for its finding and for the proposal.
type undeclared struct {
	host     string
	cookie   Cookie
	paths    []string // request paths, for the known services' path rules
	pages    map[string]bool
	accepted bool // seen after "accept all"
	first    string
	source   string
}

// analysis holds pages against a policy, one page at a time, so that a
// progress line can count findings while the crawl goes on.
type analysis struct {
	idx   *index
	known *knownTable
	// doui holds the hosts doui's loaders come from: requests to them are
	// doui's own, never a finding.
	doui     map[string]bool
	findings []Finding // leaks and unmarked tags; the rest come at the end
	hosts    map[string]*undeclared
	cookies  map[string]*undeclared
	// seen holds the declarations that matched something, as
	// "host SERVICE PATTERN" and "cookie SERVICE PATTERN".
	seen  map[string]bool
	dests map[string]*Destination
	pages int
}

func newAnalysis(p *policyjson.Policy, known *knownTable) *analysis {
	return &analysis{idx: newIndex(p), known: known, doui: map[string]bool{}, hosts: map[string]*undeclared{},
		cookies: map[string]*undeclared{}, seen: map[string]bool{}, dests: map[string]*Destination{}}
}

// failures counts what makes the scan fail so far: leaks and undeclared
// hosts and cookies seen after "accept all".
func (a *analysis) failures() int {
	n := 0
	for _, f := range a.findings {
		if f.Kind == KindLeak {
			n++
		}
	}
	for _, m := range []map[string]*undeclared{a.hosts, a.cookies} {
		for _, u := range m {
			if u.accepted {
				n++
			}
		}
	}
	return n
}

// add holds one scanned page against the policy.
func (a *analysis) add(p *page) {
	if p.Err != "" {
		return
	}
	a.pages++
	if p.Loader != "" {
		a.doui[hostOf(p.Loader)] = true
	}
	base := cmp.Or(p.Final, p.URL)
	pageHost := hostOf(base)
	var doc *htmlDoc
	if p.HTML != nil {
		doc = parseHTML(p.HTML)
	}
	for _, v := range p.Visits {
		if v.Skipped != "" {
			continue
		}
		a.visitRequests(p, doc, v, pageHost)
		a.visitCookies(p, v, pageHost)
	}
	if doc != nil {
		a.unmarked(p, doc, pageHost)
	}
}

func (a *analysis) visitRequests(p *page, doc *htmlDoc, v Visit, pageHost string) {
	done := map[string]bool{}
	for _, r := range v.Requests {
		if sameSite(r.Host, pageHost) || a.doui[r.Host] {
			continue
		}
		a.destination(r.Host, v.Phase, p.URL)
		o, ok := a.idx.host(r.Host)
		if ok {
			a.seen["host "+o.Service+" "+o.Pattern] = true
		} else {
			u := a.hosts[r.Host]
			if u == nil {
				u = &undeclared{host: r.Host, pages: map[string]bool{}}
				a.hosts[r.Host] = u
			}
			if path := pathOf(r.URL); !slices.Contains(u.paths, path) {
				u.paths = append(u.paths, path)
			}
			u.pages[p.URL] = true
			if v.Phase == AfterAccept && (!u.accepted || p.URL < u.first) {
				u.accepted, u.first = true, p.URL
				u.source, _ = a.source(p, doc, r)
			}
		}
		if done[r.Host] || v.Phase == AfterAccept || ok && o.Required {
			continue
		}
		done[r.Host] = true
		f := Finding{Kind: KindLeak, Phase: v.Phase, Page: p.URL, Host: r.Host, Category: o.Category, Service: o.Service}
		var tagText string
		f.Source, tagText = a.source(p, doc, r)
		what := fmt.Sprintf("requested %s (%s)", r.URL, cmp.Or(r.Type, "request"))
		if tagText != "" {
			what += " for " + tagText
		}
		if ok {
			f.Detail = fmt.Sprintf("%s %s; the service %q is in the optional category %q", what, phaseWhen(v.Phase), o.Service, o.Category)
		} else {
			f.Detail = fmt.Sprintf("%s %s; the host is not in the policy", what, phaseWhen(v.Phase))
		}
		a.findings = append(a.findings, f)
	}
}

func (a *analysis) visitCookies(p *page, v Visit, pageHost string) {
	for _, c := range v.Cookies {
		o, ok := a.idx.cookie(c, pageHost)
		if ok {
			a.seen["cookie "+o.Service+" "+o.Pattern] = true
		}
		if isDouiCookie(c.Name) {
			continue
		}
		if !ok {
			key := cookieKey(c)
			u := a.cookies[key]
			if u == nil {
				u = &undeclared{cookie: c, pages: map[string]bool{}}
				a.cookies[key] = u
			}
			u.pages[p.URL] = true
			if v.Phase == AfterAccept && (!u.accepted || p.URL < u.first) {
				u.accepted, u.first = true, p.URL
			}
		}
		if v.Phase == AfterAccept || ok && o.Required {
			continue
		}
		f := Finding{Kind: KindLeak, Phase: v.Phase, Page: p.URL, Cookie: c.Name, Category: o.Category, Service: o.Service}
		desc := describeCookie(c)
		if ok {
			f.Detail = fmt.Sprintf("%s, set %s; the service %q is in the optional category %q", desc, phaseWhen(v.Phase), o.Service, o.Category)
		} else {
			f.Detail = fmt.Sprintf("%s, set %s; the cookie is not in the policy", desc, phaseWhen(v.Phase))
		}
		a.findings = append(a.findings, f)
	}
}

// cookieKey tells undeclared cookies apart: by name for the site's own
// (a page's host and its parents are one site), by name and domain for
// other sites'.
func cookieKey(c Cookie) string {
	if c.ThirdParty {
		return c.Name + " " + strings.TrimPrefix(c.Domain, ".")
	}
	return c.Name
}

func describeCookie(c Cookie) string {
	party := "first-party"
	if c.ThirdParty {
		party = "third-party"
	}
	life := "a session cookie"
	switch {
	case c.LifetimeDays == 1:
		life = "1 day"
	case c.LifetimeDays > 1:
		life = fmt.Sprintf("%d days", c.LifetimeDays)
	}
	return fmt.Sprintf("cookie %s on %s (%s, %s)", c.Name, c.Domain, party, life)
}

func phaseWhen(ph Phase) string {
	switch ph {
	case BeforeChoice:
		return "before any choice"
	case AfterReject:
		return `after "reject all"`
	}
	return `after "accept all"`
}

// source says what started request r on page p, and the tag's source text
// when it names a tag of the page.
func (a *analysis) source(p *page, doc *htmlDoc, r Request) (string, string) {
	onPage := r.InitiatorURL == p.URL || r.InitiatorURL == p.Final
	switch r.Initiator {
	case "parser":
		if onPage && doc != nil {
			if t := doc.at(r.Line, r.Col); t != nil {
				return fmt.Sprintf("%s:%d:%d", p.URL, t.Line, t.Col), doc.snippet(t)
			}
		}
		return fmt.Sprintf("%s:%d:%d", r.InitiatorURL, r.Line, r.Col), ""
	case "script":
		if a.doui[hostOf(r.InitiatorURL)] {
			if t := a.markedTag(p, doc, r.URL); t != nil {
				return fmt.Sprintf("%s:%d:%d", p.URL, t.Line, t.Col), doc.snippet(t) + ", activated by doui"
			}
			return "doui", ""
		}
		if onPage && doc != nil {
			if t := doc.at(r.Line, r.Col); t != nil && t.Name == "script" {
				return fmt.Sprintf("%s:%d:%d", p.URL, t.Line, t.Col), "the inline script " + doc.snippet(t)
			}
		}
		return r.InitiatorURL, ""
	case "frame":
		return "frame " + r.InitiatorURL, ""
	}
	return "", ""
}

// markedTag finds the element of the page marked for doui that loads u
// (a URL without its query), or nil.
func (a *analysis) markedTag(p *page, doc *htmlDoc, u string) *tag {
	if doc == nil {
		return nil
	}
	base, err := url.Parse(cmp.Or(p.Final, p.URL))
	if err != nil {
		return nil
	}
	for i := range doc.tags {
		t := &doc.tags[i]
		if _, marked := t.Attrs["data-consent"]; !marked {
			continue
		}
		raw := cmp.Or(t.Attrs["data-src"], t.Attrs["data-href"], t.Attrs["src"])
		if ref, err := base.Parse(raw); raw != "" && err == nil && stripQuery(ref) == u {
			return t
		}
	}
	return nil
}

// unmarked finds tracker tags written in the page's HTML that load at
// once: not marked for doui, or marked without holding the element back.
func (a *analysis) unmarked(p *page, doc *htmlDoc, pageHost string) {
	base, err := url.Parse(cmp.Or(p.Final, p.URL))
	if err != nil {
		return
	}
	for i := range doc.tags {
		t := &doc.tags[i]
		category, marked := t.Attrs["data-consent"]
		raw := liveURL(t)
		f := Finding{Kind: KindUnmarkedTag, Page: p.URL, Source: fmt.Sprintf("%s:%d:%d", p.URL, t.Line, t.Col)}
		switch {
		case raw == "" && t.Name == "script" && !marked && isScriptType(t.Attrs["type"]):
			host, o := a.trackerIn(t.Text)
			if host == "" {
				continue
			}
			f.Host, f.Category, f.Service = host, o.Category, o.Service
			f.Detail = fmt.Sprintf("an inline script that loads %s runs at once: mark it <script type=\"text/plain\" data-consent=\"%s\">", host, cmp.Or(o.Category, "CATEGORY"))
		case raw != "":
			ref, err := base.Parse(raw)
			if err != nil || ref.Scheme != "http" && ref.Scheme != "https" {
				continue
			}
			host := strings.ToLower(ref.Hostname())
			if sameSite(host, pageHost) || a.doui[host] {
				continue
			}
			o, ok := a.idx.host(host)
			k := a.known.byRequest(host, ref.EscapedPath())
			if ok && o.Required || !ok && k == nil {
				continue
			}
			f.Host, f.Category, f.Service = host, o.Category, o.Service
			if !ok {
				f.Category = k.Category
			}
			if marked {
				f.Detail = fmt.Sprintf("%s is marked data-consent=%q but loads at once: %s", doc.snippet(t), category, markupHint(t))
			} else {
				f.Detail = fmt.Sprintf("%s is not marked for doui: the browser fetches it before doui's loader can hold it back; %s", doc.snippet(t), markupHint(t))
			}
		default:
			continue
		}
		a.findings = append(a.findings, f)
	}
}

// liveURL is the URL an element loads as soon as the parser meets it, ""
// when it loads nothing (or doui holds it back).
func liveURL(t *tag) string {
	switch t.Name {
	case "script":
		if !isScriptType(t.Attrs["type"]) {
			return ""
		}
		return t.Attrs["src"]
	case "iframe", "img", "embed", "source", "track":
		return t.Attrs["src"]
	case "video", "audio":
		return cmp.Or(t.Attrs["src"], t.Attrs["poster"])
	case "object":
		return t.Attrs["data"]
	case "link":
		for _, rel := range strings.Fields(strings.ToLower(t.Attrs["rel"])) {
			switch rel {
			case "stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "icon":
				return t.Attrs["href"]
			}
		}
	}
	return ""
}

// isScriptType reports whether a script's type attribute makes it run.
func isScriptType(typ string) bool {
	typ = strings.ToLower(strings.TrimSpace(typ))
	return typ == "" || typ == "module" || strings.Contains(typ, "javascript") || strings.Contains(typ, "ecmascript")
}

// markupHint says how doui's markup holds an element back (README, "Add
// doui to a site").
func markupHint(t *tag) string {
	switch t.Name {
	case "script":
		return `write type="text/plain" data-consent="CATEGORY" on the script`
	case "link":
		return `write data-href instead of href, with data-consent="CATEGORY"`
	}
	return `write data-src instead of src, with data-consent="CATEGORY"`
}

// trackerIn returns a tracker host an inline script names, and its owner
// in the policy when it has one: a host of an optional service, or of a
// known service the policy does not list as required.
func (a *analysis) trackerIn(text string) (string, owner) {
	var hosts []string
	for h, o := range a.idx.hosts {
		if !o.Required {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		if strings.Contains(text, h) {
			return h, a.idx.hosts[h]
		}
	}
	for _, k := range a.known.Services {
		for _, h := range k.hosts() {
			if !strings.Contains(text, h) {
				continue
			}
			if o, ok := a.idx.host(h); ok {
				if o.Required {
					continue
				}
				return h, o
			}
			return h, owner{Category: k.Category}
		}
	}
	return "", owner{}
}

// destination notes a request to host in the 外部送信 view.
func (a *analysis) destination(host string, ph Phase, pageURL string) {
	d := a.dests[host]
	if d == nil {
		d = &Destination{Host: host, pages: map[string]bool{}}
		a.dests[host] = d
	}
	if !slices.Contains(d.Phases, ph) {
		d.Phases = append(d.Phases, ph)
	}
	d.pages[pageURL] = true
}

// finish returns every finding, most serious first, with the undeclared
// and unseen ones, which need the whole crawl.
func (a *analysis) finish() []Finding {
	out := append([]Finding{}, a.findings...) // [] in JSON when there is none
	for _, u := range sortedValues(a.hosts) {
		if !u.accepted {
			continue
		}
		out = append(out, Finding{Kind: KindUndeclaredHost, Phase: AfterAccept, Page: u.first, Host: u.host, Source: u.source,
			Detail: fmt.Sprintf(`requested after "accept all" on %s, but no service of the policy lists the host`, pagesCount(len(u.pages)))})
	}
	for _, u := range sortedValues(a.cookies) {
		if !u.accepted {
			continue
		}
		out = append(out, Finding{Kind: KindUndeclaredCookie, Phase: AfterAccept, Page: u.first, Cookie: u.cookie.Name,
			Detail: fmt.Sprintf(`%s, set after "accept all" on %s, but no service of the policy lists it`, describeCookie(u.cookie), pagesCount(len(u.pages)))})
	}
	out = append(out, a.unseen()...)
	slices.SortStableFunc(out, func(x, y Finding) int {
		return cmp.Or(cmp.Compare(kindOrder[x.Kind], kindOrder[y.Kind]), cmp.Compare(x.Page, y.Page),
			cmp.Compare(phaseOrder[x.Phase], phaseOrder[y.Phase]), cmp.Compare(x.Service, y.Service),
			cmp.Compare(x.Host, y.Host), cmp.Compare(x.Cookie, y.Cookie), cmp.Compare(x.Source, y.Source))
	})
	return out
}

// unseen lists what the policy declares but no page showed: a whole
// service when none of its hosts and cookies was seen, else each host and
// cookie on its own.
func (a *analysis) unseen() []Finding {
	var out []Finding
	for _, s := range a.idx.policy.Services {
		var hosts, cookies []string
		for _, h := range s.Hosts {
			if !a.seen["host "+s.ID+" "+h] {
				hosts = append(hosts, h)
			}
		}
		for _, c := range s.Cookies {
			if !a.seen["cookie "+s.ID+" "+c.Name] {
				cookies = append(cookies, c.Name)
			}
		}
		total := len(s.Hosts) + len(s.Cookies)
		if total == 0 || len(hosts)+len(cookies) == 0 {
			continue
		}
		if len(hosts)+len(cookies) == total {
			out = append(out, Finding{Kind: KindUnseen, Service: s.ID, Category: s.Category,
				Detail: fmt.Sprintf("none of its hosts or cookies (%s) was seen on the %s scanned: is the service still used?", strings.Join(append(hosts, cookies...), ", "), pagesCount(a.pages))})
			continue
		}
		for _, h := range hosts {
			out = append(out, Finding{Kind: KindUnseen, Service: s.ID, Category: s.Category, Host: h,
				Detail: fmt.Sprintf("declared for %q but not requested on the %s scanned", s.ID, pagesCount(a.pages))})
		}
		for _, c := range cookies {
			out = append(out, Finding{Kind: KindUnseen, Service: s.ID, Category: s.Category, Cookie: c,
				Detail: fmt.Sprintf("declared for %q but not set on the %s scanned", s.ID, pagesCount(a.pages))})
		}
	}
	return out
}

func pagesCount(n int) string {
	if n == 1 {
		return "1 page"
	}
	return fmt.Sprintf("%d pages", n)
}

// sortedValues returns a map's values in the order of their keys.
func sortedValues[V any](m map[string]V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

func stripQuery(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.EscapedPath()
}
