package policyjson

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/doui-consent/doui/banner"
)

// Limits and vocabularies of the format.
const (
	// DefaultLifetimeMonths is how long a decision holds when the policy
	// does not say.
	DefaultLifetimeMonths = 6
	// MaxLifetimeMonths is the longest a decision may hold: data-protection
	// authorities in Europe (CNIL) accept 13 months, and public-sector sites
	// should not ask for more.
	MaxLifetimeMonths = 13
)

// consentModeTypes are the Google Consent Mode v2 types a category may grant.
var consentModeTypes = []string{
	"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
	"functionality_storage", "personalization_storage", "security_storage",
}

// collectionKinds are the kinds of non-cookie collection.
var collectionKinds = []string{"access-log", "form", "mail-service", "other"}

// validate checks what the types alone cannot: references, uniqueness,
// formats and the rules of consent, part by part. The site comes first:
// every text is checked against its languages.
func (p *parser) validate(pol *Policy) {
	p.validateSite(&pol.Site)
	p.validateConsent(pol.Consent)
	cats := p.validateCategories(pol.Categories)
	p.validateServices(pol.Services, pol.Categories, cats)
	p.validateCollection(pol.Collection)
	p.validateSections(pol.Sections)
	p.validateUI(pol.UI)
}

// validateSite checks what the site says of itself, its languages first:
// every text is checked against them.
func (p *parser) validateSite(s *Site) {
	seen := map[string]bool{}
	var langs []string
	for i, l := range s.Languages {
		lp := index("site.languages", i)
		switch {
		case p.bad[lp]:
		case !isLangCode(l):
			p.fail(lp, "%q is not a language code: write a code such as \"ja\" or \"en\"", l)
		case seen[l]:
			p.fail(lp, "%q is listed twice: keep one", l)
		default:
			seen[l] = true
			langs = append(langs, l)
		}
	}
	if p.present("site.languages") && len(s.Languages) == 0 {
		p.fail("site.languages", `list the languages the site offers, like ["ja", "en"]`)
	}
	if len(langs) > 0 && len(langs) == len(s.Languages) {
		p.langs = langs
	}
	if s.DefaultLanguage != "" && len(langs) > 0 && !seen[s.DefaultLanguage] {
		p.fail("site.defaultLanguage", "%q is not in site.languages: write one of %s", s.DefaultLanguage, quoteList(langs))
	}

	p.text("site.name", s.Name)
	p.text("site.operator", s.Operator)
	p.text("site.law", s.Law)
	if p.present("site.scope") && len(s.Scope) == 0 {
		p.fail("site.scope", `list the addresses the policy covers, like ["https://www.example.go.jp/"], or leave the field out`)
	}
	for i, u := range s.Scope {
		p.url(index("site.scope", i), u)
	}
	if s.Effective != "" {
		if _, err := time.Parse(time.DateOnly, s.Effective); err != nil {
			p.fail("site.effective", "%q is not a date: write the date the policy took effect as YYYY-MM-DD, like 2020-12-01", s.Effective)
		}
	}
	p.url("site.policyUrl", s.PolicyURL)
	p.text("site.contact.name", s.Contact.Name)
	p.text("site.contact.address", s.Contact.Address)
	p.url("site.contact.formUrl", s.Contact.FormURL)
	if e := s.Contact.Email; e != "" {
		local, domain, ok := strings.Cut(e, "@")
		if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(e, " \t<>,;") || strings.Contains(domain, "@") {
			p.fail("site.contact.email", "%q is not an e-mail address: write it like privacy@example.go.jp, without mailto:", e)
		}
	}
}

// uniqueIDs checks the id of each of the n items of a list ("categories")
// and reports every id used twice. It returns the index of each usable id's
// first use. kind names one item in messages ("category").
func (p *parser) uniqueIDs(list, kind string, n int, id func(i int) string) map[string]int {
	first := map[string]int{}
	for i := range n {
		path := index(list, i) + ".id"
		if !p.checkID(path, id(i)) {
			continue
		}
		if j, dup := first[id(i)]; dup {
			p.fail(path, "%s id %q is already used by %s[%d]: give each %s its own id", kind, id(i), list, j, kind)
			continue
		}
		first[id(i)] = i
	}
	return first
}

func (p *parser) validateConsent(c Consent) {
	if p.present("consent.lifetimeMonths") {
		switch m := c.LifetimeMonths; {
		case m > MaxLifetimeMonths:
			p.fail("consent.lifetimeMonths", "a consent may last at most %d months: write %d or less (leave the field out for %d)", MaxLifetimeMonths, MaxLifetimeMonths, DefaultLifetimeMonths)
		case m < 1:
			p.fail("consent.lifetimeMonths", "write a number of months from 1 to %d, or leave the field out for %d", MaxLifetimeMonths, DefaultLifetimeMonths)
		}
	}
	if c.Revision < 0 {
		p.fail("consent.revision", "write 0 or a positive number, and raise it by one to ask every visitor again")
	}
}

// validateCategories returns the index of each usable category id, for the
// services that refer to them.
func (p *parser) validateCategories(cats []Category) map[string]int {
	if p.present("categories") && len(cats) == 0 {
		p.fail("categories", `list at least one category, such as {"id": "necessary", "required": true, …}`)
	}
	catIndex := p.uniqueIDs("categories", "category", len(cats), func(i int) string { return cats[i].ID })
	modeOwner := map[string]string{}
	for i, cat := range cats {
		path := index("categories", i)
		if cat.ID == "necessary" && !cat.Required && !p.bad[path+".required"] {
			p.fail(path+".required", `the "necessary" category must be required: add "required": true (the site cannot work without it, so visitors cannot switch it off)`)
		}
		p.text(path+".label", cat.Label)
		p.text(path+".description", cat.Description)
		seen := map[string]bool{}
		for j, m := range cat.ConsentMode {
			mp := index(path+".consentMode", j)
			switch {
			case p.bad[mp]:
			case !slices.Contains(consentModeTypes, m):
				p.fail(mp, "%q is not a Google Consent Mode type: write one of %s", m, strings.Join(consentModeTypes, ", "))
			case seen[m]:
				p.fail(mp, "%q is listed twice: keep one", m)
			case modeOwner[m] != "":
				p.fail(mp, "%q is already granted by category %q: a Consent Mode type belongs to one category", m, modeOwner[m])
			default:
				seen[m] = true
				modeOwner[m] = cat.ID
			}
		}
	}
	return catIndex
}

// validateServices checks the services against the categories, whose
// usable ids catIndex holds.
func (p *parser) validateServices(svcs []Service, cats []Category, catIndex map[string]int) {
	var catIDs []string // for "use one of …", in file order
	for i, c := range cats {
		if j, ok := catIndex[c.ID]; ok && j == i {
			catIDs = append(catIDs, c.ID)
		}
	}
	p.uniqueIDs("services", "service", len(svcs), func(i int) string { return svcs[i].ID })
	hostOwner := map[string]int{}
	idOwner := map[string]int{}
	for i, s := range svcs {
		path := index("services", i)
		ci, defined := catIndex[s.Category]
		if s.Category != "" && !defined {
			p.fail(path+".category", "category %q is not defined: use one of %s, or add it under \"categories\"", s.Category, quoteList(catIDs))
		}
		p.text(path+".name", s.Name)
		p.text(path+".provider", s.Provider)
		p.text(path+".purpose", s.Purpose)
		if len(s.Transmissions) > 0 && !p.present(path+".provider") {
			// The external-transmission table lists the services of third
			// parties; rows under a service of the operator's own would
			// never be shown.
			p.fail(path+".transmissions", `only a service run by a third party sends information outside: add its "provider", or remove "transmissions" if the site runs this service itself`)
		}
		for j, t := range s.Transmissions {
			tp := index(path+".transmissions", j)
			p.text(tp+".data", t.Data)
			p.text(tp+".recipient", t.Recipient)
			p.text(tp+".purpose", t.Purpose)
		}
		p.url(path+".privacyUrl", s.PrivacyURL)
		p.url(path+".optOutUrl", s.OptOutURL)
		names := map[string]bool{}
		for j, ck := range s.Cookies {
			cp := index(path+".cookies", j)
			if msg := checkCookieName(ck.Name); msg != "" {
				p.fail(cp+".name", "%s", msg)
			} else if names[ck.Name] {
				p.fail(cp+".name", "cookie %q is listed twice in this service: keep one", ck.Name)
			} else if ck.Name != "" {
				names[ck.Name] = true
			}
			if ck.Domain != "" {
				if msg := checkHost(strings.TrimPrefix(ck.Domain, ".")); msg != "" {
					p.fail(cp+".domain", "%s", msg)
				}
			}
			if ck.Path != "" && (!strings.HasPrefix(ck.Path, "/") || strings.ContainsAny(ck.Path, " ;\t\r\n")) {
				p.fail(cp+".path", "a cookie path starts with / and has no spaces or semicolons, like /app")
			}
			if ck.LifetimeDays < 0 {
				p.fail(cp+".lifetimeDays", "write the number of days the cookie lasts, or leave the field out for a cookie deleted when the browser closes")
			}
			p.text(cp+".purpose", ck.Purpose)
		}
		for j, h := range s.Hosts {
			hp := index(path+".hosts", j)
			if msg := checkHost(h); msg != "" {
				p.fail(hp, "%s", msg)
			} else if k, dup := hostOwner[h]; dup {
				p.fail(hp, "host %q is already listed by services[%d]: a host belongs to one service, so that doui knows which consent it waits for", h, k)
			} else {
				hostOwner[h] = i
			}
		}
		for j, id := range s.MeasurementIDs {
			mp := index(path+".measurementIds", j)
			if msg := checkMeasurementID(id); msg != "" {
				p.fail(mp, "%s", msg)
			} else if k, dup := idOwner[id]; dup {
				p.fail(mp, "measurement ID %q is already listed by services[%d]: keep one", id, k)
			} else {
				idOwner[id] = i
			}
		}
		if defined && cats[ci].Required && len(s.MeasurementIDs) > 0 {
			p.fail(path+".category", "Google Analytics cannot be in the required category %q: visitors must be able to refuse it; put it in an optional category such as \"analytics\"", s.Category)
		}
	}
}

// validateCollection checks what is collected without cookies.
func (p *parser) validateCollection(cols []Collection) {
	p.uniqueIDs("collection", "collection", len(cols), func(i int) string { return cols[i].ID })
	for i, c := range cols {
		path := index("collection", i)
		if c.Kind != "" && !slices.Contains(collectionKinds, c.Kind) {
			p.fail(path+".kind", "%q is not a kind of collection: write one of %s", c.Kind, quoteList(collectionKinds))
		}
		p.text(path+".name", c.Name)
		p.url(path+".url", c.URL)
		if p.present(path+".fields") && len(c.Fields) == 0 {
			p.fail(path+".fields", `list what is collected, like [{"name": {"ja": "メールアドレス", "en": "e-mail address"}, "required": true}]`)
		}
		for j, f := range c.Fields {
			p.text(index(path+".fields", j)+".name", f.Name)
		}
		p.text(path+".purpose", c.Purpose)
		p.text(path+".retention", c.Retention)
		p.text(path+".sharedWith", c.SharedWith)
	}
}

// validateSections checks the sections of the full policy page.
func (p *parser) validateSections(secs []Section) {
	p.uniqueIDs("sections", "section", len(secs), func(i int) string { return secs[i].ID })
	for i, s := range secs {
		path := index("sections", i)
		p.text(path+".title", s.Title)
		p.text(path+".body", s.Body)
		for j, l := range s.Links {
			lp := index(path+".links", j)
			p.text(lp+".label", l.Label)
			p.url(lp+".url", l.URL)
		}
	}
}

// validateUI checks the overrides of the interface strings.
func (p *parser) validateUI(ui map[string]map[string]string) {
	for lang, strs := range ui {
		lp := child("ui", lang)
		if p.langs != nil && !slices.Contains(p.langs, lang) {
			p.errorAt(p.keyPos[lp], lp, "%q is not one of the site's languages (%s): add it to site.languages or remove it here", lang, strings.Join(p.langs, ", "))
			continue
		}
		for key := range strs {
			if !isUIKey(key) {
				kp := child(lp, key)
				p.errorAt(p.keyPos[kp], kp, "%q is not an interface string name: names are letters and digits, like acceptAll", key)
			}
		}
	}
}

// text checks a localized text: one non-empty entry for each declared
// language and none for others. Absent optional texts are fine; absent
// required ones were reported while decoding.
func (p *parser) text(path string, t Text) {
	if !p.present(path) || p.bad[path] || p.langs == nil {
		return
	}
	var missing []string
	for _, l := range p.langs {
		if _, ok := t[l]; !ok {
			missing = append(missing, l)
		}
	}
	for l := range t {
		if !slices.Contains(p.langs, l) {
			lp := child(path, l)
			p.errorAt(p.keyPos[lp], lp, "%q is not one of the site's languages (%s): add it to site.languages or remove this text", l, strings.Join(p.langs, ", "))
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		p.fail(path, "the %s text is missing: add %q: \"…\"", langName(missing[0]), missing[0])
	default:
		p.fail(path, "the texts for %s are missing: every text needs one per language in site.languages", quoteList(missing))
	}
}

func langName(l string) string {
	switch l {
	case "ja":
		return "Japanese (\"ja\")"
	case "en":
		return "English (\"en\")"
	}
	return strconv.Quote(l)
}

// url checks an address visitors may follow: it must be a full http(s) URL,
// so that nothing like javascript: or data: ever reaches a page.
func (p *parser) url(path, s string) {
	if s == "" || p.bad[path] {
		return
	}
	if msg := checkURL(s); msg != "" {
		p.fail(path, "%s", msg)
	}
}

func checkURL(s string) string {
	const want = "write a full web address starting with https://, like https://www.example.go.jp/privacy"
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "a web address cannot contain spaces or line breaks: " + want
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("%q is not a valid web address: %s", s, want)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return fmt.Sprintf("%q is not a full web address: %s", s, want)
		}
		return fmt.Sprintf("%s: addresses are not allowed here: %s", u.Scheme, want)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Sprintf("%q has no host name: %s", s, want)
	}
	if u.User != nil {
		return "a web address here cannot hold a user name or password: remove the part before @"
	}
	return ""
}

// checkHost checks a bare host name such as www.googletagmanager.com.
func checkHost(h string) string {
	if strings.Contains(h, "/") || strings.Contains(h, ":") {
		return fmt.Sprintf("%q: write the host name only, without https:// or a path, like www.googletagmanager.com", h)
	}
	if strings.ToLower(h) != h {
		return fmt.Sprintf("%q: write host names in lower case, like %s", h, strings.ToLower(h))
	}
	labels := strings.Split(h, ".")
	if len(h) > 253 || len(labels) < 2 {
		return fmt.Sprintf("%q is not a host name: write one like www.example.com", h)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Sprintf("%q is not a host name: write one like www.example.com", h)
		}
		for _, c := range []byte(l) {
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return fmt.Sprintf("%q is not a host name: use only letters, digits, '-' and '.', like www.example.com (write internationalized names in their xn-- form)", h)
			}
		}
	}
	return ""
}

// checkCookieName checks an exact cookie name or a prefix pattern ending in
// one '*'.
func checkCookieName(name string) string {
	prefix, _ := strings.CutSuffix(name, "*")
	switch {
	case name == "*":
		return `a lone * would match every cookie: write the start of the names before it, like "_ga_*"`
	case strings.Contains(prefix, "*"):
		return fmt.Sprintf("%q: a pattern has one * and only at the end, like \"_ga_*\"; list other cookies separately", name)
	}
	for _, c := range []byte(prefix) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return fmt.Sprintf("%q is not a cookie name: cookie names use ASCII letters, digits and _-.!#$%%&'+^`|~, without spaces", name)
		}
	}
	return ""
}

// checkMeasurementID accepts Google Analytics 4 IDs. Universal Analytics
// (UA-) stopped processing data on 1 July 2024; an admin still listing one
// should replace it, not have doui guard a tag that no longer collects.
func checkMeasurementID(id string) string {
	const want = "write the Google Analytics 4 measurement ID: G- followed by capital letters and digits, like G-ABC123XYZ9"
	rest, ok := strings.CutPrefix(id, "G-")
	switch {
	case strings.HasPrefix(strings.ToUpper(id), "UA-"):
		return fmt.Sprintf("%q is a Universal Analytics ID, which stopped collecting data in July 2024: %s", id, want)
	case !ok && strings.HasPrefix(id, "g-"), ok && strings.ToUpper(rest) != rest:
		return fmt.Sprintf("%q: write measurement IDs in capital letters, like %s", id, strings.ToUpper(id))
	case !ok || rest == "":
		return fmt.Sprintf("%q is not a measurement ID: %s", id, want)
	}
	for _, c := range []byte(rest) {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Sprintf("%q is not a measurement ID: %s", id, want)
		}
	}
	return ""
}

// checkID checks an id of a category, service, collection or section and
// reports whether it is usable for the uniqueness check. Every id follows
// the rule for category ids, which is banner's: a stored record holds them,
// and one that banner.ValidCategoryID refuses would never decode. One rule
// for all ids is also what an admin expects.
func (p *parser) checkID(path, id string) bool {
	if id == "" || p.bad[path] {
		return false
	}
	if !banner.ValidCategoryID(id) {
		p.fail(path, "%q is not a valid id: use lower-case letters a-z, digits, '_' and '-' (at most 64), like %q", id, suggestID(id))
		return false
	}
	return true
}

func suggestID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(id) {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_' || r == '-':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "analytics"
	}
	return b.String()
}

func isLangCode(l string) bool {
	first, rest, _ := strings.Cut(l, "-")
	if len(first) < 2 || len(first) > 3 {
		return false
	}
	for _, c := range []byte(first) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	for _, sub := range strings.Split(rest, "-") {
		if rest == "" {
			break
		}
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for _, c := range []byte(sub) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				return false
			}
		}
	}
	return true
}

func isUIKey(k string) bool {
	if k == "" || !('a' <= k[0] && k[0] <= 'z' || 'A' <= k[0] && k[0] <= 'Z') {
		return false
	}
	for _, c := range []byte(k) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
