package banner

// Config is what the browser needs to know about a policy. policyjson fills it
// from the admin's policy file; the server embeds it in doui.js as JSON (the
// tags below); the wasm reads it back field by field with the browser's
// JSON.parse, so it stays flat: strings, bools, ints and slices of small
// structs, never maps of interfaces.
type Config struct {
	// Fingerprint is the short hash over everything that changes the meaning
	// of consent. A stored record with another fingerprint is asked again.
	Fingerprint string `json:"fp"`
	// Version is the admin's human version string, shown nowhere in logic.
	Version string `json:"ver,omitempty"`
	// LifetimeDays is how long a decision holds before the visitor is asked
	// again (policy default 182, at most 395: 13 months of 365/12 days, rounded down).
	LifetimeDays int `json:"days"`
	// GPC says whether a Global Privacy Control signal refuses the
	// non-required categories.
	GPC bool `json:"gpc"`
	// Categories in display order. Exactly the required ones are granted
	// without a record.
	Categories []Category `json:"cats"`
}

// Category is one thing a visitor can consent to.
type Category struct {
	ID       string `json:"id"`
	Required bool   `json:"req,omitempty"`
	// ConsentMode lists the Google Consent Mode v2 types this category grants:
	// analytics_storage, ad_storage, ad_user_data, ad_personalization,
	// functionality_storage, personalization_storage, security_storage.
	ConsentMode []string  `json:"cm,omitempty"`
	Services    []Service `json:"svc,omitempty"`
}

// Service is a tool or third party working under a category.
type Service struct {
	Name string `json:"name"`
	// Cookies the service sets, deleted when its category is withdrawn.
	Cookies []Cookie `json:"cookies,omitempty"`
	// Hosts its scripts, frames and images load from (e.g.
	// "www.googletagmanager.com"); elements from these hosts added by other
	// scripts are held back until the category is granted.
	Hosts []string `json:"hosts,omitempty"`
	// MeasurementIDs are Google Analytics IDs ("G-XXXX"): window['ga-disable-ID']
	// is true while the category is not granted.
	MeasurementIDs []string `json:"ga,omitempty"`
}

// Cookie names a cookie to delete on withdrawal. Name is exact ("_gid") or a
// prefix pattern ending in one '*' ("_ga_*"). Domain is empty for the page's
// own host and its parents.
type Cookie struct {
	Name   string `json:"name"`
	Domain string `json:"domain,omitempty"`
	Path   string `json:"path,omitempty"`
}

// Category returns the category with id, or false.
func (c *Config) Category(id string) (Category, bool) {
	for _, cat := range c.Categories {
		if cat.ID == id {
			return cat, true
		}
	}
	return Category{}, false
}
