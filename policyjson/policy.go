package policyjson

// Text is a string per language code ("ja", "en"). Every Text in a policy has
// an entry for every language the site declares.
type Text map[string]string

// Policy is one site's privacy policy as the admin writes it.
//
// The field set is shared with the server's templates (banner markup,
// /privacy page): fields may be added, but not renamed or removed without
// updating server/.
type Policy struct {
	Schema     string       `json:"$schema,omitempty"`
	Site       Site         `json:"site"`
	Consent    Consent      `json:"consent,omitzero"`
	Categories []Category   `json:"categories"`
	Services   []Service    `json:"services"`
	Collection []Collection `json:"collection,omitempty"`
	Sections   []Section    `json:"sections,omitempty"`
	// UI overrides doui's built-in interface strings, per language and key
	// (e.g. {"ja": {"acceptAll": "同意する"}}).
	UI map[string]map[string]string `json:"ui,omitempty"`
}

// Site says whose policy this is and what it covers.
type Site struct {
	Name     Text `json:"name"`
	Operator Text `json:"operator"`
	// Scope lists the URL prefixes the policy covers, when the site states
	// them (a policy may name its site only in words, as most seeds do).
	Scope []string `json:"scope,omitempty"`
	// Law names the law or ordinance the policy follows.
	Law Text `json:"law,omitempty"`
	// Effective is the date the policy took effect, YYYY-MM-DD, when the
	// site states one (of the seeds, only MOFA does).
	Effective string `json:"effective,omitempty"`
	// Version is the admin's own label ("2024-04 rev. 2"), if any.
	Version string `json:"version,omitempty"`
	// Languages offered, in display order; DefaultLanguage is one of them.
	Languages       []string `json:"languages"`
	DefaultLanguage string   `json:"defaultLanguage"`
	// PolicyURL is the full policy page on the site itself. Without one the
	// banner links to doui's own rendering of the policy (/privacy).
	PolicyURL string `json:"policyUrl,omitempty"`
	// Contact is whom visitors ask. It is optional in the format because
	// some published policies give none; doui check warns when it is absent.
	Contact Contact `json:"contact,omitzero"`
}

// Contact is where visitors send questions and disclosure requests.
type Contact struct {
	Name    Text   `json:"name"`
	Address Text   `json:"address,omitempty"`
	FormURL string `json:"formUrl,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
}

// Consent holds the rules for the stored decision.
type Consent struct {
	// LifetimeMonths before the visitor is asked again: default 6, at most 13.
	LifetimeMonths int `json:"lifetimeMonths,omitempty"`
	// GPC: whether a Global Privacy Control signal refuses the non-required
	// categories. Default true.
	GPC *bool `json:"gpc,omitempty"`
	// Revision is bumped by the admin to ask every visitor again after a
	// change the fingerprint cannot see: a purpose, the data sent or a
	// recipient that now means something else, though no id, cookie or host
	// changed. Wording and typo fixes need no new revision.
	Revision int `json:"revision,omitempty"`
}

// Category is a purpose a visitor consents to (or, if Required, is told about).
type Category struct {
	ID          string `json:"id"`
	Required    bool   `json:"required,omitempty"`
	Label       Text   `json:"label"`
	Description Text   `json:"description"`
	// ConsentMode lists the Google Consent Mode v2 types this category grants.
	ConsentMode []string `json:"consentMode,omitempty"`
}

// Service is a tool or third party working under one category.
type Service struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Name     Text   `json:"name"`
	// Provider is the third party that runs the service. It is left out
	// for a service the site's operator runs itself: only services with a
	// provider are "outside services" in the banner's summary and the
	// external-transmission table of /privacy.
	Provider Text `json:"provider,omitempty"`
	// Purpose says why the site uses the service. Optional because a
	// policy may mention a service without saying why (MOFA's social
	// media); doui check warns when it is absent.
	Purpose Text `json:"purpose,omitempty"`
	// Transmissions is the external-transmission disclosure: what data goes
	// to whom and why. Only a service with a provider may have them.
	Transmissions  []Transmission `json:"transmissions,omitempty"`
	PrivacyURL     string         `json:"privacyUrl,omitempty"`
	OptOutURL      string         `json:"optOutUrl,omitempty"`
	Cookies        []Cookie       `json:"cookies,omitempty"`
	Hosts          []string       `json:"hosts,omitempty"`
	MeasurementIDs []string       `json:"measurementIds,omitempty"`
}

// Transmission is one row of the external-transmission table.
type Transmission struct {
	Data      Text `json:"data"`
	Recipient Text `json:"recipient"`
	Purpose   Text `json:"purpose"`
}

// Cookie is a cookie a service sets: an exact name or a prefix pattern ending
// in '*' ("_ga_*").
type Cookie struct {
	Name   string `json:"name"`
	Domain string `json:"domain,omitempty"`
	// LifetimeDays is 0 for a session cookie.
	// Path is the cookie's Path attribute, when it is not "/" or the page's
	// own directory.
	Path         string `json:"path,omitempty"`
	LifetimeDays int    `json:"lifetimeDays,omitempty"`
	Purpose      Text   `json:"purpose,omitempty"`
}

// Collection is information gathered without cookies: access logs, forms,
// mail services.
type Collection struct {
	ID string `json:"id"`
	// Kind is "access-log" (recorded automatically with every visit, so
	// its fields are shown as collected automatically), "form",
	// "mail-service" or "other".
	Kind string `json:"kind"`
	Name Text   `json:"name"`
	// URL of the form or sign-up page, if any.
	URL     string  `json:"url,omitempty"`
	Fields  []Field `json:"fields"`
	Purpose Text    `json:"purpose"`
	// Retention says how long the information is kept, when the site states
	// it (none of the seed policies does).
	Retention Text `json:"retention,omitempty"`
	// Recipients other than the operator, if any (e.g. other ministries).
	SharedWith Text `json:"sharedWith,omitempty"`
}

// Field is one item of collected information.
type Field struct {
	Name Text `json:"name"`
	// Required is true when the visitor must give the item, false when the
	// site says it is optional, and nil when the site does not say (then
	// nothing is printed). Items of an access log are neither: they are
	// recorded automatically.
	Required *bool `json:"required,omitempty"`
}

// Section is a part of the full policy page, in display order. Body
// paragraphs are separated by a blank line.
type Section struct {
	ID    string `json:"id"`
	Title Text   `json:"title"`
	Body  Text   `json:"body"`
	Links []Link `json:"links,omitempty"`
}

// Link is a labelled URL.
type Link struct {
	Label Text   `json:"label"`
	URL   string `json:"url"`
}
