package policyjson

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every refusal is a list of
// located problems, and that whatever it accepts round-trips. The corpus
// starts from the small fixtures in testdata/, valid and invalid. The
// example policies are left out on purpose: at 10 KB each, every input the
// fuzzer finds interesting in them takes it most of a minute to minimise,
// and TestExamplesParseAndRoundTrip covers them already.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	bad, _ := filepath.Glob("testdata/invalid/*.json")
	for _, name := range append(seeds, bad...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.json", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("error %T %v is not a non-empty Errors", err, err)
			}
			for _, e := range es {
				if e.Msg == "" || (e.Line < 1 && len(data) <= MaxSize) {
					t.Fatalf("unlocated or empty problem: %#v", e)
				}
			}
			if p != nil {
				t.Fatal("Parse returned a policy and an error")
			}
			return
		}
		out, err := Marshal(p)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		q, err := Parse("again.json", out)
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip changed the policy:\n%+v\n%+v", p, q)
		}
		if p.Fingerprint() != q.Fingerprint() {
			t.Fatalf("round trip changed the fingerprint")
		}
		_ = p.Config()
	})
}
