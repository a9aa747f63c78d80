package policyjson

import (
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/doui-consent/doui/banner"
)

// Fingerprint is a 16-character hash, [a-z2-7], over what a visitor's
// consent means. A stored decision with another fingerprint is asked again,
// so it must change when the meaning does and stay put otherwise.
//
// It covers:
//   - each category's id, whether it is required and the Consent Mode types
//     it grants;
//   - each service's id, its category, the host of its provider's privacy
//     policy (the provider's identity), its cookies (name, domain, path,
//     lifetime), the hosts it loads from, its measurement IDs and how many
//     data/recipient/purpose rows it discloses;
//   - consent.revision.
//
// It leaves out every text: names, labels, descriptions, purposes, the data
// and recipients as worded. Hashing text, even normalised, would make a typo
// fix ask every visitor again, and no normalisation can tell a typo from a
// new meaning. Instead, what makes a purpose or a recipient new shows in the
// structure: a new third party is a new service (new id, new hosts, new
// privacy-policy host), a new purpose is a new category or service, new data
// sent is a new transmission row. A rewording that changes what an existing
// row means is the one case the structure cannot see; the admin raises
// consent.revision for it, as cookieconsent's "revision" does.
//
// Order is left out too (categories and services are sorted by id), and so
// are the site, contact, collection without cookies (it needs no consent),
// sections, interface strings, lifetime and GPC rule: none changes what was
// agreed to.
func (p *Policy) Fingerprint() string {
	var b strings.Builder
	w := func(fields ...string) {
		for _, f := range fields {
			// Length-prefixed, so that no two different inputs write the
			// same bytes.
			b.WriteString(strconv.Itoa(len(f)))
			b.WriteByte(':')
			b.WriteString(f)
		}
		b.WriteByte(';')
	}
	w("doui-fingerprint-1", "revision", strconv.Itoa(p.Consent.Revision))

	cats := slices.Clone(p.Categories)
	slices.SortFunc(cats, func(a, b Category) int { return strings.Compare(a.ID, b.ID) })
	for _, c := range cats {
		modes := slices.Sorted(slices.Values(c.ConsentMode))
		w(append([]string{"category", c.ID, strconv.FormatBool(c.Required)}, modes...)...)
	}

	svcs := slices.Clone(p.Services)
	slices.SortFunc(svcs, func(a, b Service) int { return strings.Compare(a.ID, b.ID) })
	for _, s := range svcs {
		w("service", s.ID, s.Category, urlHost(s.PrivacyURL), strconv.Itoa(len(s.Transmissions)))
		cks := slices.Clone(s.Cookies)
		slices.SortFunc(cks, func(a, b Cookie) int { return strings.Compare(a.Name, b.Name) })
		for _, c := range cks {
			w("cookie", c.Name, strings.ToLower(strings.TrimPrefix(c.Domain, ".")), c.Path, strconv.Itoa(c.LifetimeDays))
		}
		w(append([]string{"hosts"}, slices.Sorted(slices.Values(s.Hosts))...)...)
		w(append([]string{"ga"}, slices.Sorted(slices.Values(s.MeasurementIDs))...)...)
	}
	sum := sha256.Sum256([]byte(b.String()))
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	return strings.ToLower(enc.EncodeToString(sum[:10]))
}

func urlHost(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// Config converts the policy into what the browser needs, with the
// defaults applied: a lifetime of DefaultLifetimeMonths and GPC counted as
// refusal unless the policy says otherwise.
func (p *Policy) Config() banner.Config {
	months := p.Consent.LifetimeMonths
	if months <= 0 {
		months = DefaultLifetimeMonths
	}
	months = min(months, MaxLifetimeMonths)
	gpc := true
	if p.Consent.GPC != nil {
		gpc = *p.Consent.GPC
	}
	cfg := banner.Config{
		Fingerprint: p.Fingerprint(),
		Version:     p.Site.Version,
		// Whole days, rounded down: 6 months is 182 days, 13 is 395.
		LifetimeDays: months * 365 / 12,
		GPC:          gpc,
	}
	for _, c := range p.Categories {
		bc := banner.Category{ID: c.ID, Required: c.Required, ConsentMode: slices.Clone(c.ConsentMode)}
		for _, s := range p.Services {
			if s.Category != c.ID {
				continue
			}
			bs := banner.Service{
				Name:           p.Text(s.Name, p.Site.DefaultLanguage),
				Hosts:          slices.Clone(s.Hosts),
				MeasurementIDs: slices.Clone(s.MeasurementIDs),
			}
			for _, ck := range s.Cookies {
				bs.Cookies = append(bs.Cookies, banner.Cookie{Name: ck.Name, Domain: ck.Domain, Path: ck.Path})
			}
			bc.Services = append(bc.Services, bs)
		}
		cfg.Categories = append(cfg.Categories, bc)
	}
	return cfg
}
