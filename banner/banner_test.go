package banner

import (
	"slices"
	"testing"
	"time"
)

// now is the fixed clock of every test.
var now = Millis(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixMilli())

// TestUnits pins the Millis constants against package time, which banner
// itself cannot import.
func TestUnits(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  Millis
		want time.Duration
	}{
		{"Second", Second, time.Second},
		{"Minute", Minute, time.Minute},
		{"Day", Day, 24 * time.Hour},
		{"FutureSkew", FutureSkew, 5 * time.Minute},
		{"PendingMaxAge", PendingMaxAge, 10 * time.Minute},
	} {
		if want := Millis(tt.want.Milliseconds()); tt.got != want {
			t.Errorf("%s: got %d want %d (%v)", tt.name, tt.got, want, tt.want)
		}
	}
}

// testID is NewID of bytes 0..15.
const testID = "AAECAwQFBgcICQoLDA0ODw"

// testConfig is a typical public-sector policy: a required category, Google
// Analytics, ads, and embedded media.
func testConfig() *Config {
	return &Config{
		Fingerprint:  "fp1",
		LifetimeDays: 182,
		GPC:          true,
		Categories: []Category{
			{
				ID:          "necessary",
				Required:    true,
				ConsentMode: []string{"security_storage"},
				Services:    []Service{{Name: "doui", Cookies: []Cookie{{Name: "doui"}}}},
			},
			{
				ID:          "analytics",
				ConsentMode: []string{"analytics_storage"},
				Services: []Service{{
					Name:           "Google Analytics",
					Cookies:        []Cookie{{Name: "_ga"}, {Name: "_ga_*"}, {Name: "_gid"}},
					Hosts:          []string{"www.googletagmanager.com"},
					MeasurementIDs: []string{"G-AAAA"},
				}},
			},
			{
				ID:          "marketing",
				ConsentMode: []string{"ad_storage", "ad_user_data", "ad_personalization"},
				Services: []Service{{
					Name:           "Google Ads",
					Cookies:        []Cookie{{Name: "_gcl_au"}, {Name: "_ga"}},
					MeasurementIDs: []string{"G-BBBB"},
				}},
			},
			{
				ID:       "media",
				Services: []Service{{Name: "YouTube", Hosts: []string{"www.youtube-nocookie.com"}}},
			},
		},
	}
}

// rec returns a valid record for testConfig made at t.
func rec(t Millis, m Method, granted ...string) *Record {
	return &Record{Version: RecordVersion, Fingerprint: "fp1", Time: t, Granted: granted, Method: m, ID: testID}
}

func sameRecord(a, b Record) bool {
	return a.Version == b.Version && a.Fingerprint == b.Fingerprint && a.Time == b.Time &&
		slices.Equal(a.Granted, b.Granted) && a.Method == b.Method && a.ID == b.ID
}
