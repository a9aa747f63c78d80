package banner

import (
	"slices"
	"testing"
)

func TestSync(t *testing.T) {
	required := []string{"necessary"}
	all := []string{"necessary", "analytics", "marketing", "media"}
	earlier := now - 60_000
	tests := []struct {
		name       string
		cur        []string // Granted of the decision the page ran under
		r          *Record
		s          Signals
		wantBanner bool
		wantAct    []string
		wantDeact  []string
		wantReload bool
		wantDelete bool
	}{
		{"withdrawn in another tab", all, rec(earlier, MethodWithdraw), Signals{},
			false, nil, []string{"analytics", "marketing", "media"}, true, true},
		{"narrowed in another tab", all, rec(earlier, MethodCustom, "media"), Signals{},
			false, nil, []string{"analytics", "marketing"}, true, true},
		{"accepted in another tab", required, rec(earlier, MethodAcceptAll, "analytics", "marketing", "media"), Signals{},
			false, []string{"analytics", "marketing", "media"}, nil, false, false},
		{"same choice saved again", all, rec(earlier, MethodAcceptAll, "analytics", "marketing", "media"), Signals{},
			false, nil, nil, false, false},
		{"record removed: ask again, refuse what ran", all, nil, Signals{},
			true, nil, []string{"analytics", "marketing", "media"}, true, true},
		{"record removed before any grant", required, nil, Signals{},
			true, nil, nil, false, false},
		{"record for another policy counts as none", all, &Record{Version: RecordVersion, Fingerprint: "other", Time: earlier, Granted: []string{"analytics"}, Method: MethodCustom, ID: testID}, Signals{},
			true, nil, []string{"analytics", "marketing", "media"}, true, true},
		{"explicit choice in another tab wins over GPC, as at Start", required, rec(earlier, MethodAcceptAll, "analytics", "marketing", "media"), Signals{GPC: true},
			false, []string{"analytics", "marketing", "media"}, nil, false, false},
		{"record removed under GPC: refused without a banner", all, nil, Signals{GPC: true},
			false, nil, []string{"analytics", "marketing", "media"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testConfig()
			d, e := Sync(c, Decision{Granted: tt.cur, Reason: ReasonValid}, tt.r, tt.s, now)
			if d.ShowBanner != tt.wantBanner {
				t.Errorf("ShowBanner: got %v want %v", d.ShowBanner, tt.wantBanner)
			}
			if !slices.Equal(e.Granted, d.Granted) {
				t.Errorf("Effects.Granted %q differs from Decision.Granted %q", e.Granted, d.Granted)
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
			if got := len(e.DeleteCookies) > 0; got != tt.wantDelete {
				t.Errorf("DeleteCookies: got %v want some: %v", e.DeleteCookies, tt.wantDelete)
			}
			for _, ck := range e.DeleteCookies {
				if ck.Name == "doui" {
					t.Errorf("deletes the record's own cookie")
				}
			}
			if len(e.GADisable) != 2 {
				t.Errorf("GADisable: got %v, want a flag for each measurement id", e.GADisable)
			}
		})
	}
}
