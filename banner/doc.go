// Package banner is doui's consent engine: the rules of consent as plain
// values and functions, shared by the browser (wasm) and the server and
// tested without a browser.
//
// The model: a [Config] (from the admin's policy) lists categories, some
// required. A visitor's choice is stored as a [Record] (one short cookie-safe
// string, see [Record.Encode]) that names the policy fingerprint it was made
// under. On every page [Decide] turns config, record, browser [Signals] and
// the clock into a [Decision]: show the banner or not, and which categories
// are granted. Required categories are always granted; nothing else is
// granted without a valid record that grants it, so a missing, stale,
// expired, future-dated or garbled record means "ask again" and never a
// grant. A Global Privacy Control signal, where the policy honours it, stands
// in for an answer of "reject" for visitors without an explicit record; an
// explicit choice the visitor made (accept, reject, custom, withdraw) wins
// over GPC, because it is the later and more specific expression of will.
//
// When the visitor acts, [Apply] returns the new record plus the [Effects]
// the browser must carry out (activate, deactivate, delete cookies, Google
// Consent Mode and ga-disable flags, reload). [MakeView] gives the
// state-dependent data the preferences dialog needs.
//
// The package imports only small parts of the standard library (no fmt,
// encoding/json, reflect, regexp or net/http): every byte ships to every
// visitor in the wasm. It holds no package-level state; time and randomness
// come in as arguments, so all functions are safe for concurrent use.
package banner
