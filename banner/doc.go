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
// Everything the browser must do comes back as [Effects] (activate,
// deactivate, delete cookies, Google Consent Mode, the Tag Manager event,
// ga-disable flags, reload); the wasm only carries them out. [Start] is a
// page's first decision with its Effects; [Apply] carries out a visitor's
// [Action] ([ParseAction] names them) and returns the next Decision, the
// Record to store and the Effects. A click the loader recorded before the
// engine was ready arrives as a [Pending] string ([DecodePending]); [Resume]
// says whether it still stands and what to apply. [MakeView] gives the
// state-dependent data the preferences dialog needs.
//
// The package imports only small parts of the standard library (no fmt,
// encoding/json, reflect, regexp, net/http or time): every byte ships to
// every visitor in the wasm. For the same reason it uses no strconv.ParseInt,
// strings.ToLower or slices.Sort (each pulls kilobytes of tables or generic
// code into the wasm) and keeps the clock as [Millis], Unix milliseconds as
// JavaScript's Date.now() gives them, instead of time.Time. It holds no
// package-level state; the clock and randomness come in as arguments, so all
// functions are safe for concurrent use.
package banner
