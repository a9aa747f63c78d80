package banner

import (
	"slices"
	"strings"
	"testing"
)

func TestApply(t *testing.T) {
	required := []string{"necessary"}
	all := []string{"necessary", "analytics", "marketing", "media"}
	tests := []struct {
		name        string
		prev        []string // the Granted of the Decision in force
		a           Action
		wantGranted []string // Effects.Granted
		wantAct     []string
		wantDeact   []string
		wantReload  bool
		wantMethod  Method
	}{
		{"accept all on first visit", required, Action{Kind: AcceptAll},
			all, []string{"analytics", "marketing", "media"}, nil, false, MethodAcceptAll},
		{"reject all on first visit", required, Action{Kind: RejectAll},
			required, nil, nil, false, MethodRejectAll},
		{"save some", required, Action{Kind: Save, Categories: []string{"media", "analytics"}},
			[]string{"necessary", "analytics", "media"}, []string{"analytics", "media"}, nil, false, MethodCustom},
		{"save nothing", required, Action{Kind: Save},
			required, nil, nil, false, MethodCustom},
		{"save drops unknown ids", required, Action{Kind: Save, Categories: []string{"tracking", "media", "Analytics"}},
			[]string{"necessary", "media"}, []string{"media"}, nil, false, MethodCustom},
		{"required cannot be refused", all, Action{Kind: Save, Categories: []string{"media"}},
			[]string{"necessary", "media"}, nil, []string{"analytics", "marketing"}, true, MethodCustom},
		// Anything may have run under a grant (an element doui activated, a
		// tag a script inserted that the blocker let through, code that read
		// doui.consent()): refusing it reloads.
		{"withdraw after accept: reload", all, Action{Kind: Withdraw},
			required, nil, []string{"analytics", "marketing", "media"}, true, MethodWithdraw},
		{"withdraw before anything", required, Action{Kind: Withdraw},
			required, nil, nil, false, MethodWithdraw},
		{"narrowing: reload", all, Action{Kind: Save, Categories: []string{"analytics"}},
			[]string{"necessary", "analytics"}, nil, []string{"marketing", "media"}, true, MethodCustom},
		{"widening: no reload", []string{"necessary", "media"}, Action{Kind: Save, Categories: []string{"analytics", "media"}},
			[]string{"necessary", "analytics", "media"}, []string{"analytics"}, nil, false, MethodCustom},
		{"accept again changes nothing", all, Action{Kind: AcceptAll},
			all, nil, nil, false, MethodAcceptAll},
		{"prev without required activates it", nil, Action{Kind: RejectAll},
			required, required, nil, false, MethodRejectAll},
		{"unknown prev ids ignored", []string{"necessary", "ads"}, Action{Kind: RejectAll},
			required, nil, nil, false, MethodRejectAll},
		{"unknown kind refuses", all, Action{Kind: 99, Categories: []string{"analytics"}},
			required, nil, []string{"analytics", "marketing", "media"}, true, MethodRejectAll},

		{"allow on first visit", required, Action{Kind: Allow, Categories: []string{"media"}},
			[]string{"necessary", "media"}, []string{"media"}, nil, false, MethodCustom},
		{"allow adds to what prev granted", []string{"necessary", "analytics"}, Action{Kind: Allow, Categories: []string{"media"}},
			[]string{"necessary", "analytics", "media"}, []string{"media"}, nil, false, MethodCustom},
		{"allow several", required, Action{Kind: Allow, Categories: []string{"marketing", "analytics"}},
			[]string{"necessary", "analytics", "marketing"}, []string{"analytics", "marketing"}, nil, false, MethodCustom},
		{"allow what is granted changes nothing", all, Action{Kind: Allow, Categories: []string{"media"}},
			all, nil, nil, false, MethodCustom},
		{"allow nothing keeps prev", []string{"necessary", "marketing"}, Action{Kind: Allow},
			[]string{"necessary", "marketing"}, nil, nil, false, MethodCustom},
		{"allow a required id adds nothing", required, Action{Kind: Allow, Categories: []string{"necessary"}},
			required, nil, nil, false, MethodCustom},
		{"allow drops unknown ids", required, Action{Kind: Allow, Categories: []string{"ads", "Media", "media"}},
			[]string{"necessary", "media"}, []string{"media"}, nil, false, MethodCustom},
		{"allow keeps unknown prev ids out", []string{"necessary", "ads"}, Action{Kind: Allow, Categories: []string{"media"}},
			[]string{"necessary", "media"}, []string{"media"}, nil, false, MethodCustom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			prev := Decision{Granted: tt.prev, Reason: ReasonValid}
			d, r, e := Apply(c, prev, tt.a, now, testID)
			if !slices.Equal(e.Granted, tt.wantGranted) {
				t.Errorf("Granted: got %q want %q", e.Granted, tt.wantGranted)
			}
			if !slices.Equal(e.Activate, tt.wantAct) {
				t.Errorf("Activate: got %q want %q", e.Activate, tt.wantAct)
			}
			if !slices.Equal(e.Deactivate, tt.wantDeact) {
				t.Errorf("Deactivate: got %q want %q", e.Deactivate, tt.wantDeact)
			}
			if e.Reload != tt.wantReload {
				t.Errorf("Reload: got %v want %v", e.Reload, tt.wantReload)
			}
			if want := RefusedCookies(c, tt.wantGranted); !slices.Equal(e.DeleteCookies, want) {
				t.Errorf("DeleteCookies: got %+v want %+v", e.DeleteCookies, want)
			}
			// A choice was made: Consent Mode is updated and Tag Manager told.
			if want := ConsentMode(c, tt.wantGranted); e.ConsentMode == nil || !slices.Equal(e.ConsentMode, want) {
				t.Errorf("ConsentMode: got %+v want %+v", e.ConsentMode, want)
			}
			if !e.Notify {
				t.Errorf("Notify: got false want true")
			}
			if want := GAFlags(c, tt.wantGranted); !slices.Equal(e.GADisable, want) {
				t.Errorf("GADisable: got %+v want %+v", e.GADisable, want)
			}
			if want := (Decision{Granted: tt.wantGranted, Reason: ReasonValid}); !sameDecision(d, want) {
				t.Errorf("next Decision: got %+v want %+v", d, want)
			}
			if r.Method != tt.wantMethod {
				t.Errorf("record Method: got %q want %q", r.Method, tt.wantMethod)
			}
			if want := tt.wantGranted[1:]; !slices.Equal(r.Granted, want) {
				t.Errorf("record Granted: got %q want %q (non-required only)", r.Granted, want)
			}
			// The stored record, read back on the next page, decides the same.
			back, err := Decode(r.Encode())
			if err != nil {
				t.Fatalf("Decode(Encode(record)) %q: got %v want nil", r.Encode(), err)
			}
			next := Decide(c, &back, Signals{GPC: true}, now+60*Minute)
			if !sameDecision(next, d) {
				t.Errorf("Decide on the stored record: got %+v want Apply's %+v", next, d)
			}
		})
	}
}

// TestApplyDecision pins the Decision Apply returns: the visitor has
// decided, so whatever prev showed (the banner, the GPC note) is gone, and
// it does not share memory with the Effects the wasm hands on.
func TestApplyDecision(t *testing.T) {
	c := testConfig()
	prevs := []struct {
		name string
		d    Decision
	}{
		{"banner shown", Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},
		{"GPC", Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC}},
		{"zero", Decision{}},
	}
	for _, prev := range prevs {
		for _, name := range []string{"accept-all", "reject-all", "save", "withdraw", "allow"} {
			t.Run(prev.name+" then "+name, func(t *testing.T) {
				a, _ := ParseAction(name, []string{"media"})
				d, _, e := Apply(c, prev.d, a, now, testID)
				want := Decision{Granted: e.Granted, Reason: ReasonValid}
				if !sameDecision(d, want) {
					t.Errorf("got %+v want %+v", d, want)
				}
				e.Granted[0] = "changed"
				if d.Granted[0] != "necessary" {
					t.Errorf("Decision.Granted after changing Effects.Granted: got %q want %q", d.Granted, "necessary first")
				}
			})
		}
	}
}

func TestStart(t *testing.T) {
	required := []string{"necessary"}
	allOff := []GAFlag{{"G-AAAA", true}, {"G-BBBB", true}}
	tests := []struct {
		name    string
		config  func(*Config) // changes to testConfig, or nil
		r       *Record
		s       Signals
		want    Decision
		wantCM  bool // ConsentMode set and Notify true
		wantGA  []GAFlag
		wantCMs []ConsentModeUpdate // when wantCM
	}{
		{"valid record: its grants, Consent Mode updated", nil, rec(now-Day, MethodCustom, "analytics"), Signals{},
			Decision{Granted: []string{"necessary", "analytics"}, Reason: ReasonValid},
			true, []GAFlag{{"G-AAAA", false}, {"G-BBBB", true}}, []ConsentModeUpdate{
				{"ad_personalization", "denied"}, {"ad_storage", "denied"}, {"ad_user_data", "denied"},
				{"analytics_storage", "granted"}, {"security_storage", "granted"}}},
		{"valid reject record: decided, so updated", nil, rec(now-Day, MethodRejectAll), Signals{},
			Decision{Granted: required, Reason: ReasonValid},
			true, allOff, ConsentModeDefaults(testConfig())},
		{"no record: banner, the loader's default stands", nil, nil, Signals{},
			Decision{ShowBanner: true, Granted: required, Reason: ReasonNoRecord},
			false, allOff, nil},
		{"expired record: banner, no update", nil, rec(now-200*Day, MethodAcceptAll, "analytics", "marketing"), Signals{},
			Decision{ShowBanner: true, Granted: required, Reason: ReasonExpired},
			false, allOff, nil},
		{"other fingerprint: banner, no update", func(c *Config) { c.Fingerprint = "fp2" }, rec(now-Day, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: required, Reason: ReasonFingerprint},
			false, allOff, nil},
		{"GPC: refused without a banner, so updated", nil, nil, Signals{GPC: true},
			Decision{Granted: required, GPC: true, Reason: ReasonGPC},
			true, allOff, ConsentModeDefaults(testConfig())},
		{"GPC with expired record: refused, updated", nil, rec(now-200*Day, MethodAcceptAll, "analytics"), Signals{GPC: true},
			Decision{Granted: required, GPC: true, Reason: ReasonGPC},
			true, allOff, ConsentModeDefaults(testConfig())},
		{"GPC ignored by the policy: banner", func(c *Config) { c.GPC = false }, nil, Signals{GPC: true},
			Decision{ShowBanner: true, Granted: required, Reason: ReasonNoRecord},
			false, allOff, nil},
		{"no measurement ids, no required: nothing to do but update", func(c *Config) { c.Categories = c.Categories[3:] }, rec(now-Day, MethodAcceptAll, "media"), Signals{},
			Decision{Granted: []string{"media"}, Reason: ReasonValid},
			true, nil, ConsentModeDefaults(&Config{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			if tt.config != nil {
				tt.config(c)
			}
			d, e := Start(c, tt.r, tt.s, now)
			if !sameDecision(d, tt.want) {
				t.Errorf("Decision: got %+v want %+v", d, tt.want)
			}
			if want := Decide(c, tt.r, tt.s, now); !sameDecision(d, want) {
				t.Errorf("Decision: got %+v want Decide's %+v", d, want)
			}
			if !slices.Equal(e.Granted, tt.want.Granted) {
				t.Errorf("Granted: got %q want %q", e.Granted, tt.want.Granted)
			}
			// Nothing ran before the engine: everything granted is activated.
			if !slices.Equal(e.Activate, tt.want.Granted) {
				t.Errorf("Activate: got %q want %q", e.Activate, tt.want.Granted)
			}
			if e.Deactivate != nil || e.DeleteCookies != nil || e.Reload {
				t.Errorf("Deactivate, DeleteCookies, Reload: got %q, %+v, %v want nil, nil, false", e.Deactivate, e.DeleteCookies, e.Reload)
			}
			if !slices.Equal(e.GADisable, tt.wantGA) {
				t.Errorf("GADisable: got %+v want %+v", e.GADisable, tt.wantGA)
			}
			if (e.ConsentMode != nil) != tt.wantCM || !slices.Equal(e.ConsentMode, tt.wantCMs) {
				t.Errorf("ConsentMode: got %+v want %+v (set: %v)", e.ConsentMode, tt.wantCMs, tt.wantCM)
			}
			if e.Notify != tt.wantCM {
				t.Errorf("Notify: got %v want %v", e.Notify, tt.wantCM)
			}
		})
	}
	t.Run("Activate is not Granted's memory", func(t *testing.T) {
		_, e := Start(testConfig(), nil, Signals{}, now)
		e.Activate[0] = "changed"
		if e.Granted[0] != "necessary" {
			t.Errorf("Granted after changing Activate: got %q want %q", e.Granted, []string{"necessary"})
		}
	})
}

func TestParseAction(t *testing.T) {
	cats := []string{"analytics", "media"}
	tests := []struct {
		name   string
		cats   []string
		want   Action
		wantOK bool
	}{
		{"accept-all", cats, Action{Kind: AcceptAll}, true},
		{"reject-all", cats, Action{Kind: RejectAll}, true},
		{"withdraw", cats, Action{Kind: Withdraw}, true},
		{"save", cats, Action{Kind: Save, Categories: cats}, true},
		{"save", nil, Action{Kind: Save}, true},
		{"allow", []string{"media"}, Action{Kind: Allow, Categories: []string{"media"}}, true},
		{"preferences", cats, Action{}, false},
		{"open", nil, Action{}, false},
		{"close", nil, Action{}, false},
		{"lang", nil, Action{}, false},
		{"", nil, Action{}, false},
		{"accept", nil, Action{}, false},
		{"Accept-All", nil, Action{}, false},
		{"accept-all ", nil, Action{}, false},
		{"custom", cats, Action{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+strings.Join(tt.cats, "~"), func(t *testing.T) {
			got, ok := ParseAction(tt.name, tt.cats)
			if ok != tt.wantOK || got.Kind != tt.want.Kind || !slices.Equal(got.Categories, tt.want.Categories) {
				t.Errorf("ParseAction(%q, %q): got %+v, %v want %+v, %v", tt.name, tt.cats, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestApplyRecord(t *testing.T) {
	at := now + 999 // the last millisecond of 12:00:00
	_, r, _ := Apply(testConfig(), Decision{}, Action{Kind: AcceptAll}, at, testID)
	want := Record{
		Version:     RecordVersion,
		Fingerprint: "fp1",
		Time:        now,
		Granted:     []string{"analytics", "marketing", "media"},
		Method:      MethodAcceptAll,
		ID:          testID,
	}
	if !sameRecord(r, want) {
		t.Errorf("got %+v want %+v", r, want)
	}
}

func TestApplyEffects(t *testing.T) {
	c := testConfig()
	all := Decision{Granted: []string{"necessary", "analytics", "marketing", "media"}, Reason: ReasonValid}
	_, _, e := Apply(c, all, Action{Kind: Save, Categories: []string{"analytics"}}, now, testID)
	// _ga is also listed by analytics, which stays granted: keep it.
	if want := []Cookie{{Name: "_gcl_au"}}; !slices.Equal(e.DeleteCookies, want) {
		t.Errorf("DeleteCookies: got %+v want %+v", e.DeleteCookies, want)
	}
	wantCM := []ConsentModeUpdate{
		{"ad_personalization", "denied"}, {"ad_storage", "denied"}, {"ad_user_data", "denied"},
		{"analytics_storage", "granted"}, {"security_storage", "granted"},
	}
	if !slices.Equal(e.ConsentMode, wantCM) {
		t.Errorf("ConsentMode: got %+v want %+v", e.ConsentMode, wantCM)
	}
	if want := []GAFlag{{"G-AAAA", false}, {"G-BBBB", true}}; !slices.Equal(e.GADisable, want) {
		t.Errorf("GADisable: got %+v want %+v", e.GADisable, want)
	}
}

func TestRefusedCookies(t *testing.T) {
	tests := []struct {
		name    string
		granted []string
		want    []Cookie
	}{
		{"nothing granted", []string{"necessary"}, []Cookie{{Name: "_ga"}, {Name: "_ga_*"}, {Name: "_gid"}, {Name: "_gcl_au"}}},
		{"required never deleted", nil, []Cookie{{Name: "_ga"}, {Name: "_ga_*"}, {Name: "_gid"}, {Name: "_gcl_au"}}},
		{"shared cookie kept while one owner is granted", []string{"necessary", "marketing"}, []Cookie{{Name: "_ga_*"}, {Name: "_gid"}}},
		{"all granted", []string{"necessary", "analytics", "marketing", "media"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RefusedCookies(testConfig(), tt.granted); !slices.Equal(got, tt.want) {
				t.Errorf("got %+v want %+v", got, tt.want)
			}
		})
	}
}

func TestConsentMode(t *testing.T) {
	denied := func(types ...string) []ConsentModeUpdate {
		var out []ConsentModeUpdate
		for _, t := range types {
			out = append(out, ConsentModeUpdate{t, "denied"})
		}
		return out
	}
	tests := []struct {
		name string
		c    *Config
		got  func(*Config) []ConsentModeUpdate
		want []ConsentModeUpdate
	}{
		{"defaults: denied but required's types", testConfig(), ConsentModeDefaults, []ConsentModeUpdate{
			{"ad_personalization", "denied"}, {"ad_storage", "denied"}, {"ad_user_data", "denied"},
			{"analytics_storage", "denied"}, {"security_storage", "granted"}}},
		{"defaults of an empty config: the v2 core, denied", &Config{}, ConsentModeDefaults,
			denied("ad_personalization", "ad_storage", "ad_user_data", "analytics_storage")},
		{"all granted", testConfig(), func(c *Config) []ConsentModeUpdate {
			return ConsentMode(c, []string{"necessary", "analytics", "marketing", "media"})
		}, []ConsentModeUpdate{
			{"ad_personalization", "granted"}, {"ad_storage", "granted"}, {"ad_user_data", "granted"},
			{"analytics_storage", "granted"}, {"security_storage", "granted"}}},
		{"extra types sorted, granted ids unknown to config ignored", &Config{Categories: []Category{
			{ID: "prefs", ConsentMode: []string{"personalization_storage", "functionality_storage"}},
		}}, func(c *Config) []ConsentModeUpdate { return ConsentMode(c, []string{"analytics", "prefs"}) },
			[]ConsentModeUpdate{
				{"ad_personalization", "denied"}, {"ad_storage", "denied"}, {"ad_user_data", "denied"},
				{"analytics_storage", "denied"}, {"functionality_storage", "granted"}, {"personalization_storage", "granted"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(tt.c); !slices.Equal(got, tt.want) {
				t.Errorf("got %+v want %+v", got, tt.want)
			}
		})
	}
}

func TestGAFlags(t *testing.T) {
	shared := testConfig()
	shared.Categories[2].Services[0].MeasurementIDs = []string{"G-AAAA", "G-BBBB"}
	tests := []struct {
		name    string
		c       *Config
		granted []string
		want    []GAFlag
	}{
		{"nothing granted", testConfig(), []string{"necessary"}, []GAFlag{{"G-AAAA", true}, {"G-BBBB", true}}},
		{"analytics granted", testConfig(), []string{"necessary", "analytics"}, []GAFlag{{"G-AAAA", false}, {"G-BBBB", true}}},
		{"id shared with a refused category stays disabled", shared, []string{"necessary", "analytics"}, []GAFlag{{"G-AAAA", true}, {"G-BBBB", true}}},
		{"id shared, both granted", shared, []string{"necessary", "analytics", "marketing"}, []GAFlag{{"G-AAAA", false}, {"G-BBBB", false}}},
		{"no ids", &Config{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GAFlags(tt.c, tt.granted); !slices.Equal(got, tt.want) {
				t.Errorf("got %+v want %+v", got, tt.want)
			}
		})
	}
}
