package policyjson

import (
	"fmt"
	"net/url"
	"strings"
)

// lint finds what a valid policy allows but a published one should not
// keep: values that look like placeholders or inventions, and what the
// format leaves optional only because real policies sometimes lack it.
// Each is a warning (see Check), never an error: an admin trying doui out
// with the example policies must be able to serve them, and a site whose
// policy truly names no contact is better served with a banner than
// without one. The point is that nothing invented goes out unnoticed.
func (p *parser) lint(pol *Policy) {
	s := &pol.Site
	if !p.present("site.contact") {
		p.warn("site.contact", `no contact is given: visitors cannot tell whom to ask about their information or where to ask for its disclosure; add "contact" with at least the office's "name"`)
	}
	for i, u := range s.Scope {
		p.lintURL(index("site.scope", i), u)
	}
	p.lintURL("site.policyUrl", s.PolicyURL)
	p.lintURL("site.contact.formUrl", s.Contact.FormURL)
	if _, domain, ok := strings.Cut(s.Contact.Email, "@"); ok && placeholderHost(domain) {
		p.warn("site.contact.email", "%q is a placeholder address (%s is reserved for examples): write the office's real e-mail address or leave the field out", s.Contact.Email, domain)
	}
	if placeholderPhone(s.Contact.Phone) {
		p.warn("site.contact.phone", "%q looks like a placeholder: write the office's real telephone number or leave the field out", s.Contact.Phone)
	}
	for i, svc := range pol.Services {
		path := index("services", i)
		if svc.Purpose == nil {
			p.warn(path+".purpose", `the service has no purpose: say why the site uses it ("purpose"); visitors read it on the policy page`)
		}
		if svc.Provider != nil && len(svc.Transmissions) == 0 {
			p.warn(path+".transmissions", `a third party runs this service, but nothing says what it receives: add "transmissions" with the data sent, the recipient and why (Japan's Telecommunications Business Act asks sites to publish them)`)
		}
		p.lintURL(path+".privacyUrl", svc.PrivacyURL)
		p.lintURL(path+".optOutUrl", svc.OptOutURL)
		for j, h := range svc.Hosts {
			if placeholderHost(h) {
				p.warn(index(path+".hosts", j), "%q is a placeholder host (reserved for examples): list the hosts the service really loads from", h)
			}
		}
		for j, ck := range svc.Cookies {
			if d := strings.TrimPrefix(ck.Domain, "."); d != "" && placeholderHost(d) {
				p.warn(index(path+".cookies", j)+".domain", "%q is a placeholder domain (reserved for examples): write the domain the cookie is really set on, or leave the field out", ck.Domain)
			}
		}
		for j, id := range svc.MeasurementIDs {
			if placeholderMeasurementID(id) {
				p.warn(index(path+".measurementIds", j), "%q looks like a placeholder: write the site's own Google Analytics 4 measurement ID (in Google Analytics: Admin → Data streams)", id)
			}
		}
	}
	for i, c := range pol.Collection {
		p.lintURL(index("collection", i)+".url", c.URL)
	}
	for i, sec := range pol.Sections {
		for j, l := range sec.Links {
			p.lintURL(index(index("sections", i)+".links", j)+".url", l.URL)
		}
	}
}

// warn records a warning about the value at path, located as fail locates
// an error.
func (p *parser) warn(path, format string, args ...any) {
	p.warns = append(p.warns, &Error{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...), Warning: true, off: p.at(path)})
}

func (p *parser) lintURL(path, s string) {
	if s == "" {
		return
	}
	if u, err := url.Parse(s); err == nil && placeholderHost(u.Hostname()) {
		p.warn(path, "%q is a placeholder address (%s is reserved for examples): write the real address or leave the field out", s, u.Hostname())
	}
}

// placeholderHost reports whether h is a name reserved for examples and
// tests (RFC 2606, RFC 6761): example.com and the like, and any name under
// .example, .test, .invalid or .localhost. A name with an "example" label
// anywhere (www.example.go.jp, the form documentation uses) counts too:
// no real site is named so.
func placeholderHost(h string) bool {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	labels := strings.Split(h, ".")
	switch labels[len(labels)-1] {
	case "test", "invalid", "localhost", "example":
		return true
	}
	for _, l := range labels {
		if l == "example" {
			return true
		}
	}
	return false
}

// placeholderMeasurementID reports whether a G- ID is one written in
// documentation or invented for a test rather than one Google issued:
// runs of X, a single repeated character, or words like TEST and DEMO.
// Google's IDs are ten random capitals and digits, of which about one in
// fifty thousand holds such a word: a false warning costs its reader a
// glance, a placeholder served costs the site its opt-out.
func placeholderMeasurementID(id string) bool {
	rest := strings.TrimPrefix(id, "G-")
	if rest == "" {
		return false
	}
	if strings.Count(rest, rest[:1]) == len(rest) || strings.Contains(rest, "XXXX") {
		return true
	}
	for _, w := range []string{"TEST", "DEMO", "EXAMPLE", "SAMPLE", "DUMMY"} {
		if strings.Contains(rest, w) {
			return true
		}
	}
	return false
}

// placeholderPhone reports whether a telephone number has only one digit
// repeated after its area code, like 03-0000-0000.
func placeholderPhone(phone string) bool {
	groups := strings.FieldsFunc(phone, func(r rune) bool { return r < '0' || r > '9' })
	if len(groups) < 2 {
		return false
	}
	rest := strings.Join(groups[1:], "")
	return len(rest) >= 4 && strings.Count(rest, rest[:1]) == len(rest)
}
