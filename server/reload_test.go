package main

import (
	"context"
	"encoding/json"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/doui-consent/doui/e2e/testkit"
)

// demoPolicy is the embedded demo policy's source.
func demoPolicy(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../web/policies/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withVersion is the demo policy with another site.version: valid, and
// visible in /policy.json and /healthz.
func withVersion(t testing.TB, data []byte, v string) []byte {
	t.Helper()
	re := regexp.MustCompile(`"version":\s*"[^"]*"`)
	if !re.Match(data) {
		t.Fatal("demo policy has no site version")
	}
	return re.ReplaceAll(data, []byte(`"version": "`+v+`"`))
}

// reloadServer is a Server on a private copy of the demo policy.
func reloadServer(t testing.TB) (*Server, string, *testkit.SyncBuffer) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, withVersion(t, demoPolicy(t), "v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &testkit.SyncBuffer{}
	s, err := New(Options{Policy: file, PublicURL: "http://doui.test", Log: log.New(logs, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	return s, file, logs
}

type healthReport struct {
	Policy      string
	Fingerprint string
	Version     string
	EditPending bool
	Refused     *struct {
		File   string
		Errors []string
	} `json:"lastRefused"`
}

func healthOf(t *testing.T, s *Server) (healthReport, string) {
	t.Helper()
	w := get(t, s, "GET", "/healthz")
	var h healthReport
	if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil {
		t.Fatalf("healthz: %v: %s", err, w.Body)
	}
	return h, w.Body.String()
}

// servedVersion is site.version as /policy.json serves it.
func servedVersion(t testing.TB, s *Server) string {
	t.Helper()
	var p struct{ Site struct{ Version string } }
	if err := json.Unmarshal(get(t, s, "GET", "/policy.json").Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p.Site.Version
}

var lineCol = regexp.MustCompile(`^policy\.json:\d+:\d+: `)

func TestReloadRefusesBadEdit(t *testing.T) {
	s, file, logs := reloadServer(t)
	loader := get(t, s, "GET", "/doui.js").Body.String()
	tests := []struct{ name, edit string }{
		{"unknown field", strings.Replace(string(withVersion(t, demoPolicy(t), "v2")), `"site": {`, `"site": {"colour": "red",`, 1)},
		{"syntax", strings.Replace(string(withVersion(t, demoPolicy(t), "v2")), `"version"`, `"version" "`, 1)},
		{"truncated", string(withVersion(t, demoPolicy(t), "v2"))[:800]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(file, []byte(tt.edit), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := s.Reload(); err == nil {
				t.Fatal("Reload of a bad policy: got nil error")
			}
			if v := servedVersion(t, s); v != "v1" {
				t.Errorf("served version after a bad edit: got %q want v1", v)
			}
			if got := get(t, s, "GET", "/doui.js").Body.String(); got != loader {
				t.Error("loader changed after a bad edit")
			}
			h, body := healthOf(t, s)
			if h.Refused == nil || len(h.Refused.Errors) == 0 {
				t.Fatalf("healthz has no lastRefused: %s", body)
			}
			for _, e := range h.Refused.Errors {
				if !lineCol.MatchString(e) {
					t.Errorf("refused error without file:line:col: %q", e)
				}
			}
			if !h.EditPending || h.Version != "v1" {
				t.Errorf("healthz: editPending %v version %q, want true v1", h.EditPending, h.Version)
			}
			if strings.Contains(body, filepath.Dir(file)) {
				t.Errorf("healthz shows the server's directory %s: %s", filepath.Dir(file), body)
			}
			if !strings.Contains(logs.String(), file+":") {
				t.Errorf("log does not name the file with line:column: %s", logs)
			}
		})
	}
	if err := os.WriteFile(file, withVersion(t, demoPolicy(t), "v3"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatalf("Reload of a good policy: %v", err)
	}
	if v := servedVersion(t, s); v != "v3" {
		t.Errorf("served version after a good edit: got %q want v3", v)
	}
	if h, _ := healthOf(t, s); h.EditPending || h.Version != "v3" {
		t.Errorf("healthz after a good edit: editPending %v version %q, want false v3", h.EditPending, h.Version)
	}
}

func TestReloadMissingFile(t *testing.T) {
	s, file, _ := reloadServer(t)
	os.Remove(file)
	if err := s.Reload(); err == nil {
		t.Fatal("Reload of a missing file: got nil error")
	}
	if v := servedVersion(t, s); v != "v1" {
		t.Errorf("served version: got %q want v1", v)
	}
	if _, body := healthOf(t, s); strings.Contains(body, filepath.Dir(file)) {
		t.Errorf("healthz shows the server's directory: %s", body)
	}
}

// watching starts s.Watch and returns once the watcher is in place.
func watching(t testing.TB, s *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() { s.watch(ctx, ready); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	<-ready
}

// watchTimeout is how long a test waits for the watcher before it gives
// up: a guard against a hang, not a budget. How fast an edit is served is
// BenchmarkPolicyEditServed's to measure (DESIGN.md: budgets live in
// benchmarks, never in timed tests).
const watchTimeout = 30 * time.Second

// waitVersion polls until /policy.json serves want, and fails if any other
// version than allowed shows up meanwhile, or after watchTimeout.
func waitVersion(t testing.TB, s *Server, want string, allowed ...string) {
	t.Helper()
	deadline := time.Now().Add(watchTimeout)
	for {
		v := servedVersion(t, s)
		if v == want {
			return
		}
		if !slices.Contains(allowed, v) {
			t.Fatalf("served version %q while waiting for %q", v, want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("version %q still not served after %v (serving %q)", want, watchTimeout, v)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitHealth polls /healthz until ok accepts it, or fails after
// watchTimeout.
func waitHealth(t *testing.T, s *Server, what string, ok func(healthReport) bool) {
	t.Helper()
	deadline := time.Now().Add(watchTimeout)
	for {
		h, body := healthOf(t, s)
		if ok(h) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not on /healthz after %v: %s", what, watchTimeout, body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatchGoodWriteServed(t *testing.T) {
	s, file, _ := reloadServer(t)
	watching(t, s)
	if err := os.WriteFile(file, withVersion(t, demoPolicy(t), "v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, s, "v2", "v1")
	if h, _ := healthOf(t, s); h.Version != "v2" || h.Refused != nil {
		t.Errorf("healthz: version %q refused %v, want v2 and none", h.Version, h.Refused)
	}
}

func TestWatchRenameSave(t *testing.T) {
	s, file, _ := reloadServer(t)
	watching(t, s)
	for _, v := range []string{"v2", "v3"} { // twice: the second rename replaces a new inode
		tmp := filepath.Join(filepath.Dir(file), ".policy.json.swp")
		if err := os.WriteFile(tmp, withVersion(t, demoPolicy(t), v), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
		waitVersion(t, s, v, "v1", "v2")
	}
}

func TestWatchBadWriteKeepsOld(t *testing.T) {
	s, file, _ := reloadServer(t)
	watching(t, s)
	bad := strings.Replace(string(demoPolicy(t)), `"categories"`, `"categoriez"`, 1)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	waitHealth(t, s, "the bad edit", func(h healthReport) bool { return h.Refused != nil })
	h, _ := healthOf(t, s)
	for _, e := range h.Refused.Errors {
		if !lineCol.MatchString(e) {
			t.Errorf("refused error without file:line:col: %q", e)
		}
	}
	if v := servedVersion(t, s); v != "v1" {
		t.Errorf("served version after a bad write: got %q want v1", v)
	}
	// Fixing the file is picked up as usual.
	if err := os.WriteFile(file, withVersion(t, demoPolicy(t), "v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, s, "v2", "v1")
}

// TestWatchHalfWrittenFile writes a policy in two halves, the second only
// once the watcher has read the first: it refuses the half, keeps serving
// v1, and serves v2 once the rest arrives.
func TestWatchHalfWrittenFile(t *testing.T) {
	s, file, logs := reloadServer(t)
	defer func() {
		if t.Failed() {
			t.Logf("log:\n%s", logs)
		}
	}()
	watching(t, s)
	full := withVersion(t, demoPolicy(t), "v2")
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(full[:len(full)/2]); err != nil {
		t.Fatal(err)
	}
	// The half is read and refused; meanwhile, and after, v1 is served.
	waitHealth(t, s, "the half-written file", func(h healthReport) bool {
		if v := servedVersion(t, s); v != "v1" {
			t.Fatalf("served version %q from a half-written file", v)
		}
		return h.Refused != nil
	})
	if v := servedVersion(t, s); v != "v1" {
		t.Fatalf("served version %q from a half-written file", v)
	}
	if _, err := f.Write(full[len(full)/2:]); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, s, "v2", "v1")
}

// TestReloadIsAtomic reads /policy.json while reloads replace the policy
// four times. Every response must be whole and one of the written
// versions, never an older one than a response before it; each Reload
// must be served as soon as it returns; and the reader must have seen the
// versions change. A reload that does not swap, swaps in a stale bundle or
// tears a response fails it.
func TestReloadIsAtomic(t *testing.T) {
	s, file, _ := reloadServer(t)
	written := []string{"v1", "v2", "v3", "v4", "v5"}
	order := map[string]int{}
	for i, v := range written {
		order[v] = i
	}
	stop := make(chan struct{})
	type seen struct {
		versions map[string]bool
		err      string
	}
	result := make(chan seen, 1)
	go func() {
		got := seen{versions: map[string]bool{}}
		defer func() { result <- got }()
		last := 0
		for {
			select {
			case <-stop:
				return
			default:
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", "/policy.json", nil))
			var p struct{ Site struct{ Version string } }
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				got.err = "torn /policy.json: " + err.Error()
				return
			}
			i, ok := order[p.Site.Version]
			switch {
			case !ok:
				got.err = "served version " + p.Site.Version + ", which was never written"
				return
			case i < last:
				got.err = "served " + p.Site.Version + " after " + written[last]
				return
			}
			last = i
			got.versions[p.Site.Version] = true
		}
	}()
	for _, v := range written[1:] {
		if err := os.WriteFile(file, withVersion(t, demoPolicy(t), v), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(); err != nil {
			t.Fatal(err)
		}
		if got := servedVersion(t, s); got != v {
			t.Errorf("after Reload of %s: served %s", v, got)
		}
		time.Sleep(5 * time.Millisecond) // let the reader see this version
	}
	close(stop)
	got := <-result
	if got.err != "" {
		t.Fatal(got.err)
	}
	if len(got.versions) < 2 {
		t.Errorf("the reader saw only %v while the policy was reloaded four times", got.versions)
	}
}

// TestPolicyWarningsServed: what doui check warns about in a valid policy
// (here Tokyo's placeholder measurement ID) is logged when the policy is
// loaded and shown on /healthz, with the file's base name only.
func TestPolicyWarningsServed(t *testing.T) {
	data, err := os.ReadFile("../web/policies/tokyo.json")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &testkit.SyncBuffer{}
	s, err := New(Options{Policy: file, PublicURL: "http://doui.test", Log: log.New(logs, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Warnings []string }
	if err := json.Unmarshal(get(t, s, "GET", "/healthz").Body.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range h.Warnings {
		if strings.HasPrefix(w, "policy.json:") && strings.Contains(w, "warning:") && strings.Contains(w, "G-XXXXXXXXXX") {
			found = true
		}
		if strings.Contains(w, file) {
			t.Errorf("/healthz names the policy's full path: %q", w)
		}
	}
	if !found {
		t.Errorf("/healthz warnings lack the placeholder measurement ID: %q", h.Warnings)
	}
	if !strings.Contains(logs.String(), "G-XXXXXXXXXX") {
		t.Errorf("log lacks the warning:\n%s", logs)
	}
}
