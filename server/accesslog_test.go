package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestTruncateIP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.123:54321", "192.0.2.0"},
		{"192.0.2.255:1", "192.0.2.0"},
		{"10.1.2.3", "10.1.2.0"},
		{"127.0.0.1:8080", "127.0.0.0"},
		{"255.255.255.255:0", "255.255.255.0"},
		{"[2001:db8:1234:5678:9abc:def0:1234:5678]:443", "2001:db8:1234::"},
		{"[2001:db8:1234:ffff::1]:443", "2001:db8:1234::"},
		{"2001:db8:abcd:12::1", "2001:db8:abcd::"},
		{"[::1]:8080", "::"},
		{"[fe80::1%eth0]:80", "fe80::"},
		{"[::ffff:198.51.100.7]:80", "198.51.100.0"}, // IPv4-mapped: IPv4 rules
		{"[2001:db8::]:1", "2001:db8::"},
		{"", "-"},
		{"garbage", "-"},
		{"@", "-"},
		{"example.com:80", "-"}, // never resolved, never echoed
		{"999.1.1.1:80", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := truncateIP(tt.in); got != tt.want {
				t.Errorf("truncateIP(%q): got %q want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRefererOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.example.go.jp/section/page.html?user=42#x", "https://www.example.go.jp"},
		{"http://127.0.0.2:8080/", "http://127.0.0.2:8080"},
		{"", "-"},
		{"not a url", "-"},
		{"/relative", "-"},
	}
	for _, tt := range tests {
		if got := refererOrigin(tt.in); got != tt.want {
			t.Errorf("refererOrigin(%q): got %q want %q", tt.in, got, tt.want)
		}
	}
}

func TestAccessLogLine(t *testing.T) {
	s := newTestServer(t)
	var out syncBuilder
	l := newAccessLog(s, &out)
	at := time.Date(2026, 11, 23, 7, 31, 2, 0, time.UTC)
	l.now = func() time.Time { return at }
	tests := []struct {
		remote, target, referer, accept string
		want                            *regexp.Regexp
	}{
		{"203.0.113.77:5000", "/doui.js?secret=1", "https://www.example.go.jp/private/page?id=9", "br",
			regexp.MustCompile(`^2026-11-23T07:31:02Z 203\.0\.113\.0 "GET /doui\.js HTTP/1\.1" 200 \d+ br 0\.0ms https://www\.example\.go\.jp\n$`)},
		{"[2001:db8:aa:bb::1]:5000", "/nope", "", "",
			regexp.MustCompile(`^2026-11-23T07:31:02Z 2001:db8:aa:: "GET /nope HTTP/1\.1" 404 10 - 0\.0ms -\n$`)},
	}
	for _, tt := range tests {
		out.Reset()
		r := httptest.NewRequest("GET", tt.target, nil)
		r.RemoteAddr = tt.remote
		if tt.referer != "" {
			r.Header.Set("Referer", tt.referer)
		}
		r.Header.Set("Accept-Encoding", tt.accept)
		l.ServeHTTP(httptest.NewRecorder(), r)
		line := out.String()
		if !tt.want.MatchString(line) {
			t.Errorf("log line:\ngot  %q\nwant %s", line, tt.want)
		}
		for _, leak := range []string{"113.77", "bb::1", "secret", "private", "id=9"} {
			if strings.Contains(line, leak) {
				t.Errorf("log line keeps %q: %q", leak, line)
			}
		}
	}
}

func TestLogFileReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	lf, err := openLogFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	lf.Write([]byte("one\n"))
	if err := os.Rename(path, path+".1"); err != nil { // logrotate
		t.Fatal(err)
	}
	lf.Write([]byte("two\n"))
	if err := lf.Reopen(); err != nil {
		t.Fatal(err)
	}
	lf.Write([]byte("three\n"))
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	if string(old) != "one\ntwo\n" || string(cur) != "three\n" {
		t.Errorf("after rotation: old %q new %q, want %q and %q", old, cur, "one\ntwo\n", "three\n")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("log file readable by others: %v %v", fi.Mode(), err)
	}
}

// syncBuilder collects log lines; accessLog serialises its writes.
type syncBuilder struct {
	b strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) { return s.b.Write(p) }
func (s *syncBuilder) String() string              { return s.b.String() }
func (s *syncBuilder) Reset()                      { s.b.Reset() }

var _ http.Handler = (*accessLog)(nil)
