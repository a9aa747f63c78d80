package policyjson

import (
	"flag"
	"os"
	"testing"
)

// TestMain caps the time the fuzzer spends minimising each new interesting
// input, unless -fuzzminimizetime is given. An input here is a whole policy
// of a kilobyte or more, so minimising it byte by byte takes the default
// minute, and a 60-second fuzz run would otherwise spend all its time
// shrinking the first input it finds instead of exploring. Crashers are
// minimised within the same cap; that is enough to read them.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if !set {
		flag.Set("test.fuzzminimizetime", "2s")
	}
	os.Exit(m.Run())
}
