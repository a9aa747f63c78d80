package scan

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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
	dir, err := os.MkdirTemp("", "doui-scan-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	env.bin = filepath.Join(dir, "doui")
	build := exec.Command("go", "build", "-o", env.bin, "github.com/doui-consent/doui/server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build doui:", err)
		return 1
	}
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

// douiServer is a running doui serve.
type douiServer struct {
	URL string
	log *syncBuffer
}

// startDoui runs doui serve on a free port of 127.0.0.1 with args and waits
// for /healthz; it is interrupted when the test ends.
func startDoui(t testing.TB, args ...string) *douiServer {
	t.Helper()
	addr := freeAddr(t, "127.0.0.1")
	s := &douiServer{URL: "http://" + addr, log: &syncBuffer{}}
	cmd := exec.Command(env.bin, append([]string{"serve", "-addr", addr, "-log", "off"}, args...)...)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("doui serve log:\n%s", s.log)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("doui serve did not come up: %v\n%s", err, s.log)
		}
		time.Sleep(50 * time.Millisecond) // polling /healthz, not a fixed wait
	}
}

// freeAddr returns a free host:port on host.
func freeAddr(t testing.TB, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// logWriter sends a scan's progress to the test log.
type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
