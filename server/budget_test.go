package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oversized is the demo policy with a description of n bytes of varied
// Japanese text in categories[1] (analytics): valid, but its doui.js
// cannot stay near the budget (repeated text would compress to nothing).
func oversized(t *testing.T, n int) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(13, 13))
	var b strings.Builder
	for b.Len() < n {
		b.WriteRune(rune(0x3041 + r.IntN(0x56)))
		if r.IntN(20) == 0 {
			b.WriteString("。")
		}
	}
	const old = `"ja": "どのページがどれだけ見られているかを集計し、サイトの改善に使います。"`
	data := demoPolicy(t)
	if !bytes.Contains(data, []byte(old)) {
		t.Fatal("the demo policy's analytics description changed: update oversized")
	}
	return bytes.Replace(data, []byte(old), []byte(`"ja": "`+b.String()+`"`), 1)
}

// TestCheckWarnsOverBudget: doui check accepts a valid policy whose
// doui.js would be over the budget, and says so, naming the text that
// takes the room.
func TestCheckWarnsOverBudget(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(file, oversized(t, 60<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	status := runCheck([]string{file}, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	if status != 0 || !strings.Contains(out, file+": ok (") {
		t.Errorf("doui check of a valid policy: got status %d\n%s%s", status, out, &stderr)
	}
	for _, want := range []string{file + ": warning: doui.js", "budget", "categories[1].description.ja"} {
		if !strings.Contains(out, want) {
			t.Errorf("doui check output lacks %q:\n%s", want, out)
		}
	}
	// A policy within the budget gets no warning.
	stdout.Reset()
	runCheck([]string{"../web/policies/mic.json"}, strings.NewReader(""), &stdout, &stderr)
	if strings.Contains(stdout.String(), "warning") {
		t.Errorf("doui check warns about a policy within the budget:\n%s", &stdout)
	}
}

// TestReloadWarnsOverBudget: the server takes the oversized policy (it is
// valid) and says in its log and on /healthz which texts take the room.
func TestReloadWarnsOverBudget(t *testing.T) {
	s, file, logs := reloadServer(t)
	if err := os.WriteFile(file, oversized(t, 60<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatalf("Reload of a valid oversized policy: %v", err)
	}
	if !strings.Contains(logs.String(), "categories[1].description.ja") || !strings.Contains(logs.String(), "budget") {
		t.Errorf("the log does not warn about doui.js's size and name the text:\n%s", logs)
	}
	if _, body := healthOf(t, s); !strings.Contains(body, `"warnings"`) || !strings.Contains(body, "categories[1].description.ja") {
		t.Errorf("healthz does not warn about doui.js's size: %s", body)
	}
	// Back within the budget, the warning goes.
	if err := os.WriteFile(file, withVersion(t, demoPolicy(t), "v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, body := healthOf(t, s); strings.Contains(body, "budget") {
		t.Errorf("healthz still warns about the budget after a policy within it: %s", body)
	}
}
