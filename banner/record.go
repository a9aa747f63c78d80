package banner

import (
	"strconv"
	"strings"
)

// Method says how a record was decided.
type Method byte

// The methods, stored as one letter in the record.
const (
	MethodAcceptAll Method = 'a'
	MethodRejectAll Method = 'r'
	MethodCustom    Method = 'c'
	MethodWithdraw  Method = 'w'
	// MethodGPC marks a record written only because of a Global Privacy
	// Control signal. Decide does not count it as an explicit choice: it
	// holds only while the signal does (see Decide).
	MethodGPC Method = 'g'
)

// String names the method as events and logs report it: "accept-all",
// "reject-all", "custom", "withdraw", "gpc", and "unknown" for anything else.
func (m Method) String() string {
	switch m {
	case MethodAcceptAll:
		return "accept-all"
	case MethodRejectAll:
		return "reject-all"
	case MethodCustom:
		return "custom"
	case MethodWithdraw:
		return "withdraw"
	case MethodGPC:
		return "gpc"
	}
	return "unknown"
}

func (m Method) valid() bool {
	switch m {
	case MethodAcceptAll, MethodRejectAll, MethodCustom, MethodWithdraw, MethodGPC:
		return true
	}
	return false
}

const (
	// RecordVersion is the format version Encode writes and Decode accepts.
	RecordVersion = 1
	// MaxRecordLen is the longest encoded record Decode accepts, in bytes.
	MaxRecordLen = 200
	// maxTokenLen bounds the fingerprint, the consent id and each category id.
	maxTokenLen = 64
	// minIDLen is the length of NewID's output: 16 bytes in base64url.
	minIDLen = 22
)

// Record is a visitor's decision as stored in their browser. It holds no
// personal data: the ID is random and only serves as proof of consent.
type Record struct {
	Version     int
	Fingerprint string
	// Time of the decision, a whole second (the encoding keeps no more):
	// Decode gives the stored seconds times 1000, Apply rounds now down.
	Time Millis
	// Granted lists the non-required category ids granted, in config order.
	Granted []string
	Method  Method
	// ID is a random consent id from NewID, kept across later decisions.
	ID string
}

// Encode returns the record as one cookie-safe string:
//
//	1.<fingerprint>.<unix seconds>.<granted ids joined by '~'>.<method letter>.<id>
//
// e.g. "1.k3J9x_Qa.1767225600.analytics~media.c.q7BvZ0wP3sN5mD1eR8tYuA".
// Field 0 is the version and field 1 the fingerprint, which lets the loader
// check `value.split('.')[1] === fp` without the wasm. The time is written
// in whole seconds, rounded down. Encode does not validate: a record with
// bad fields encodes to a string Decode rejects, which fails closed (the
// visitor is asked again).
func (r Record) Encode() string {
	var buf [MaxRecordLen]byte
	b := buf[:0]
	b = strconv.AppendInt(b, int64(r.Version), 10)
	b = append(b, '.')
	b = append(b, r.Fingerprint...)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(floorSecond(r.Time)/Second), 10)
	b = append(b, '.')
	for i, id := range r.Granted {
		if i > 0 {
			b = append(b, '~')
		}
		b = append(b, id...)
	}
	b = append(b, '.', byte(r.Method), '.')
	b = append(b, r.ID...)
	return string(b)
}

// decodeError is the error Decode returns; constants keep the package free
// of mutable sentinel variables while letting tests compare them.
type decodeError string

func (e decodeError) Error() string { return "decode consent record: " + string(e) }

const (
	errTooLong     decodeError = "longer than 200 bytes"
	errFields      decodeError = "want 6 dot-separated fields"
	errVersion     decodeError = "unknown version"
	errFingerprint decodeError = "bad fingerprint"
	errTime        decodeError = "bad time"
	errCategories  decodeError = "bad category list"
	errMethod      decodeError = "bad method"
	errID          decodeError = "bad consent id"
)

// Decode parses a string written by Encode. It accepts only the canonical
// form, so Decode(s) succeeding implies Encode of the result equals s. It
// rejects oversized input, unknown versions, characters outside each field's
// alphabet, duplicate categories and timestamps before 1970-01-01T00:00:01Z;
// whether the record is expired, future-dated or for another policy is
// Decide's business, because that needs the config and the clock.
// Any error means "no record": callers never grant on a failed decode.
func Decode(s string) (Record, error) {
	if len(s) > MaxRecordLen {
		return Record{}, errTooLong
	}
	var f [6]string
	if !splitFields(s, f[:]) {
		return Record{}, errFields
	}

	if f[0] != "1" {
		return Record{}, errVersion
	}
	if !isToken(f[1], 1, idByte) {
		return Record{}, errFingerprint
	}
	sec, ok := parseDecimal(f[2], 12)
	if !ok {
		return Record{}, errTime
	}
	granted, ok := categoryList(f[3])
	if !ok {
		return Record{}, errCategories
	}
	if len(f[4]) != 1 || !Method(f[4][0]).valid() {
		return Record{}, errMethod
	}
	if !isToken(f[5], minIDLen, idByte) {
		return Record{}, errID
	}
	return Record{
		Version:     RecordVersion,
		Fingerprint: f[1],
		Time:        Millis(sec) * Second,
		Granted:     granted,
		Method:      Method(f[4][0]),
		ID:          f[5],
	}, nil
}

// parseDecimal accepts a positive decimal integer of at most maxDigits
// digits, without sign or leading zeros. For a Unix time, twelve digits of
// seconds or fifteen of milliseconds reach past the year 30000; more is
// garbage. The digit limit is also what keeps the arithmetic on decoded
// times from overflowing (see Millis): twelve digits of seconds are below
// 10^15 milliseconds. More than 18 digits are never accepted, so n stays
// below 10^18 and the loop cannot overflow. (strconv.ParseInt would cost the
// wasm ~6 KB brotli: its error type drags in strconv's quoting tables.)
func parseDecimal(s string, maxDigits int) (int64, bool) {
	if len(s) == 0 || len(s) > min(maxDigits, 18) || s[0] == '0' {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func isToken(s string, minLen int, ok func(byte) bool) bool {
	if len(s) < minLen || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// idByte is the base64url alphabet, used for fingerprints and consent ids.
func idByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// categoryByte is the alphabet of category ids: [a-z0-9_-].
func categoryByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// ValidCategoryID reports whether id can be stored in a record: 1 to 64
// bytes of [a-z0-9_-]. policyjson should refuse other ids, since a record
// holding them would never decode.
func ValidCategoryID(id string) bool { return isToken(id, 1, categoryByte) }

// splitFields splits s at '.' into exactly len(f) fields, false when it has
// another number of them. Records and pending actions share the layout.
func splitFields(s string, f []string) bool {
	for i := range len(f) - 1 {
		j := strings.IndexByte(s, '.')
		if j < 0 {
			return false
		}
		f[i], s = s[:j], s[j+1:]
	}
	f[len(f)-1] = s
	return strings.IndexByte(s, '.') < 0
}

// categoryList parses category ids joined by '~' ("" is none): each a
// valid id, none twice.
func categoryList(s string) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	ids := strings.Split(s, "~")
	for i, id := range ids {
		if !ValidCategoryID(id) || contains(ids[:i], id) {
			return nil, false
		}
	}
	return ids, true
}

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// NewID returns a consent id made from the first 16 bytes of random: 22
// base64url characters, cookie-safe. The caller supplies the randomness
// (crypto.getRandomValues in the browser). With fewer than 16 bytes it
// returns "", which Decode refuses, so a record without a proper id fails
// closed instead of sharing a guessable id.
// (encoding/base64 is not used because it pulls in reflect.)
func NewID(random []byte) string {
	if len(random) < 16 {
		return ""
	}
	random = random[:16]
	out := make([]byte, 0, minIDLen)
	var acc uint
	bits := 0
	for _, c := range random {
		acc = acc<<8 | uint(c)
		bits += 8
		for bits >= 6 {
			bits -= 6
			out = append(out, base64url[acc>>uint(bits)&63])
		}
	}
	if bits > 0 {
		out = append(out, base64url[acc<<uint(6-bits)&63])
	}
	return string(out)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
