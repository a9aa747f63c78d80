package scan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/doui-consent/doui/banner"
	"github.com/doui-consent/doui/policyjson"
)

// Proposal is what the scan suggests adding to the policy, as a fragment
// of it: the categories to add, and every service to add or to change,
// whole, so that each replaces the entry with its id.
type Proposal struct {
	Categories []policyjson.Category `json:"categories,omitempty"`
	Services   []policyjson.Service  `json:"services,omitempty"`
	// Placeholders counts the texts an admin must still write; each
	// starts with PlaceholderMark in English and 要確認 in Japanese.
	Placeholders int `json:"placeholders,omitempty"`
	// Changes says what the proposal does, one line each.
	Changes []string `json:"changes,omitempty"`
}

// PlaceholderMark starts every text the proposal could not know.
const PlaceholderMark = "TODO(doui scan)"

// proposer builds a proposal on a copy of the policy.
type proposer struct {
	pol      *policyjson.Policy
	orig     int // services of the policy before the proposal
	known    *knownTable
	prop     *Proposal
	changed  map[string]bool
	newCats  map[string]bool
	forKnown map[string]int // known service id → index of the service it became
}

// propose puts every undeclared host and cookie the analysis saw into a
// service: the policy's own when it already runs the known service they
// belong to, a new one for a known service, or a new one under the
// "unknown" category. It returns the proposal and the policy with it,
// which it has checked with policyjson.Parse.
func propose(p *policyjson.Policy, a *analysis) (*Proposal, *policyjson.Policy, error) {
	data, err := policyjson.Marshal(p)
	if err != nil {
		return nil, nil, fmt.Errorf("copy the policy: %w", err)
	}
	fixed, err := policyjson.Parse("policy", data)
	if err != nil {
		return nil, nil, fmt.Errorf("copy the policy: %w", err)
	}
	pr := &proposer{pol: fixed, orig: len(fixed.Services), known: a.known, prop: &Proposal{},
		changed: map[string]bool{}, newCats: map[string]bool{}, forKnown: map[string]int{}}
	for _, u := range sortedValues(a.hosts) {
		pr.addHost(u)
	}
	for _, u := range sortedValues(a.cookies) {
		if !isDouiCookie(u.cookie.Name) {
			pr.addCookie(u)
		}
	}
	for _, c := range fixed.Categories {
		if pr.newCats[c.ID] {
			pr.prop.Categories = append(pr.prop.Categories, c)
		}
	}
	for _, s := range fixed.Services {
		if pr.changed[s.ID] {
			pr.prop.Services = append(pr.prop.Services, s)
		}
	}
	out, err := policyjson.Marshal(fixed)
	if err == nil {
		_, err = policyjson.Parse("the proposed policy", out)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the proposed policy does not pass doui check, a bug in doui scan: %w", err)
	}
	return pr.prop, fixed, nil
}

func (pr *proposer) addHost(u *undeclared) {
	var k *knownService
	for _, path := range u.paths {
		if k = pr.known.byRequest(u.host, path); k != nil {
			break
		}
	}
	i := -1
	if k != nil {
		i = pr.serviceFor(k)
	} else {
		// Hosts of one unknown site share its service.
		for j := pr.orig; j < len(pr.pol.Services); j++ {
			if s := &pr.pol.Services[j]; s.Category == "unknown" && slices.ContainsFunc(s.Hosts, func(h string) bool { return sameSite(h, u.host) }) {
				i = j
			}
		}
		if i < 0 {
			i = pr.newUnknown(u.host)
		}
	}
	s := &pr.pol.Services[i]
	s.Hosts = append(s.Hosts, u.host)
	pr.changed[s.ID] = true
	pr.note("add host %s to service %q (%s)", u.host, s.ID, s.Category)
}

func (pr *proposer) addCookie(u *undeclared) {
	c := u.cookie
	entry := policyjson.Cookie{Name: c.Name, LifetimeDays: c.LifetimeDays}
	if c.ThirdParty {
		entry.Domain = strings.TrimPrefix(c.Domain, ".")
	}
	k, kc := pr.known.byCookie(c.Name)
	i := -1
	switch {
	case k != nil:
		entry.Name = kc.Name
		entry.Purpose = pr.text(kc.Purpose)
		i = pr.serviceFor(k)
	case c.ThirdParty:
		d := strings.TrimPrefix(c.Domain, ".")
		for j := range pr.pol.Services {
			if slices.ContainsFunc(pr.pol.Services[j].Hosts, func(h string) bool { return coversHost(d, h) || coversHost(h, d) }) {
				i = j
				break
			}
		}
		if i < 0 {
			i = pr.newUnknown(d)
		}
	default:
		i = pr.unknownCookies()
	}
	s := &pr.pol.Services[i]
	for _, have := range s.Cookies {
		if have.Name == entry.Name {
			if have.Domain != entry.Domain {
				pr.note("cookie %s on %s: service %q lists %s for another domain; give the entry the domain %q, or list it again in another service", c.Name, c.Domain, s.ID, have.Name, entry.Domain)
			}
			return
		}
		if banner.MatchCookie(have.Name, c.Name) && have.Domain == entry.Domain {
			return
		}
	}
	s.Cookies = append(s.Cookies, entry)
	pr.changed[s.ID] = true
	pr.note("add cookie %s to service %q (%s)", entry.Name, s.ID, s.Category)
}

// serviceFor returns the service that runs known service k: the policy's
// own when one of its hosts is k's, else a new one made from the table.
func (pr *proposer) serviceFor(k *knownService) int {
	if i, ok := pr.forKnown[k.ID]; ok {
		return i
	}
	for i := 0; i < pr.orig; i++ {
		for _, h := range pr.pol.Services[i].Hosts {
			if pr.known.byRequest(h, "") == k {
				pr.forKnown[k.ID] = i
				return i
			}
		}
	}
	pr.category(k.Category)
	s := policyjson.Service{
		ID:         pr.freeID(k.ID),
		Category:   k.Category,
		Name:       pr.text(k.Name),
		Provider:   pr.text(k.Provider),
		Purpose:    pr.text(k.Purpose),
		PrivacyURL: k.PrivacyURL,
		OptOutURL:  k.OptOutURL,
	}
	for _, t := range k.Transmissions {
		s.Transmissions = append(s.Transmissions, policyjson.Transmission{Data: pr.text(t.Data), Recipient: pr.text(t.Recipient), Purpose: pr.text(t.Purpose)})
	}
	pr.pol.Services = append(pr.pol.Services, s)
	i := len(pr.pol.Services) - 1
	pr.forKnown[k.ID] = i
	pr.changed[s.ID] = true
	pr.note("add service %q (%s, category %q), from the known services table: %s", s.ID, k.Name["en"], k.Category, strings.Join(k.Sources, " "))
	return i
}

// newUnknown adds a service for a host no table knows, under "unknown",
// with placeholders for what only the admin can say.
func (pr *proposer) newUnknown(host string) int {
	pr.category("unknown")
	s := policyjson.Service{
		ID:       pr.freeID("unknown-" + idFrom(host)),
		Category: "unknown",
		Name:     pr.same(host),
		Provider: pr.placeholder(host+" を運営する事業者", "who runs "+host),
		Purpose:  pr.placeholder(host+" を使う目的", "why the site uses "+host),
	}
	pr.pol.Services = append(pr.pol.Services, s)
	pr.changed[s.ID] = true
	pr.note("add service %q under \"unknown\": doui scan does not know %s; say who runs it and why, or remove what loads it", s.ID, host)
	return len(pr.pol.Services) - 1
}

// unknownCookies returns the service collecting first-party cookies no
// table knows, adding it on first use.
func (pr *proposer) unknownCookies() int {
	const id = "unknown-cookies"
	for i := pr.orig; i < len(pr.pol.Services); i++ {
		if pr.pol.Services[i].ID == id {
			return i
		}
	}
	pr.category("unknown")
	s := policyjson.Service{
		ID:       pr.freeID(id),
		Category: "unknown",
		Name:     pr.text(policyjson.Text{"ja": "サイトのページが保存する Cookie（要確認）", "en": "Cookies the site's pages store (to review)"}),
		Purpose:  pr.placeholder("これらの Cookie を保存する目的", "why the site's pages store these cookies"),
	}
	pr.pol.Services = append(pr.pol.Services, s)
	pr.changed[s.ID] = true
	pr.note("add service %q under \"unknown\" for first-party cookies doui scan does not know", s.ID)
	return len(pr.pol.Services) - 1
}

// category makes sure the policy has category id, adding it from the
// table when it does not.
func (pr *proposer) category(id string) {
	for _, c := range pr.pol.Categories {
		if c.ID == id {
			return
		}
	}
	kc := pr.known.Categories[id]
	pr.pol.Categories = append(pr.pol.Categories, policyjson.Category{ID: id, Label: pr.text(kc.Label), Description: pr.text(kc.Description), ConsentMode: kc.ConsentMode})
	pr.newCats[id] = true
	pr.note("add category %q (%s)", id, kc.Label["en"])
}

// text gives t in every language of the site: as written when the table
// has the language, else in English.
func (pr *proposer) text(t policyjson.Text) policyjson.Text {
	if t == nil {
		return nil
	}
	out := policyjson.Text{}
	for _, l := range pr.pol.Site.Languages {
		out[l] = t[l]
		if out[l] == "" {
			out[l] = t["en"]
		}
	}
	return out
}

// same is a text that reads the same in every language, like a host name.
func (pr *proposer) same(s string) policyjson.Text {
	out := policyjson.Text{}
	for _, l := range pr.pol.Site.Languages {
		out[l] = s
	}
	return out
}

// placeholder is a text for the admin to write, marked so that it cannot
// be mistaken for a finished one.
func (pr *proposer) placeholder(ja, en string) policyjson.Text {
	pr.prop.Placeholders++
	return pr.text(policyjson.Text{
		"ja": "要確認（doui scan）: " + ja + "を書いてください",
		"en": PlaceholderMark + ": write " + en,
	})
}

func (pr *proposer) note(format string, args ...any) {
	pr.prop.Changes = append(pr.prop.Changes, fmt.Sprintf(format, args...))
}

// freeID returns id, or id-2, id-3 … when the policy has it already.
func (pr *proposer) freeID(id string) string {
	taken := func(s string) bool {
		return slices.ContainsFunc(pr.pol.Services, func(sv policyjson.Service) bool { return sv.ID == s })
	}
	out := id
	for n := 2; taken(out); n++ {
		out = fmt.Sprintf("%s-%d", id, n)
	}
	return out
}

// idFrom turns a host into the id characters banner accepts.
func idFrom(host string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(host) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}
