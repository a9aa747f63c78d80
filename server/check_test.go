package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update rewrites golden files under testdata/ instead of comparing with
// them: go test ./server -run Check -update.
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestCheckGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
	}{
		{"broken", []string{"testdata/check/broken.json"}, "", 1},
		{"good", []string{"testdata/check/good.json"}, "", 0},
		{"good and broken", []string{"testdata/check/good.json", "testdata/check/broken.json"}, "", 1},
		{"stdin", []string{"-"}, "{\"site\": {}}\n", 1},
		{"missing file", []string{"testdata/check/missing.json"}, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := runCheck(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if status != tt.status {
				t.Errorf("exit status: got %d want %d\nstdout:\n%s\nstderr:\n%s", status, tt.status, &stdout, &stderr)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr: got %q want nothing", &stderr)
			}
			golden := filepath.Join("testdata", "check", strings.ReplaceAll(tt.name, " ", "-")+".golden")
			if *update {
				if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./server -run Check -update)", err)
			}
			if got := stdout.String(); got != string(want) {
				t.Errorf("output differs from %s:\ngot\n%s\nwant\n%s", golden, got, want)
			}
		})
	}
}

func TestCheckUsage(t *testing.T) {
	for _, tt := range []struct {
		args   []string
		status int
		out    string // where the usage goes
	}{
		{nil, 2, "stderr"},
		{[]string{"-x"}, 2, "stderr"},
		{[]string{"-h"}, 0, "stdout"},
	} {
		var stdout, stderr bytes.Buffer
		status := runCheck(tt.args, strings.NewReader(""), &stdout, &stderr)
		got := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
		if status != tt.status || !strings.Contains(got[tt.out], "Usage: doui check FILE...") {
			t.Errorf("check %v: got status %d, %s %q; want status %d and the usage on %s", tt.args, status, tt.out, got[tt.out], tt.status, tt.out)
		}
	}
}

// TestCheckExamples runs doui check over the policies doui ships: the
// demo and the five seed sites.
func TestCheckExamples(t *testing.T) {
	files, _ := filepath.Glob("../web/policies/*.json")
	if len(files) != 6 {
		t.Fatalf("found %d policies in web/policies, want 6: %v", len(files), files)
	}
	var stdout, stderr bytes.Buffer
	if status := runCheck(files, strings.NewReader(""), &stdout, &stderr); status != 0 {
		t.Errorf("doui check web/policies/*.json: status %d\n%s%s", status, &stdout, &stderr)
	}
	if got := strings.Count(stdout.String(), ": ok (fingerprint "); got != 6 {
		t.Errorf("got %d ok lines, want 6:\n%s", got, &stdout)
	}
}

// TestSnippet: without a policy the one line of doui.js; with one, a line
// per language, doui.js for the default and doui.LANG.js for the others
// (an English page on doui.js downloads the English file as well); a
// policy that cannot be read is an error that names it.
func TestSnippet(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		want   []string // the script lines, in order
		stderr string
	}{
		{"no policy", nil, 0, []string{"doui.js"}, ""},
		{"two languages", []string{"-policy", "../web/policies/demo.json"}, 0, []string{"doui.js", "doui.en.js"}, ""},
		{"broken policy", []string{"-policy", "testdata/check/broken.json"}, 1, nil, "testdata/check/broken.json:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := runSnippet(append([]string{"-public-url", "https://consent.example.go.jp"}, tt.args...), &stdout, &stderr)
			if status != tt.status {
				t.Fatalf("exit status: got %d want %d\nstdout:\n%s\nstderr:\n%s", status, tt.status, &stdout, &stderr)
			}
			var got []string
			for _, l := range strings.Split(stdout.String(), "\n") {
				if f, ok := strings.CutPrefix(l, `<script src="https://consent.example.go.jp/`); ok {
					got = append(got, strings.TrimSuffix(f, `" crossorigin="anonymous"></script>`))
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("script lines: got %q want %q\nstdout:\n%s", got, tt.want, &stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) || (tt.stderr == "") != (stderr.Len() == 0) {
				t.Errorf("stderr: got %q want it to name %q", &stderr, tt.stderr)
			}
		})
	}
}
