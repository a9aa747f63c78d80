package scan

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/doui-consent/doui/e2e/testkit"
)

// env is shared by the tests of one run: the doui command, built once
// (doui serve serves the test sites' banner; doui check checks -fix's
// output), and the browser.
var env struct {
	bin      string
	chromium string
}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	bin, remove, err := testkit.BuildDoui("doui-scan-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "build doui:", err)
		return 1
	}
	defer remove()
	env.bin = bin
	env.chromium, _ = findBrowser(os.Getenv("CHROMIUM"))
	return m.Run()
}

// needBrowser fails the test when there is no Chromium: the browser tests
// never skip.
func needBrowser(t testing.TB) {
	t.Helper()
	if env.chromium == "" {
		t.Fatal(ErrNoBrowser)
	}
}

// startDoui runs doui serve on a free port of 127.0.0.1 with args and waits
// for /healthz; it is interrupted when the test ends.
func startDoui(t testing.TB, args ...string) *testkit.Server {
	t.Helper()
	return testkit.Serve(t, env.bin, testkit.FreeAddr(t, "127.0.0.1"), append([]string{"-log", "off"}, args...)...)
}

// logWriter sends a scan's progress to the test log.
type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
