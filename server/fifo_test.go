//go:build unix

package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fifoAt replaces file with a named pipe that nobody writes to. On cleanup
// it opens the pipe for writing once, so that a reader stuck in open(2)
// (the bug this guards against) is let go and the test can end.
func fifoAt(t *testing.T, file string) {
	t.Helper()
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(file, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(file, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
}

// TestReloadRefusesFIFO: a named pipe at the policy path is refused at
// once, with an error that names the file, and the last good policy stays.
func TestReloadRefusesFIFO(t *testing.T) {
	s, file, _ := reloadServer(t)
	fifoAt(t, file)
	errc := make(chan error, 1)
	go func() { errc <- s.Reload() }()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Reload of a FIFO: got %v, want an error naming %s as not a regular file", err, file)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Reload of a FIFO still blocked after 5s")
	}
	if v := servedVersion(t, s); v != "v1" {
		t.Errorf("served version: got %q want v1", v)
	}
	if h, body := healthOf(t, s); !h.EditPending || h.Refused == nil || !strings.Contains(strings.Join(h.Refused.Errors, "\n"), "policy.json") {
		t.Errorf("healthz does not report the refused FIFO: %s", body)
	}
}

// TestWatchSurvivesFIFO: a FIFO saved over the policy is reported on
// /healthz, and the watcher still serves the next good save.
func TestWatchSurvivesFIFO(t *testing.T) {
	s, file, _ := reloadServer(t)
	watching(t, s)
	fifoAt(t, file)
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, _ := healthOf(t, s)
		if h.EditPending && h.Refused != nil && strings.Contains(strings.Join(h.Refused.Errors, "\n"), "not a regular file") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the FIFO is not reported on /healthz after 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	os.Remove(file)
	if err := os.WriteFile(file, withVersion(t, demoPolicy(t), "v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, s, "v2", "v1")
}
