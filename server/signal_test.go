//go:build unix

package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/doui-consent/doui/e2e/testkit"
)

// TestServeSIGHUP runs `doui serve` in this process and sends it SIGHUP:
// the policy is read again (loadedAt moves although no file event came)
// and the access log is reopened (logrotate moved the old one away).
func TestServeSIGHUP(t *testing.T) {
	dir := t.TempDir()
	file, logPath := filepath.Join(dir, "policy.json"), filepath.Join(dir, "access.log")
	if err := os.WriteFile(file, demoPolicy(t), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr testkit.SyncBuffer
	go func() { done <- serve(ctx, []string{"-addr", addr, "-policy", file, "-log", logPath}, &stderr) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("doui serve: exit %d: %s", code, stderr.String())
		}
	}()
	loadedAt := func() time.Time {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				var h struct{ LoadedAt time.Time }
				err = json.NewDecoder(resp.Body).Decode(&h)
				resp.Body.Close()
				if err == nil {
					return h.LoadedAt
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("doui serve does not answer: %v\n%s", err, stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	first := loadedAt() // serving, so SIGHUP is caught by now
	if err := os.Rename(logPath, logPath+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !loadedAt().After(first) {
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload the policy (loadedAt still %v)", first)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		data, err := os.ReadFile(logPath)
		if err == nil && strings.Contains(string(data), "GET /healthz") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reopen the access log: %v %q", err, data)
		}
		loadedAt() // one more request to log
		time.Sleep(20 * time.Millisecond)
	}
}
