package banner

import (
	"slices"
	"time"
)

// now is the fixed clock of every test.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

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
func rec(t time.Time, m Method, granted ...string) *Record {
	return &Record{Version: RecordVersion, Fingerprint: "fp1", Time: t, Granted: granted, Method: m, ID: testID}
}

func sameRecord(a, b Record) bool {
	return a.Version == b.Version && a.Fingerprint == b.Fingerprint && a.Time.Equal(b.Time) &&
		a.Time.Location() == b.Time.Location() && slices.Equal(a.Granted, b.Granted) &&
		a.Method == b.Method && a.ID == b.ID
}
