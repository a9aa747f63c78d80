package banner

import "slices"

// ActionKind is what the visitor did.
type ActionKind int

// The actions. Withdraw refuses like RejectAll but is recorded as a
// withdrawal, which matters as proof of consent. Allow grants its categories
// in addition to what was already granted (doui.accept('media'), an embed
// placeholder's "allow" button); it is recorded as MethodCustom, since the
// record holds the resulting set, not how it was reached.
const (
	AcceptAll ActionKind = iota + 1
	RejectAll
	Save
	Withdraw
	Allow
)

// Action is one visitor action.
type Action struct {
	Kind ActionKind
	// Categories are, for Save, the non-required category ids the visitor
	// switched on (everything else is refused) and, for Allow, the ids to
	// grant on top of the previous decision. Unknown ids are dropped;
	// required ids change nothing. Other kinds ignore them.
	Categories []string
}

// ParseAction maps a control's data-doui-action, or an API command's name,
// to an Action: "accept-all", "reject-all", "withdraw", "save" (cats are the
// ids switched on) and "allow" (cats are the ids to add). Anything else,
// including the dialog's own controls "preferences", "close" and "lang",
// is not a consent action and gives ok=false.
func ParseAction(name string, cats []string) (a Action, ok bool) {
	switch name {
	case "accept-all":
		return Action{Kind: AcceptAll}, true
	case "reject-all":
		return Action{Kind: RejectAll}, true
	case "withdraw":
		return Action{Kind: Withdraw}, true
	case "save":
		return Action{Kind: Save, Categories: cats}, true
	case "allow":
		return Action{Kind: Allow, Categories: cats}, true
	}
	return Action{}, false
}

// ConsentModeUpdate is one Google Consent Mode type and its value,
// "granted" or "denied".
type ConsentModeUpdate struct{ Type, Value string }

// GAFlag is window['ga-disable-'+ID] = Disable.
type GAFlag struct {
	ID      string
	Disable bool
}

// Effects are everything the browser must do for a decision: the wasm
// carries them out and decides nothing itself.
type Effects struct {
	// Granted lists every granted category, required ones included, in
	// config order.
	Granted []string
	// Activate lists the categories whose blocked elements to activate: for
	// Apply those granted now and not before, for Start all of Granted.
	Activate []string
	// Deactivate lists the categories granted before and refused now.
	Deactivate []string
	// DeleteCookies are the cookies of every refused category (see
	// RefusedCookies); try each with CookieTargets and MatchCookie.
	DeleteCookies []Cookie
	// ConsentMode is the full state for gtag('consent','update',…). It is
	// nil when no update may be sent: before the visitor decides (the banner
	// is shown) the loader's 'default' (all denied) stands.
	ConsentMode []ConsentModeUpdate
	// Notify says to push the doui_consent_update event to the dataLayer,
	// which Tag Manager triggers fire on. It is false exactly when
	// ConsentMode is nil: without a decision there is nothing to announce.
	Notify bool
	// GADisable holds a flag for every measurement id in the config, always,
	// so that the flags the loader set are confirmed or lifted.
	GADisable []GAFlag
	// Reload is true when a category granted on this page is refused now.
	// Anything may have run under the grant: an element doui activated, a
	// tag another script inserted that the host blocker let through, code
	// that read doui.consent(). Only a reload unloads it.
	Reload bool
}

// Start is a page's first decision and what the browser does for it. The
// Decision is Decide's. The Effects activate everything granted (required
// categories included: nothing ran before the engine), set every ga-disable
// flag, and, only once the visitor has decided (no banner: a valid record,
// or GPC refusing), send the Consent Mode update and notify Tag Manager.
// Nothing is deactivated, deleted or reloaded: nothing has run yet.
// Activate is a copy of Granted, so a caller may change one safely.
func Start(c *Config, r *Record, s Signals, now Millis) (Decision, Effects) {
	d := Decide(c, r, s, now)
	e := Effects{
		Granted:   d.Granted,
		Activate:  slices.Clone(d.Granted),
		GADisable: GAFlags(c, d.Granted),
	}
	if !d.ShowBanner {
		e.ConsentMode = ConsentMode(c, d.Granted)
		e.Notify = true
	}
	return d, e
}

// Apply carries out action a. prev is the Decision in force before it (from
// Start, Begin, Sync or the previous Apply).
//
// id is stored as the record's consent id unchanged: pass the previous
// record's ID when there is one, so that a visitor's successive decisions
// share one id like cookieconsent's consentId, and NewID otherwise.
//
// It returns the Decision now in force (the visitor has decided: no banner,
// Reason ReasonValid), the Record to store, holding the non-required
// categories granted and dated now rounded down to the second, and the
// Effects, which always update Consent Mode and notify. The Decision's
// Granted is a copy of the Effects'. An unknown action kind refuses
// everything, like RejectAll.
func Apply(c *Config, prev Decision, a Action, now Millis, id string) (Decision, Record, Effects) {
	method := MethodRejectAll
	switch a.Kind {
	case AcceptAll:
		method = MethodAcceptAll
	case Save, Allow:
		method = MethodCustom
	case Withdraw:
		method = MethodWithdraw
	}

	var e Effects
	var chosen []string
	for _, cat := range c.Categories {
		on := cat.Required ||
			a.Kind == AcceptAll ||
			a.Kind == Save && contains(a.Categories, cat.ID) ||
			a.Kind == Allow && (contains(a.Categories, cat.ID) || contains(prev.Granted, cat.ID))
		switch {
		case on:
			e.Granted = append(e.Granted, cat.ID)
			if !cat.Required {
				chosen = append(chosen, cat.ID)
			}
			if !contains(prev.Granted, cat.ID) {
				e.Activate = append(e.Activate, cat.ID)
			}
		case contains(prev.Granted, cat.ID):
			e.Deactivate = append(e.Deactivate, cat.ID)
		}
	}
	e.Reload = len(e.Deactivate) > 0
	e.DeleteCookies = RefusedCookies(c, e.Granted)
	e.ConsentMode = ConsentMode(c, e.Granted)
	e.Notify = true
	e.GADisable = GAFlags(c, e.Granted)

	r := Record{
		Version:     RecordVersion,
		Fingerprint: c.Fingerprint,
		Time:        floorSecond(now),
		Granted:     chosen,
		Method:      method,
		ID:          id,
	}
	return Decision{Granted: slices.Clone(e.Granted), Reason: ReasonValid}, r, e
}

// RefusedCookies returns the cookies of the services of every category not
// in granted, in config order, without duplicates and without any cookie
// name that a granted category's service also lists. Apply uses it; the
// wasm may also call it on page load to clear cookies left over from an
// expired or withdrawn consent.
func RefusedCookies(c *Config, granted []string) []Cookie {
	var out []Cookie
	for _, cat := range c.Categories {
		if cat.Required || contains(granted, cat.ID) {
			continue
		}
		for _, svc := range cat.Services {
			for _, ck := range svc.Cookies {
				if !slices.Contains(out, ck) && !grantedCookie(c, granted, ck.Name) {
					out = append(out, ck)
				}
			}
		}
	}
	return out
}

func grantedCookie(c *Config, granted []string, name string) bool {
	for _, cat := range c.Categories {
		if !cat.Required && !contains(granted, cat.ID) {
			continue
		}
		for _, svc := range cat.Services {
			for _, ck := range svc.Cookies {
				if ck.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// ConsentMode returns the Consent Mode state for the granted categories:
// the four Consent Mode v2 types Google's tags read (ad_personalization,
// ad_storage, ad_user_data, analytics_storage) plus every type a category
// mentions, sorted by name; "granted" when a granted or required category
// maps it, "denied" otherwise. The four are always present so that a config
// which never mentions ads still denies ad storage explicitly.
func ConsentMode(c *Config, granted []string) []ConsentModeUpdate {
	types := make([]string, 0, 8)
	types = append(types, "ad_personalization", "ad_storage", "ad_user_data", "analytics_storage")
	for _, cat := range c.Categories {
		for _, t := range cat.ConsentMode {
			if !contains(types, t) {
				types = append(types, t)
			}
		}
	}
	// Insertion sort: a few names, most already in order, and slices.Sort
	// would add ~3.6 KB brotli to the wasm.
	for i := 1; i < len(types); i++ {
		for j := i; j > 0 && types[j] < types[j-1]; j-- {
			types[j], types[j-1] = types[j-1], types[j]
		}
	}
	out := make([]ConsentModeUpdate, len(types))
	for i, t := range types {
		out[i] = ConsentModeUpdate{Type: t, Value: "denied"}
		for _, cat := range c.Categories {
			if (cat.Required || contains(granted, cat.ID)) && contains(cat.ConsentMode, t) {
				out[i].Value = "granted"
				break
			}
		}
	}
	return out
}

// ConsentModeDefaults returns the state for gtag('consent','default',…)
// before any decision: everything denied except the types that required
// categories map, since those are granted whatever the visitor says.
func ConsentModeDefaults(c *Config) []ConsentModeUpdate {
	return ConsentMode(c, nil)
}

// GAFlags returns one flag per measurement id in the config, in order of
// first appearance. An id is enabled only when every category listing it is
// granted: if it also serves a refused category, it stays disabled.
func GAFlags(c *Config, granted []string) []GAFlag {
	var out []GAFlag
	for _, cat := range c.Categories {
		off := !cat.Required && !contains(granted, cat.ID)
		for _, svc := range cat.Services {
			for _, id := range svc.MeasurementIDs {
				i := slices.IndexFunc(out, func(f GAFlag) bool { return f.ID == id })
				if i < 0 {
					out = append(out, GAFlag{ID: id, Disable: off})
				} else if off {
					out[i].Disable = true
				}
			}
		}
	}
	return out
}
