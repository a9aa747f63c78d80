package scan

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/doui-consent/doui/banner"
	"github.com/doui-consent/doui/policyjson"
)

// known.json is the table of well-known services the proposal recognises.
// Each entry is written from the vendor's own documentation, which its
// "sources" cite: the hosts its published snippet loads from and sends to,
// the cookies the vendor says it sets, and texts in the policy's format.
// "match" entries are a host (covering its subdomains, as policy hosts
// do) or a host and a path prefix, where one host serves two services
// (Google's gtag.js and gtm.js). Lifetimes are not in the table: the
// proposal writes what the browser saw.
//
//go:embed known.json
var knownJSON []byte

type knownTable struct {
	Categories map[string]knownCategory `json:"categories"`
	Services   []knownService           `json:"services"`
}

type knownCategory struct {
	Label       policyjson.Text `json:"label"`
	Description policyjson.Text `json:"description"`
	ConsentMode []string        `json:"consentMode"`
}

type knownService struct {
	ID            string                    `json:"id"`
	Category      string                    `json:"category"`
	Match         []string                  `json:"match"`
	Cookies       []knownCookie             `json:"cookies"`
	Name          policyjson.Text           `json:"name"`
	Provider      policyjson.Text           `json:"provider"`
	Purpose       policyjson.Text           `json:"purpose"`
	Transmissions []policyjson.Transmission `json:"transmissions"`
	PrivacyURL    string                    `json:"privacyUrl"`
	OptOutURL     string                    `json:"optOutUrl"`
	Sources       []string                  `json:"sources"`
}

type knownCookie struct {
	Name    string          `json:"name"`
	Purpose policyjson.Text `json:"purpose"`
}

// loadKnown decodes the embedded table. It is small (a few KB); a scan
// decodes it once.
func loadKnown() (*knownTable, error) {
	dec := json.NewDecoder(bytes.NewReader(knownJSON))
	dec.DisallowUnknownFields()
	var k knownTable
	if err := dec.Decode(&k); err != nil {
		return nil, fmt.Errorf("known services table (server/scan/known.json): %w", err)
	}
	return &k, nil
}

// byRequest returns the known service a request to host and path belongs
// to, or nil. path "" matches host-only entries and the host part of the
// others, for a host named without a request (a tag's inline text, a
// policy's declared host).
func (k *knownTable) byRequest(host, path string) *knownService {
	for i := range k.Services {
		s := &k.Services[i]
		for _, m := range s.Match {
			h, p, hasPath := strings.Cut(m, "/")
			if coversHost(h, host) && (!hasPath || path == "" || strings.HasPrefix(path, "/"+p)) {
				return s
			}
		}
	}
	return nil
}

// byCookie returns the known service that sets a cookie called name, and
// the table's pattern for it.
func (k *knownTable) byCookie(name string) (*knownService, *knownCookie) {
	for i := range k.Services {
		s := &k.Services[i]
		for j := range s.Cookies {
			if banner.MatchCookie(s.Cookies[j].Name, name) {
				return s, &s.Cookies[j]
			}
		}
	}
	return nil, nil
}

// hosts returns the host part of every match entry: the names an inline
// script mentions when it loads the service.
func (s *knownService) hosts() []string {
	out := make([]string, len(s.Match))
	for i, m := range s.Match {
		out[i], _, _ = strings.Cut(m, "/")
	}
	return out
}

// coversHost reports whether a declared host pattern covers host: the same
// host or a subdomain of it.
func coversHost(pattern, host string) bool {
	return host == pattern || strings.HasSuffix(host, "."+pattern)
}
