package banner

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pendingAt is the loader's raw record of action at t, as loader.js writes it.
func pendingAt(fp string, t Millis, action string, ids ...string) string {
	return fp + "." + strconv.FormatInt(int64(t), 10) + "." + action + "." + strings.Join(ids, "~")
}

func TestBegin(t *testing.T) {
	clicked := now - 3*Second + 250 // 11:59:57.250
	clickedSec := now - 3*Second    // what the record keeps
	cases := []struct {
		name    string
		stored  *Record
		pending string
		// want
		granted    []string
		method     Method // 0: nothing to store
		activate   []string
		deletes    string // a cookie name that must be deleted, "" for none
		showBanner bool
	}{
		{name: "nothing", showBanner: true, granted: []string{"necessary"}, activate: []string{"necessary"}},
		{name: "stored grant, nothing clicked", stored: rec(now-Day, MethodAcceptAll, "analytics"),
			granted: []string{"necessary", "analytics"}, activate: []string{"necessary", "analytics"}},
		{name: "accept clicked before the engine", pending: pendingAt("fp1", clicked, "accept-all"),
			granted: []string{"necessary", "analytics", "marketing", "media"}, method: MethodAcceptAll,
			activate: []string{"necessary", "analytics", "marketing", "media"}},
		{name: "refusal clicked over a stored grant", stored: rec(now-Day, MethodAcceptAll, "analytics", "media"),
			pending: pendingAt("fp1", clicked, "reject-all"),
			granted: []string{"necessary"}, method: MethodRejectAll, activate: []string{"necessary"}, deletes: "_ga"},
		{name: "save with ticks", pending: pendingAt("fp1", clicked, "save", "necessary", "media"),
			granted: []string{"necessary", "media"}, method: MethodCustom, activate: []string{"necessary", "media"}},
		{name: "allow adds to the stored grant", stored: rec(now-Day, MethodCustom, "analytics"),
			pending: pendingAt("fp1", clicked, "allow", "media"),
			granted: []string{"necessary", "analytics", "media"}, method: MethodCustom,
			activate: []string{"necessary", "analytics", "media"}},
		{name: "choice under another policy is dropped", pending: pendingAt("old", clicked, "accept-all"),
			showBanner: true, granted: []string{"necessary"}, activate: []string{"necessary"}},
		{name: "choice already recorded after it", stored: rec(now-Second, MethodRejectAll),
			pending: pendingAt("fp1", clicked, "accept-all"),
			granted: []string{"necessary"}, activate: []string{"necessary"}},
		{name: "garbage is dropped", pending: "fp1.<script>.accept-all.",
			showBanner: true, granted: []string{"necessary"}, activate: []string{"necessary"}},
		{name: "a navigation click is no choice", pending: pendingAt("fp1", clicked, "preferences"),
			showBanner: true, granted: []string{"necessary"}, activate: []string{"necessary"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, made, e := Begin(testConfig(), tc.stored, tc.pending, Signals{}, now, testID)
			if !slices.Equal(d.Granted, tc.granted) || !slices.Equal(e.Granted, tc.granted) {
				t.Errorf("granted: got decision %v effects %v, want %v", d.Granted, e.Granted, tc.granted)
			}
			if d.ShowBanner != tc.showBanner {
				t.Errorf("show banner: got %v want %v", d.ShowBanner, tc.showBanner)
			}
			if !slices.Equal(e.Activate, tc.activate) {
				t.Errorf("activate: got %v want %v", e.Activate, tc.activate)
			}
			if e.Reload {
				t.Error("reload at start: nothing has run yet")
			}
			switch {
			case tc.method == 0 && made != nil:
				t.Errorf("record to store: got %+v want none", *made)
			case tc.method != 0 && made == nil:
				t.Errorf("record to store: got none want method %c", tc.method)
			case tc.method != 0:
				if made.Method != tc.method || made.Time != clickedSec || made.ID != testID {
					t.Errorf("record: got method %c time %v id %s, want %c at %v (the click) id %s",
						made.Method, made.Time, made.ID, tc.method, clickedSec, testID)
				}
				if e.ConsentMode == nil || !e.Notify {
					t.Error("a choice must update Consent Mode and notify the dataLayer")
				}
			}
			if tc.deletes != "" && !slices.ContainsFunc(e.DeleteCookies, func(c Cookie) bool { return c.Name == tc.deletes }) {
				t.Errorf("cookies to delete: got %v, want %s among them", e.DeleteCookies, tc.deletes)
			}
		})
	}
}
