package banner

import (
	"slices"
	"testing"
)

func TestDecide(t *testing.T) {
	noGPC := func(c *Config) { c.GPC = false }
	tests := []struct {
		name   string
		config func(*Config) // changes to testConfig, or nil
		r      *Record
		s      Signals
		want   Decision
	}{
		{"no record asks, grants required", nil, nil, Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},
		{"valid record grants its categories", nil, rec(now-Day, MethodCustom, "media", "analytics"), Signals{},
			Decision{Granted: []string{"necessary", "analytics", "media"}, Reason: ReasonValid}},
		{"reject record grants only required", nil, rec(now-Day, MethodRejectAll), Signals{},
			Decision{Granted: []string{"necessary"}, Reason: ReasonValid}},
		{"unknown categories ignored", nil, rec(now-Day, MethodCustom, "ads", "analytics", "tracking"), Signals{},
			Decision{Granted: []string{"necessary", "analytics"}, Reason: ReasonValid}},
		{"required granted though record omits it", nil, rec(now-Day, MethodCustom, "media"), Signals{},
			Decision{Granted: []string{"necessary", "media"}, Reason: ReasonValid}},
		{"fingerprint changed asks", func(c *Config) { c.Fingerprint = "fp2" }, rec(now-Day, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonFingerprint}},
		{"expired exactly at lifetime", nil, rec(now-182*Day, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonExpired}},
		{"one second before lifetime holds", nil, rec(now-182*Day+Second, MethodAcceptAll, "analytics"), Signals{},
			Decision{Granted: []string{"necessary", "analytics"}, Reason: ReasonValid}},
		{"lifetime 0 expires everything", func(c *Config) { c.LifetimeDays = 0 }, rec(now, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonExpired}},
		{"huge lifetime does not overflow", func(c *Config) { c.LifetimeDays = 1 << 62 }, rec(now-Day, MethodAcceptAll, "analytics"), Signals{},
			Decision{Granted: []string{"necessary", "analytics"}, Reason: ReasonValid}},
		{"negative lifetime expires a record within skew", func(c *Config) { c.LifetimeDays = -1 }, rec(now+FutureSkew, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonExpired}},
		// Unbounded, -1334388315517184 days in milliseconds wraps to +10^18
		// (31 million years).
		{"huge negative lifetime does not overflow", func(c *Config) { c.LifetimeDays = -1334388315517184 }, rec(now-Day, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonExpired}},
		{"future within skew holds", nil, rec(now+FutureSkew, MethodAcceptAll, "analytics"), Signals{},
			Decision{Granted: []string{"necessary", "analytics"}, Reason: ReasonValid}},
		{"future beyond skew asks", nil, rec(now+FutureSkew+Second, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonFuture}},
		{"far future asks", nil, rec(now+10*365*Day, MethodAcceptAll, "analytics"), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonFuture}},
		{"unknown version asks", nil, &Record{Version: 2, Fingerprint: "fp1", Time: now, Granted: []string{"analytics"}, Method: MethodAcceptAll}, Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},
		{"zero record asks", nil, &Record{}, Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},

		{"GPC without record refuses silently", nil, nil, Signals{GPC: true},
			Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC}},
		{"GPC ignored when policy says so", noGPC, nil, Signals{GPC: true},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},
		{"GPC off asks", nil, nil, Signals{GPC: false},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},
		{"GPC with stale record refuses silently", func(c *Config) { c.Fingerprint = "fp2" }, rec(now-Day, MethodAcceptAll, "analytics"), Signals{GPC: true},
			Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC}},
		{"GPC with expired record refuses silently", nil, rec(now-200*Day, MethodAcceptAll, "analytics"), Signals{GPC: true},
			Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC}},
		{"explicit record wins over GPC", nil, rec(now-Day, MethodCustom, "analytics"), Signals{GPC: true},
			Decision{Granted: []string{"necessary", "analytics"}, Reason: ReasonValid}},
		{"GPC record while GPC on", nil, rec(now-Day, MethodGPC), Signals{GPC: true},
			Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC}},
		{"GPC record never grants", nil, rec(now-Day, MethodGPC, "analytics"), Signals{GPC: true},
			Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC}},
		{"GPC record after GPC turned off asks", nil, rec(now-Day, MethodGPC), Signals{},
			Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			if tt.config != nil {
				tt.config(c)
			}
			got := Decide(c, tt.r, tt.s, now)
			if !sameDecision(got, tt.want) {
				t.Errorf("got %+v want %+v", got, tt.want)
			}
		})
	}
}

// TestDecideGarbage pins fail-closed on stored values: whatever the cookie
// holds, a value that does not decode is no record, and nothing beyond the
// required categories is granted. Each value goes through Decode and what
// Decode returns goes to Decide, error or not (the wasm passes nil on an
// error; the zero Record must not grant either), so the test fails if
// Decode accepts garbage or Decide trusts what it gets. Most values are one
// flaw away from a record that grants analytics now.
func TestDecideGarbage(t *testing.T) {
	for _, s := range []string{
		"",
		"1",
		"true",
		"analytics",
		"1.fp1.1772366400.analytics.a",
		"1.fp1.1772366400.ANALYTICS.a." + testID,
		"1.fp1.1772366400.analytics.a." + testID + ";",
		"1.fp1.1772366400.analytics.a. " + testID,
		"9.fp1.1772366400.analytics.a." + testID,
		"1.fp1.1772366400.analytics.z." + testID,
		"1.fp1.17723664OO.analytics.a." + testID,
		"1.fp1.+1772366400.analytics.a." + testID,
		"1.fp1.1772366400.analytics~analytics.a." + testID,
		"1.fp1.1772366400.analytics.a.short",
		"1.fp1.1772366400.analytics.a." + testID + "." + string(make([]byte, 200)),
	} {
		t.Run(s, func(t *testing.T) {
			r, err := Decode(s)
			if err == nil {
				t.Errorf("Decode(%q): got %+v, nil want an error", s, r)
			}
			got := Decide(testConfig(), &r, Signals{}, now)
			want := Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord}
			if !sameDecision(got, want) {
				t.Errorf("Decide on what Decode returned: got %+v want %+v", got, want)
			}
		})
	}
}

func sameDecision(a, b Decision) bool {
	return a.ShowBanner == b.ShowBanner && slices.Equal(a.Granted, b.Granted) && a.GPC == b.GPC && a.Reason == b.Reason
}

func TestMakeView(t *testing.T) {
	tests := []struct {
		name string
		d    Decision
		want View
	}{
		{"first visit: nothing pre-ticked", Decision{ShowBanner: true, Granted: []string{"necessary"}, Reason: ReasonNoRecord},
			View{ShowBanner: true, Toggles: []Toggle{
				{ID: "necessary", On: true, Locked: true}, {ID: "analytics"}, {ID: "marketing"}, {ID: "media"}}}},
		{"custom choice", Decision{Granted: []string{"necessary", "analytics", "media"}, Reason: ReasonValid},
			View{Toggles: []Toggle{
				{ID: "necessary", On: true, Locked: true}, {ID: "analytics", On: true}, {ID: "marketing"}, {ID: "media", On: true}}}},
		{"GPC note", Decision{Granted: []string{"necessary"}, GPC: true, Reason: ReasonGPC},
			View{GPCNote: true, Toggles: []Toggle{
				{ID: "necessary", On: true, Locked: true}, {ID: "analytics"}, {ID: "marketing"}, {ID: "media"}}}},
		{"required on even if missing", Decision{},
			View{Toggles: []Toggle{
				{ID: "necessary", On: true, Locked: true}, {ID: "analytics"}, {ID: "marketing"}, {ID: "media"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MakeView(testConfig(), tt.d)
			if got.ShowBanner != tt.want.ShowBanner || got.GPCNote != tt.want.GPCNote || !slices.Equal(got.Toggles, tt.want.Toggles) {
				t.Errorf("got %+v want %+v", got, tt.want)
			}
		})
	}
}
