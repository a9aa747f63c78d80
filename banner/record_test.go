package banner

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		name string
		r    Record
		want string
	}{
		{"custom", *rec(now, MethodCustom, "analytics", "media"), "1.fp1.1772366400.analytics~media.c." + testID},
		{"reject", *rec(now, MethodRejectAll), "1.fp1.1772366400..r." + testID},
		{"accept", *rec(now, MethodAcceptAll, "analytics", "marketing", "media"), "1.fp1.1772366400.analytics~marketing~media.a." + testID},
		{"withdraw", *rec(now, MethodWithdraw), "1.fp1.1772366400..w." + testID},
		{"gpc", *rec(now, MethodGPC), "1.fp1.1772366400..g." + testID},
		{"first second Decode accepts", *rec(Second, MethodRejectAll), "1.fp1.1..r." + testID},
		{"last second Decode accepts", *rec(999_999_999_999*Second, MethodRejectAll), "1.fp1.999999999999..r." + testID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Encode()
			if got != tt.want {
				t.Fatalf("Encode: got %q want %q", got, tt.want)
			}
			if fp := strings.Split(got, ".")[1]; fp != tt.r.Fingerprint {
				t.Errorf("field 1 (the loader's check): got %q want %q", fp, tt.r.Fingerprint)
			}
			back, err := Decode(got)
			if err != nil {
				t.Fatalf("Decode(%q): got error %v want nil", got, err)
			}
			if !sameRecord(back, tt.r) {
				t.Errorf("Decode(%q): got %+v want %+v", got, back, tt.r)
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	good := "1.fp1.1772366400.analytics.c." + testID
	if _, err := Decode(good); err != nil {
		t.Fatalf("Decode(%q): got %v want nil", good, err)
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", errFields},
		{"garbage", "not a record", errFields},
		{"json", `{"categories":["analytics"]}`, errFields},
		{"too few fields", "1.fp1.1772366400.analytics.c", errFields},
		{"too many fields", good + ".x", errFields},
		{"oversized", "1." + strings.Repeat("f", 200) + ".1772366400..c." + testID, errTooLong},
		{"version 0", "0" + good[1:], errVersion},
		{"version 2", "2" + good[1:], errVersion},
		{"version 01", "0" + good, errVersion},
		{"empty fingerprint", "1..1772366400.analytics.c." + testID, errFingerprint},
		{"fingerprint with space", "1.f p.1772366400.analytics.c." + testID, errFingerprint},
		{"fingerprint with semicolon", "1.f;p.1772366400.analytics.c." + testID, errFingerprint},
		{"fingerprint too long", "1." + strings.Repeat("f", 65) + ".1772366400..c." + testID, errFingerprint},
		{"empty time", "1.fp1..analytics.c." + testID, errTime},
		{"zero time", "1.fp1.0.analytics.c." + testID, errTime},
		{"negative time", "1.fp1.-1772366400.analytics.c." + testID, errTime},
		{"plus time", "1.fp1.+1772366400.analytics.c." + testID, errTime},
		{"leading zero", "1.fp1.01772366400.analytics.c." + testID, errTime},
		{"hex time", "1.fp1.0x69a4.analytics.c." + testID, errTime},
		{"time too long", "1.fp1.1772366400000.analytics.c." + testID, errTime},
		{"uppercase category", "1.fp1.1772366400.Analytics.c." + testID, errCategories},
		{"empty category", "1.fp1.1772366400.analytics~~media.c." + testID, errCategories},
		{"trailing tilde", "1.fp1.1772366400.analytics~.c." + testID, errCategories},
		{"duplicate category", "1.fp1.1772366400.analytics~analytics.c." + testID, errCategories},
		{"comma list", "1.fp1.1772366400.analytics,media.c." + testID, errCategories},
		{"non-ascii category", "1.fp1.1772366400.分析.c." + testID, errCategories},
		{"no method", "1.fp1.1772366400.analytics.." + testID, errMethod},
		{"unknown method", "1.fp1.1772366400.analytics.x." + testID, errMethod},
		{"two methods", "1.fp1.1772366400.analytics.ca." + testID, errMethod},
		{"no id", "1.fp1.1772366400.analytics.c.", errID},
		{"short id", "1.fp1.1772366400.analytics.c.abc", errID},
		{"id with plus", "1.fp1.1772366400.analytics.c.AAECAwQFBgcICQoLDA0OD+", errID},
		{"id with padding", "1.fp1.1772366400.analytics.c." + testID + "==", errID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Decode(tt.in)
			if err != tt.want {
				t.Fatalf("Decode(%q): got error %v want %v", tt.in, err, tt.want)
			}
			if r.Granted != nil || r.Method != 0 {
				t.Errorf("Decode(%q) on error: got %+v want the zero Record", tt.in, r)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in        string
		maxDigits int
		want      int64
		wantOK    bool
	}{
		{"1772366400", 12, 1772366400, true},
		{"999999999999", 12, 999999999999, true},
		{"1000000000000", 12, 0, false},
		{"999999999999999999", 18, 999999999999999999, true},
		// Fits int64, but more than 18 digits are never accepted: the
		// bound is what keeps parseDecimal itself from overflowing.
		{"1000000000000000000", 19, 0, false},
		{"99999999999999999999", 20, 0, false},
		{"0", 12, 0, false},
		{"", 12, 0, false},
		{"-1", 12, 0, false},
		{"1a", 12, 0, false},
		{"١٢", 12, 0, false}, // Arabic-Indic digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDecimal(tt.in, tt.maxDigits)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseDecimal(%q, %d): got %d, %v want %d, %v", tt.in, tt.maxDigits, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestFloorSecond(t *testing.T) {
	for _, tt := range []struct{ in, want Millis }{
		{0, 0}, {1, 0}, {999, 0}, {1000, 1000}, {1772366400999, 1772366400000},
		// Before 1970 it rounds down too, as time.Time.Unix did.
		{-1, -1000}, {-999, -1000}, {-1000, -1000}, {-1001, -2000},
	} {
		if got := floorSecond(tt.in); got != tt.want {
			t.Errorf("floorSecond(%d): got %d want %d", tt.in, got, tt.want)
		}
	}
}

func TestNewID(t *testing.T) {
	random := make([]byte, 32)
	for i := range random {
		random[i] = byte(i * 37)
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"zeros", make([]byte, 16), "AAAAAAAAAAAAAAAAAAAAAA"},
		{"counting", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, testID},
		{"uses 16 of 32", random, base64.RawURLEncoding.EncodeToString(random[:16])},
		{"all ones", []byte(strings.Repeat("\xff", 16)), "_____________________w"},
		{"too short", make([]byte, 15), ""},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewID(tt.in); got != tt.want {
				t.Errorf("NewID: got %q want %q", got, tt.want)
			}
		})
	}
	t.Run("decodes", func(t *testing.T) {
		r := *rec(now, MethodRejectAll)
		r.ID = NewID(random)
		if _, err := Decode(r.Encode()); err != nil {
			t.Errorf("Decode of a record with NewID: got %v want nil", err)
		}
	})
}

// TestRecordFits pins that a realistic record stays well under the limit:
// every category of a larger policy granted, a 16-character fingerprint.
func TestRecordFits(t *testing.T) {
	r := Record{
		Version:     RecordVersion,
		Fingerprint: "k3J9x_Qa0b1c2d3e",
		Time:        Millis(time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC).UnixMilli()),
		Granted:     []string{"analytics", "marketing", "media", "functional", "personalization", "social"},
		Method:      MethodAcceptAll,
		ID:          testID,
	}
	s := r.Encode()
	if len(s) > 120 {
		t.Errorf("len(Encode()) = %d: got %q want at most 120 bytes", len(s), s)
	}
	if _, err := Decode(s); err != nil {
		t.Errorf("Decode(%q): got %v want nil", s, err)
	}
}

func TestMethodString(t *testing.T) {
	tests := []struct {
		m    Method
		want string
	}{
		{MethodAcceptAll, "accept-all"},
		{MethodRejectAll, "reject-all"},
		{MethodCustom, "custom"},
		{MethodWithdraw, "withdraw"},
		{MethodGPC, "gpc"},
		{0, "unknown"},
		{'x', "unknown"},
		{'A', "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.want+" "+strconv.Itoa(int(tt.m)), func(t *testing.T) {
			if got := tt.m.String(); got != tt.want {
				t.Errorf("Method(%d).String(): got %q want %q", tt.m, got, tt.want)
			}
		})
	}
	// Every method Decode accepts has a name, and no other does.
	t.Run("named exactly when valid", func(t *testing.T) {
		for b := range 256 {
			m := Method(b)
			if named := m.String() != "unknown"; named != m.valid() {
				t.Errorf("Method(%q): got named %v want %v (valid)", m, named, m.valid())
			}
		}
	})
}

func TestValidCategoryID(t *testing.T) {
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{"analytics", true}, {"a_b-c9", true}, {"", false}, {"Analytics", false},
		{"a.b", false}, {"a~b", false}, {strings.Repeat("a", 64), true}, {strings.Repeat("a", 65), false},
	} {
		t.Run(tt.id, func(t *testing.T) {
			if got := ValidCategoryID(tt.id); got != tt.want {
				t.Errorf("ValidCategoryID(%q): got %v want %v", tt.id, got, tt.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("1.fp1.1772366400.analytics~media.c." + testID)
	f.Add("1.fp1.1772366400..r." + testID)
	f.Add("1.k3J9x_Qa0b1c2d3e.4102444799.analytics~marketing~media.a._____________________w")
	f.Add("1.fp1.1772366400.analytics~analytics.c." + testID)
	f.Add("2.fp1.1772366400..g." + testID)
	f.Add("1.fp1.01772366400..w." + testID)
	f.Add("")
	f.Add("....")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Decode(s)
		if err != nil {
			return
		}
		enc := r.Encode()
		if enc != s {
			t.Fatalf("Encode(Decode(%q)): got %q want the input (canonical form)", s, enc)
		}
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(r)) for %q: got error %v want nil", s, err)
		}
		if !sameRecord(back, r) {
			t.Fatalf("Decode(Encode(r)): got %+v want %+v", back, r)
		}
		// A decoded record never grants what the config does not know, and
		// never lets in a category it does not name.
		d := Decide(testConfig(), &r, Signals{}, now)
		for _, id := range d.Granted {
			if _, ok := testConfig().Category(id); !ok {
				t.Fatalf("Decide granted unknown category %q for %q", id, s)
			}
			if id != "necessary" && !contains(r.Granted, id) {
				t.Fatalf("Decide granted %q not in record %q", id, s)
			}
		}
	})
}
