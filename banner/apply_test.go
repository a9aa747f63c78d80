package banner

import (
	"slices"
	"testing"
	"time"
)

func TestApply(t *testing.T) {
	required := []string{"necessary"}
	all := []string{"necessary", "analytics", "marketing", "media"}
	tests := []struct {
		name        string
		prev, ran   []string
		a           Action
		wantGranted []string // Effects.Granted
		wantAct     []string
		wantDeact   []string
		wantReload  bool
		wantMethod  Method
	}{
		{"accept all on first visit", required, nil, Action{Kind: AcceptAll},
			all, []string{"analytics", "marketing", "media"}, nil, false, MethodAcceptAll},
		{"reject all on first visit", required, nil, Action{Kind: RejectAll},
			required, nil, nil, false, MethodRejectAll},
		{"save some", required, nil, Action{Kind: Save, Categories: []string{"media", "analytics"}},
			[]string{"necessary", "analytics", "media"}, []string{"analytics", "media"}, nil, false, MethodCustom},
		{"save nothing", required, nil, Action{Kind: Save},
			required, nil, nil, false, MethodCustom},
		{"save drops unknown ids", required, nil, Action{Kind: Save, Categories: []string{"tracking", "media", "Analytics"}},
			[]string{"necessary", "media"}, []string{"media"}, nil, false, MethodCustom},
		{"required cannot be refused", all, nil, Action{Kind: Save, Categories: []string{"media"}},
			[]string{"necessary", "media"}, nil, []string{"analytics", "marketing"}, false, MethodCustom},
		{"withdraw after accept, analytics ran: reload", all, []string{"necessary", "analytics"}, Action{Kind: Withdraw},
			required, nil, []string{"analytics", "marketing", "media"}, true, MethodWithdraw},
		{"withdraw after accept, nothing ran: no reload", all, nil, Action{Kind: Withdraw},
			required, nil, []string{"analytics", "marketing", "media"}, false, MethodWithdraw},
		{"withdraw after accept, only required ran: no reload", all, []string{"necessary"}, Action{Kind: Withdraw},
			required, nil, []string{"analytics", "marketing", "media"}, false, MethodWithdraw},
		{"withdraw before anything", required, nil, Action{Kind: Withdraw},
			required, nil, nil, false, MethodWithdraw},
		{"narrowing keeps what ran and stays granted", all, []string{"media"}, Action{Kind: Save, Categories: []string{"media"}},
			[]string{"necessary", "media"}, nil, []string{"analytics", "marketing"}, false, MethodCustom},
		{"narrowing refuses what ran: reload", all, []string{"media"}, Action{Kind: Save, Categories: []string{"analytics"}},
			[]string{"necessary", "analytics"}, nil, []string{"marketing", "media"}, true, MethodCustom},
		{"accept again changes nothing", all, all, Action{Kind: AcceptAll},
			all, nil, nil, false, MethodAcceptAll},
		{"prev without required activates it", nil, nil, Action{Kind: RejectAll},
			required, required, nil, false, MethodRejectAll},
		{"unknown prev ids ignored", []string{"necessary", "ads"}, nil, Action{Kind: RejectAll},
			required, nil, nil, false, MethodRejectAll},
		{"unknown kind refuses", all, nil, Action{Kind: 99, Categories: []string{"analytics"}},
			required, nil, []string{"analytics", "marketing", "media"}, false, MethodRejectAll},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			r, e := Apply(c, tt.prev, tt.ran, tt.a, now, testID)
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
			d := Decide(c, &back, Signals{GPC: true}, now.Add(time.Hour))
			if d.ShowBanner || d.Reason != ReasonValid || !slices.Equal(d.Granted, e.Granted) {
				t.Errorf("Decide on the stored record: got %+v want valid, granted %q", d, e.Granted)
			}
		})
	}
}

func TestApplyRecord(t *testing.T) {
	at := time.Date(2026, 3, 1, 21, 0, 0, 999_999_999, time.FixedZone("JST", 9*3600))
	r, _ := Apply(testConfig(), nil, nil, Action{Kind: AcceptAll}, at, testID)
	want := Record{
		Version:     RecordVersion,
		Fingerprint: "fp1",
		Time:        time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
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
	_, e := Apply(c, []string{"necessary", "analytics", "marketing", "media"}, nil, Action{Kind: Save, Categories: []string{"analytics"}}, now, testID)
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
