package banner

import (
	"testing"
)

func BenchmarkDecide(b *testing.B) {
	c := testConfig()
	r := rec(now-Day, MethodCustom, "analytics", "media")
	b.ReportAllocs()
	for b.Loop() {
		Decide(c, r, Signals{}, now)
	}
}

func BenchmarkApply(b *testing.B) {
	c := testConfig()
	prev := Decision{Granted: []string{"necessary", "analytics", "marketing", "media"}, Reason: ReasonValid}
	a := Action{Kind: Save, Categories: []string{"media"}}
	b.ReportAllocs()
	for b.Loop() {
		Apply(c, prev, a, now, testID)
	}
}

func BenchmarkEncode(b *testing.B) {
	r := rec(now, MethodCustom, "analytics", "media")
	b.ReportAllocs()
	for b.Loop() {
		r.Encode()
	}
}

func BenchmarkDecode(b *testing.B) {
	s := rec(now, MethodCustom, "analytics", "media").Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}
