package scan

// Phase names one of the three visits of a page.
type Phase string

// The phases, in the order a page is visited.
const (
	BeforeChoice Phase = "before-choice"
	AfterReject  Phase = "after-reject"
	AfterAccept  Phase = "after-accept"
)

var phases = []Phase{BeforeChoice, AfterReject, AfterAccept}

// Visit is what the browser recorded in one phase of one page.
type Visit struct {
	Page  string `json:"page"`
	Phase Phase  `json:"phase"`
	// Skipped says why the phase did not run (no doui banner on the page);
	// the lists are then empty.
	Skipped string `json:"skipped,omitempty"`
	// Requests to hosts other than the page's own (its parents and
	// subdomains count as its own), doui's included, in the order they
	// started. Before "reject all" or "accept all" is clicked they belong
	// to before-choice: an after-* visit lists only what started from the
	// click on.
	Requests []Request `json:"requests,omitempty"`
	// Held are the elements doui still holds back when the visit settles.
	Held []Request `json:"held,omitempty"`
	// Cookies in the visit's browser context when it settled.
	Cookies []Cookie     `json:"cookies,omitempty"`
	Storage []StorageKey `json:"storage,omitempty"`
	// Note says what went wrong without spoiling the visit, such as an
	// engine that did not start in time.
	Note string `json:"note,omitempty"`
}

// Request is one request attempt to another host.
type Request struct {
	Host string `json:"host"`
	// URL is the address without its query or fragment: enough to tell
	// what was fetched, without the identifiers trackers put in queries.
	URL string `json:"url"`
	// Type is Chromium's resource type (Script, Image, Document …), or
	// the tag name of a held element.
	Type string `json:"type,omitempty"`
	// Initiator says what started it: "parser" (with Line and Col in the
	// page's HTML, or in the frame's document named by InitiatorURL),
	// "script" (InitiatorURL is the script, Line and Col the call), or
	// "frame" (a request of the frame whose document is InitiatorURL).
	// Empty when Chromium does not say.
	Initiator    string `json:"initiator,omitempty"`
	InitiatorURL string `json:"initiatorUrl,omitempty"`
	Line         int    `json:"line,omitempty"` // 1-based
	Col          int    `json:"col,omitempty"`  // 1-based
	// Category is the data-consent of a held element.
	Category string `json:"category,omitempty"`
}

// Cookie is a cookie as the browser stored it.
type Cookie struct {
	Name   string `json:"name"`
	Domain string `json:"domain"` // ".example.com" for a domain cookie, the host for a host-only one
	Path   string `json:"path"`
	// LifetimeDays is how long it lives from when the visit settled,
	// rounded up; 0 for a session cookie.
	LifetimeDays int    `json:"lifetimeDays,omitempty"`
	ThirdParty   bool   `json:"thirdParty,omitempty"`
	Secure       bool   `json:"secure,omitempty"`
	HTTPOnly     bool   `json:"httpOnly,omitempty"`
	SameSite     string `json:"sameSite,omitempty"`
}

// StorageKey is a key of the page's localStorage or sessionStorage.
type StorageKey struct {
	Area string `json:"area"` // "local" or "session"
	Key  string `json:"key"`
}

// page is everything known about one crawled page: its visits and what its
// first visit learnt about it.
type page struct {
	URL string
	// Final is the URL the page ended at, after redirects.
	Final string
	// Loader is the URL of doui's loader on the page, "" without doui.
	Loader string
	// HTML is the document as the server sent it, for tags and positions.
	HTML   []byte
	Links  []string
	Visits []Visit
	// Err says why the page could not be scanned.
	Err string
}
