package banner

// PendingMaxAge is how old a pending action may be when the engine gets to
// it. The loader keeps it across navigations in sessionStorage; ten minutes
// covers a slow engine on a few pages, while a click from long ago is no
// longer what the visitor means now, so they are asked again instead.
const PendingMaxAge = 10 * Minute

// maxPendingLen is the longest encoded pending action DecodePending accepts:
// it carries no consent id, but "save" may list every category.
const maxPendingLen = 2 * MaxRecordLen

// Pending is a visitor action the loader (JavaScript) recorded before the
// engine was ready, raw, as the visitor did it: the loader knows which
// control was clicked, never what it means. It encodes it as
//
//	<fingerprint>.<unix milliseconds>.<action>.<category ids joined by '~'>
//
// e.g. "k3J9x_Qa.1767225600123.save.analytics~media" or
// "k3J9x_Qa.1767225600123.accept-all." (empty last field). Action is the
// control's data-doui-action; the ids are, for "save", the boxes checked in
// the preferences (required ones may be among them), for "allow", the
// embed's category, and empty otherwise.
type Pending struct {
	Fingerprint string
	// Time of the click, millisecond precision, as the loader's Date.now().
	Time       Millis
	Action     string
	Categories []string
}

// pendingError is the error DecodePending returns, a constant like
// decodeError.
type pendingError string

func (e pendingError) Error() string { return "decode pending action: " + string(e) }

const (
	errPendingTooLong     pendingError = "longer than 400 bytes"
	errPendingFields      pendingError = "want 4 dot-separated fields"
	errPendingFingerprint pendingError = "bad fingerprint: want 1 to 64 base64url characters"
	errPendingTime        pendingError = "bad time: want positive unix milliseconds without sign or leading zeros"
	errPendingAction      pendingError = "bad action: want 1 to 64 characters of [a-z0-9_-]"
	errPendingCategories  pendingError = "bad category list: want distinct ids of [a-z0-9_-] joined by '~'"
)

// DecodePending parses the loader's encoding of a pending action. Like
// Decode it is strict and accepts only the canonical form: at most 400
// bytes, exactly four fields, the fingerprint and category ids under
// Decode's rules (no empty or duplicate ids), the time a plain positive
// integer of at most 15 digits. The action only has to be a plausible name
// ([a-z0-9_-]); whether it means anything is Resume's business. Any error
// means the action is dropped and the visitor is asked again.
func DecodePending(s string) (Pending, error) {
	if len(s) > maxPendingLen {
		return Pending{}, errPendingTooLong
	}
	var f [4]string
	if !splitFields(s, f[:]) {
		return Pending{}, errPendingFields
	}

	if !isToken(f[0], 1, idByte) {
		return Pending{}, errPendingFingerprint
	}
	ms, ok := parseDecimal(f[1], 15)
	if !ok {
		return Pending{}, errPendingTime
	}
	if !isToken(f[2], 1, categoryByte) {
		return Pending{}, errPendingAction
	}
	cats, ok := categoryList(f[3])
	if !ok {
		return Pending{}, errPendingCategories
	}
	return Pending{
		Fingerprint: f[0],
		Time:        Millis(ms),
		Action:      f[2],
		Categories:  cats,
	}, nil
}

// Resume turns a pending action into the Action to apply and the time to
// record it with: p.Time, the true time of the click, not the time the
// engine got to it. r is the stored record, nil if there is none.
//
// ok is false, and the action must be dropped (the visitor is asked again
// if nothing else decides), when it was made under another policy
// (p.Fingerprint is not c.Fingerprint), is older than PendingMaxAge or more
// than FutureSkew in the future, is not a consent action (see ParseAction),
// or was already recorded: r is a record Decide counts as valid and was made
// at or after p.Time truncated to the second (records keep whole seconds),
// by the engine on the previous page or in another tab. A record under
// another fingerprint, or a GPC record, does not count: it is not the
// visitor's answer to this policy.
func Resume(c *Config, p Pending, r *Record, now Millis) (a Action, at Millis, ok bool) {
	switch {
	case p.Fingerprint != c.Fingerprint,
		p.Time < now-PendingMaxAge,
		p.Time > now+FutureSkew:
		return Action{}, 0, false
	}
	a, ok = ParseAction(p.Action, p.Categories)
	if !ok {
		return Action{}, 0, false
	}
	if check(c, r, now) == ReasonValid && r.Time >= floorSecond(p.Time) {
		return Action{}, 0, false
	}
	return a, p.Time, true
}
