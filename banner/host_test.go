package banner

import "testing"

func TestURLCategory(t *testing.T) {
	c := testConfig()
	tests := []struct {
		url, want string
		ok        bool
	}{
		{"https://www.googletagmanager.com/gtag/js?id=G-1", "analytics", true},
		{"https://WWW.GoogleTagManager.com./gtag/js", "analytics", true},
		{"http://www.googletagmanager.com:8443/gtag/js", "analytics", true},
		{"https://x.www.youtube-nocookie.com/embed/1", "media", true},
		{"https://user:pw@www.youtube-nocookie.com/embed/1", "media", true},
		{"https://youtube-nocookie.com/embed/1", "", false}, // a parent of a listed host is not listed
		{"https://www.googletagmanager.com.evil.example/x.js", "", false},
		{"https://evil.example/www.googletagmanager.com/x.js", "", false},
		{"https://evil.example/?u=https://www.googletagmanager.com", "", false},
		{"/js/local.js", "", false},
		{"javascript:alert(1)", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		id, ok := URLCategory(c, tt.url)
		if id != tt.want || ok != tt.ok {
			t.Errorf("URLCategory(%q): got %q, %v want %q, %v", tt.url, id, ok, tt.want, tt.ok)
		}
	}
}
