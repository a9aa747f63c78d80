package banner

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// nowMS is now in unix milliseconds, as the loader's Date.now() gives it.
const nowMS = "1772366400000"

// encodePending is the loader's encoding (web/loader.js), in Go for tests.
func encodePending(p Pending) string {
	return p.Fingerprint + "." + strconv.FormatInt(int64(p.Time), 10) + "." + p.Action + "." + strings.Join(p.Categories, "~")
}

func samePending(a, b Pending) bool {
	return a.Fingerprint == b.Fingerprint && a.Time == b.Time &&
		a.Action == b.Action && slices.Equal(a.Categories, b.Categories)
}

// longHead is a pending "save" with the longest fingerprint and four of
// the longest ids (345 bytes), short of its last id.
var longHead = strings.Repeat("F", 64) + "." + nowMS + ".save." +
	strings.Repeat("a", 64) + "~" + strings.Repeat("b", 64) + "~" + strings.Repeat("d", 64) + "~" + strings.Repeat("e", 64) + "~"

// longPending is a valid pending "save" of n bytes (len(longHead) < n ≤
// len(longHead)+64): longHead and a last id that fills it up.
func longPending(n int) string { return longHead + strings.Repeat("c", n-len(longHead)) }

func TestDecodePending(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Pending
	}{
		{"save with categories", "k3J9x_Qa.1767225600123.save.analytics~media",
			Pending{"k3J9x_Qa", 1767225600123, "save", []string{"analytics", "media"}}},
		{"accept-all, empty last field", "k3J9x_Qa.1767225600123.accept-all.",
			Pending{"k3J9x_Qa", 1767225600123, "accept-all", nil}},
		{"save nothing", "fp1." + nowMS + ".save.", Pending{"fp1", now, "save", nil}},
		{"save with the required box", "fp1." + nowMS + ".save.necessary~media",
			Pending{"fp1", now, "save", []string{"necessary", "media"}}},
		{"allow", "fp1." + nowMS + ".allow.media", Pending{"fp1", now, "allow", []string{"media"}}},
		{"unknown action decodes; Resume drops it", "fp1." + nowMS + ".preferences.",
			Pending{"fp1", now, "preferences", nil}},
		{"smallest time", "fp1.1.reject-all.", Pending{"fp1", 1, "reject-all", nil}},
		{"15-digit time", "fp1.999999999999999.reject-all.", Pending{"fp1", 999999999999999, "reject-all", nil}},
		{"exactly the length limit", longPending(maxPendingLen), Pending{strings.Repeat("F", 64), now, "save",
			[]string{strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("d", 64), strings.Repeat("e", 64),
				strings.Repeat("c", maxPendingLen-len(longHead))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodePending(tt.in)
			if err != nil {
				t.Fatalf("DecodePending(%q): got error %v want nil", tt.in, err)
			}
			if !samePending(got, tt.want) {
				t.Errorf("DecodePending(%q): got %+v want %+v", tt.in, got, tt.want)
			}
			if enc := encodePending(got); enc != tt.in {
				t.Errorf("encoded again: got %q want the input %q", enc, tt.in)
			}
		})
	}
}

func TestDecodePendingRejects(t *testing.T) {
	good := "fp1." + nowMS + ".save.analytics"
	if _, err := DecodePending(good); err != nil {
		t.Fatalf("DecodePending(%q): got %v want nil", good, err)
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"one byte over the limit", longPending(maxPendingLen + 1), errPendingTooLong},
		{"huge", strings.Repeat("a", 1<<16), errPendingTooLong},

		{"empty", "", errPendingFields},
		{"one field", "fp1", errPendingFields},
		{"three fields", "fp1." + nowMS + ".save", errPendingFields},
		{"five fields", good + ".x", errPendingFields},
		{"a consent record", "1.fp1.1772366400.analytics.c." + testID, errPendingFields},
		{"dotted action", "fp1." + nowMS + ".accept.all.", errPendingFields},
		{"fractional time", "fp1.1772366400000.5.save.", errPendingFields},

		{"empty fingerprint", "." + nowMS + ".save.", errPendingFingerprint},
		{"fingerprint with space", "f p." + nowMS + ".save.", errPendingFingerprint},
		{"fingerprint with semicolon", "f;p." + nowMS + ".save.", errPendingFingerprint},
		{"fingerprint with tilde", "f~p." + nowMS + ".save.", errPendingFingerprint},
		{"fingerprint too long", strings.Repeat("f", 65) + "." + nowMS + ".save.", errPendingFingerprint},
		{"non-ascii fingerprint", "指紋." + nowMS + ".save.", errPendingFingerprint},

		{"empty time", "fp1..save.", errPendingTime},
		{"zero time", "fp1.0.save.", errPendingTime},
		{"negative time", "fp1.-" + nowMS + ".save.", errPendingTime},
		{"plus time", "fp1.+" + nowMS + ".save.", errPendingTime},
		{"leading zero", "fp1.0" + nowMS + ".save.", errPendingTime},
		{"hex time", "fp1.0x19ca9d5e000.save.", errPendingTime},
		{"exponent time", "fp1.1.77e12.save.", errPendingFields},
		{"exponent time without dot", "fp1.177e10.save.", errPendingTime},
		{"spaced time", "fp1. " + nowMS + ".save.", errPendingTime},
		{"16-digit time", "fp1.1772366400000000.save.", errPendingTime},
		{"time beyond int64", "fp1.99999999999999999999.save.", errPendingTime},

		{"empty action", "fp1." + nowMS + "..", errPendingAction},
		{"uppercase action", "fp1." + nowMS + ".Save.", errPendingAction},
		{"action with space", "fp1." + nowMS + ".accept all.", errPendingAction},
		{"action with punctuation", "fp1." + nowMS + ".save!.", errPendingAction},
		{"action too long", "fp1." + nowMS + "." + strings.Repeat("a", 65) + ".", errPendingAction},
		{"non-ascii action", "fp1." + nowMS + ".保存.", errPendingAction},

		{"uppercase category", "fp1." + nowMS + ".save.Analytics", errPendingCategories},
		{"empty category", "fp1." + nowMS + ".save.analytics~~media", errPendingCategories},
		{"leading tilde", "fp1." + nowMS + ".save.~analytics", errPendingCategories},
		{"trailing tilde", "fp1." + nowMS + ".save.analytics~", errPendingCategories},
		{"lone tilde", "fp1." + nowMS + ".save.~", errPendingCategories},
		{"duplicate category", "fp1." + nowMS + ".save.analytics~media~analytics", errPendingCategories},
		{"comma list", "fp1." + nowMS + ".save.analytics,media", errPendingCategories},
		{"category too long", "fp1." + nowMS + ".allow." + strings.Repeat("a", 65), errPendingCategories},
		{"non-ascii category", "fp1." + nowMS + ".allow.分析", errPendingCategories},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodePending(tt.in)
			if err != tt.want {
				t.Fatalf("DecodePending(%q): got error %v want %v", tt.in, err, tt.want)
			}
			if !samePending(p, Pending{}) {
				t.Errorf("DecodePending(%q) on error: got %+v want the zero Pending", tt.in, p)
			}
			// An admin or a developer reads these in the console.
			msg := err.Error()
			if !strings.HasPrefix(msg, "decode pending action: ") || strings.HasSuffix(msg, ".") || strings.ToLower(msg[:1]) != msg[:1] {
				t.Errorf("error text: got %q want lowercase, prefixed, no trailing period", msg)
			}
		})
	}
	t.Run("limit in the message", func(t *testing.T) {
		if want := "longer than " + strconv.Itoa(maxPendingLen) + " bytes"; string(errPendingTooLong) != want {
			t.Errorf("got %q want %q", errPendingTooLong, want)
		}
	})
}

func TestResume(t *testing.T) {
	click := now - 90*Second + 700 // 11:58:30.700
	clickSec := now - 90*Second    // 11:58:30, the click's second
	pend := func(at Millis, action string, cats ...string) Pending {
		return Pending{Fingerprint: "fp1", Time: at, Action: action, Categories: cats}
	}
	withFP := func(r *Record, fp string) *Record { r.Fingerprint = fp; return r }
	tests := []struct {
		name   string
		p      Pending
		r      *Record
		want   Action
		wantOK bool
	}{
		{"accept-all, no record", pend(click, "accept-all"), nil, Action{Kind: AcceptAll}, true},
		{"reject-all", pend(click, "reject-all"), nil, Action{Kind: RejectAll}, true},
		{"withdraw", pend(click, "withdraw"), nil, Action{Kind: Withdraw}, true},
		{"save with the boxes ticked", pend(click, "save", "necessary", "analytics"), nil,
			Action{Kind: Save, Categories: []string{"necessary", "analytics"}}, true},
		{"allow an embed", pend(click, "allow", "media"), nil, Action{Kind: Allow, Categories: []string{"media"}}, true},
		{"just now", pend(now, "accept-all"), nil, Action{Kind: AcceptAll}, true},
		{"exactly PendingMaxAge old", pend(now-PendingMaxAge, "accept-all"), nil, Action{Kind: AcceptAll}, true},
		{"ahead within FutureSkew", pend(now+FutureSkew, "accept-all"), nil, Action{Kind: AcceptAll}, true},
		{"record made before the click", pend(click, "accept-all"), rec(now-Day, MethodRejectAll), Action{Kind: AcceptAll}, true},
		{"record one second before the click's second", pend(click, "accept-all"), rec(clickSec-Second, MethodRejectAll),
			Action{Kind: AcceptAll}, true},
		{"record after the click under another fingerprint", pend(click, "accept-all"), withFP(rec(now, MethodRejectAll), "fp0"),
			Action{Kind: AcceptAll}, true},
		{"GPC record after the click", pend(click, "accept-all"), rec(now, MethodGPC), Action{Kind: AcceptAll}, true},
		{"record dated beyond FutureSkew", pend(click, "accept-all"), rec(now+60*Minute, MethodRejectAll), Action{Kind: AcceptAll}, true},
		{"zero record", pend(click, "accept-all"), &Record{}, Action{Kind: AcceptAll}, true},

		{"another fingerprint", Pending{Fingerprint: "fp0", Time: click, Action: "accept-all"}, nil, Action{}, false},
		{"empty fingerprint", Pending{Time: click, Action: "accept-all"}, nil, Action{}, false},
		{"older than PendingMaxAge", pend(now-PendingMaxAge-1, "accept-all"), nil, Action{}, false},
		{"zero time", pend(0, "accept-all"), nil, Action{}, false},
		{"beyond FutureSkew", pend(now+FutureSkew+1, "accept-all"), nil, Action{}, false},
		{"not a consent action: preferences", pend(click, "preferences"), nil, Action{}, false},
		{"not a consent action: close", pend(click, "close"), nil, Action{}, false},
		{"not a consent action: lang", pend(click, "lang"), nil, Action{}, false},
		{"unknown action", pend(click, "accept"), nil, Action{}, false},
		{"recorded in the click's second", pend(click, "accept-all"), rec(clickSec, MethodAcceptAll, "analytics"), Action{}, false},
		{"recorded after the click, in another tab", pend(click, "accept-all"), rec(now-30*Second, MethodRejectAll), Action{}, false},
		{"recorded after the click, withdrawn", pend(click, "allow", "media"), rec(now, MethodWithdraw), Action{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, at, ok := Resume(testConfig(), tt.p, tt.r, now)
			if ok != tt.wantOK || a.Kind != tt.want.Kind || !slices.Equal(a.Categories, tt.want.Categories) {
				t.Fatalf("Resume: got %+v, %v want %+v, %v", a, ok, tt.want, tt.wantOK)
			}
			wantAt := tt.p.Time
			if !ok {
				wantAt = 0
			}
			if at != wantAt {
				t.Errorf("Resume time: got %v want %v", at, wantAt)
			}
		})
	}
}

// TestResumeFlow follows one click from the loader to the stored record and
// back: the record holds the click's time, and once stored it suppresses
// the same pending action on the next page.
func TestResumeFlow(t *testing.T) {
	c := testConfig()
	s := "fp1." + strconv.FormatInt(int64(now-2*Second+345), 10) + ".save.necessary~media"
	p, err := DecodePending(s)
	if err != nil {
		t.Fatalf("DecodePending(%q): got %v want nil", s, err)
	}
	d, _ := Start(c, nil, Signals{}, now)
	a, at, ok := Resume(c, p, nil, now)
	if !ok {
		t.Fatalf("Resume(%q) without a record: got ok=false want true", s)
	}
	_, r, e := Apply(c, d, a, at, testID)
	if want := []string{"necessary", "media"}; !slices.Equal(e.Granted, want) {
		t.Errorf("Granted: got %q want %q", e.Granted, want)
	}
	if want := now - 2*Second; r.Time != want {
		t.Errorf("record time: got %v want the click's second %v", r.Time, want)
	}
	// The tab that stored it, or the next page, sees the pending action again.
	back, err := Decode(r.Encode())
	if err != nil {
		t.Fatalf("Decode(%q): got %v want nil", r.Encode(), err)
	}
	if a, _, ok := Resume(c, p, &back, now+Second); ok {
		t.Errorf("Resume after the record was stored: got %+v, true want ok=false", a)
	}
}

func FuzzDecodePending(f *testing.F) {
	f.Add("k3J9x_Qa.1767225600123.save.analytics~media")
	f.Add("k3J9x_Qa.1767225600123.accept-all.")
	f.Add("fp1." + nowMS + ".allow.media")
	f.Add("fp1." + nowMS + ".withdraw.")
	f.Add("fp1." + nowMS + ".preferences.")
	f.Add("fp1.01772366400000.save.")
	f.Add("fp1." + nowMS + ".save.analytics~analytics")
	f.Add("1.fp1.1772366400.analytics.c." + testID)
	f.Add(longPending(maxPendingLen))
	f.Add("")
	f.Add("...")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodePending(s)
		if err != nil {
			return
		}
		if len(s) > maxPendingLen {
			t.Fatalf("DecodePending accepted %d bytes: got nil want %v", len(s), errPendingTooLong)
		}
		enc := encodePending(p)
		if enc != s {
			t.Fatalf("encode(DecodePending(%q)): got %q want the input (canonical form)", s, enc)
		}
		back, err := DecodePending(enc)
		if err != nil || !samePending(back, p) {
			t.Fatalf("DecodePending(encode(p)) for %q: got %+v, %v want %+v, nil", s, back, err, p)
		}
		// Whatever the loader stored, applying it never grants a category
		// the config does not know.
		c := testConfig()
		c.Fingerprint = p.Fingerprint
		a, at, ok := Resume(c, p, nil, p.Time)
		if !ok {
			return
		}
		_, r, e := Apply(c, Decision{}, a, at, testID)
		for _, id := range e.Granted {
			if _, ok := c.Category(id); !ok {
				t.Fatalf("Apply of %q granted unknown category %q", s, id)
			}
		}
		// Records start at 1970-01-01T00:00:01Z; a click in the first second
		// of 1970 is garbage that Resume only lets through because this
		// test's clock is the click's time.
		if _, err := Decode(r.Encode()); err != nil && at >= Second {
			t.Fatalf("record from %q: Decode(%q): got %v want nil", s, r.Encode(), err)
		}
	})
}
