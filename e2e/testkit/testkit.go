// Package testkit is what doui's two browser test packages (e2e and
// server/scan) share: the doui command built once per test run, a running
// `doui serve`, free loopback addresses, a self-signed certificate for
// stand-ins of real HTTPS hosts, and a buffer safe for concurrent writes.
package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
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

// BuildDoui builds the doui command into a new temporary directory named
// after prefix; remove deletes that directory. The build's output goes to
// stderr.
func BuildDoui(prefix string) (bin string, remove func(), err error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	bin = filepath.Join(dir, "doui")
	build := exec.Command("go", "build", "-o", bin, "github.com/doui-consent/doui/server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return bin, func() { os.RemoveAll(dir) }, nil
}

// Server is a running `doui serve`.
type Server struct {
	URL string
	Cmd *exec.Cmd
	Log *SyncBuffer // what it wrote to stdout and stderr
}

// Serve starts `bin serve -addr addr args...` and waits until /healthz
// answers 200 (polling, for up to 60 s). The process is interrupted when
// the test ends; its log goes to the test's when the test failed.
func Serve(t testing.TB, bin, addr string, args ...string) *Server {
	t.Helper()
	s := &Server{URL: "http://" + addr, Log: &SyncBuffer{}}
	s.Cmd = exec.Command(bin, append([]string{"serve", "-addr", addr}, args...)...)
	s.Cmd.Stdout, s.Cmd.Stderr = s.Log, s.Log
	if err := s.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Cmd.Process.Signal(os.Interrupt)
		s.Cmd.Wait()
		if t.Failed() {
			t.Logf("doui serve log:\n%s", s.Log)
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
			t.Fatalf("doui serve did not come up: %v\n%s", err, s.Log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// FreeAddr returns a host:port on host that was free a moment ago.
func FreeAddr(t testing.TB, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// SelfSigned is a certificate for hosts, valid for a day around now, for a
// loopback server standing in for real HTTPS hosts (the tests' browsers
// are told to accept it).
func SelfSigned(t testing.TB, hosts []string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// SyncBuffer collects writes from several goroutines (a process's stdout
// and stderr).
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
