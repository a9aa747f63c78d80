package banner

// FutureSkew is how far in the future a record's time may lie before Decide
// distrusts it: clocks drift, but a record from tomorrow was not made here.
const FutureSkew = 5 * Minute

// Reasons reported in Decision.Reason.
const (
	ReasonNoRecord    = "no-record"   // none, undecodable, or not an explicit choice
	ReasonFingerprint = "fingerprint" // made under another policy
	ReasonExpired     = "expired"     // older than the config's lifetime
	ReasonFuture      = "future"      // dated more than FutureSkew ahead
	ReasonValid       = "valid"       // the record decides
	ReasonGPC         = "gpc"         // no valid explicit record; GPC refuses
)

// Signals are what the browser says about the visitor's wishes.
type Signals struct {
	// GPC is navigator.globalPrivacyControl.
	GPC bool
}

// Decision is what a page does before the visitor acts.
type Decision struct {
	ShowBanner bool
	// Granted lists every granted category id, required ones included, in
	// config order.
	Granted []string
	// GPC is true when the Global Privacy Control signal refused the
	// non-required categories; the view shows a note saying so.
	GPC    bool
	Reason string
}

// Grants reports whether d grants category id.
func (d Decision) Grants(id string) bool { return contains(d.Granted, id) }

// Decide says whether to show the banner and which categories are granted
// now. r is nil when there is no stored record or it did not decode.
//
// The banner is shown when there is no valid explicit record: r is nil,
// made under another fingerprint, expired (r.Time plus LifetimeDays days is
// not after now; a lifetime of 0 or less expires everything), or dated more
// than FutureSkew after now. Required categories are always granted; other
// categories only when a valid record grants them, and ids the config does
// not know are ignored.
//
// GPC: when c.GPC and s.GPC and there is no valid explicit record, the banner
// is not shown, only required categories are granted and Decision.GPC is set.
// A valid explicit record (accept, reject, custom, withdraw) wins over GPC:
// the visitor made it through the preferences dialog, possibly while seeing
// the GPC note, and it is the more specific choice. A MethodGPC record is not
// explicit; it is treated like no record, so it never outlives the signal.
func Decide(c *Config, r *Record, s Signals, now Millis) Decision {
	reason := check(c, r, now)
	if reason == ReasonValid {
		granted := make([]string, 0, len(c.Categories))
		for _, cat := range c.Categories {
			if cat.Required || contains(r.Granted, cat.ID) {
				granted = append(granted, cat.ID)
			}
		}
		return Decision{Granted: granted, Reason: ReasonValid}
	}
	if c.GPC && s.GPC {
		return Decision{Granted: required(c), GPC: true, Reason: ReasonGPC}
	}
	return Decision{ShowBanner: true, Granted: required(c), Reason: reason}
}

func check(c *Config, r *Record, now Millis) string {
	switch {
	case r == nil || r.Version != RecordVersion || r.Method == MethodGPC || !r.Method.valid():
		return ReasonNoRecord
	case r.Fingerprint != c.Fingerprint:
		return ReasonFingerprint
	case r.Time > now+FutureSkew:
		return ReasonFuture
	case r.Time+lifetime(c) <= now:
		return ReasonExpired
	}
	return ReasonValid
}

// lifetime is c.LifetimeDays in Millis, bounded to a hundred years either
// way: a wild config value, positive or negative, would otherwise overflow
// into a lifetime that never ends. (policyjson allows at most 396 days.)
func lifetime(c *Config) Millis {
	const maxDays = 100 * 366
	return Millis(max(min(c.LifetimeDays, maxDays), -maxDays)) * Day
}

// required returns the ids of the required categories, in config order.
func required(c *Config) []string {
	var ids []string
	for _, cat := range c.Categories {
		if cat.Required {
			ids = append(ids, cat.ID)
		}
	}
	return ids
}

// Toggle is one category's switch in the preferences dialog.
type Toggle struct {
	ID string
	On bool
	// Locked switches are required categories: on and not changeable.
	Locked bool
}

// View is the state-dependent data the dialog and the server's templates
// need; plain values, no markup.
type View struct {
	Toggles    []Toggle
	GPCNote    bool
	ShowBanner bool
}

// MakeView returns the dialog state for decision d: one toggle per category
// in config order, on only when granted (never pre-ticked), locked when
// required.
func MakeView(c *Config, d Decision) View {
	v := View{
		Toggles:    make([]Toggle, 0, len(c.Categories)),
		GPCNote:    d.GPC,
		ShowBanner: d.ShowBanner,
	}
	for _, cat := range c.Categories {
		v.Toggles = append(v.Toggles, Toggle{
			ID:     cat.ID,
			On:     cat.Required || contains(d.Granted, cat.ID),
			Locked: cat.Required,
		})
	}
	return v
}
