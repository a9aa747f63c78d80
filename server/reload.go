package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/doui-consent/doui/policyjson"
	"github.com/doui-consent/doui/web"
)

// refusal is the last policy edit that was not taken, for /healthz.
type refusal struct {
	At     time.Time `json:"at"`
	File   string    `json:"file"`
	Errors []string  `json:"errors"`
}

// readPolicy reads the configured policy file, or the embedded demo. It
// returns the raw bytes too, so that a watch event that changed nothing
// can be told apart from an edit, and what doui check would warn about in
// a valid policy (policyjson.Check), for the log and /healthz.
func (s *Server) readPolicy() (*policyjson.Policy, string, []byte, []string, error) {
	if s.opts.Policy == "" {
		data, err := web.FS.ReadFile("policies/demo.json")
		if err != nil {
			return nil, "", nil, nil, fmt.Errorf("read the embedded demo policy: %w", err)
		}
		p, err := policyjson.Parse("web/policies/demo.json", data)
		if err == nil {
			// The demo's site does not exist: link to the policy page
			// this server renders instead.
			p.Site.PolicyURL = ""
		}
		return p, "(embedded demo policy)", data, nil, err
	}
	name := s.opts.Policy
	data, err := readPolicyFile(name, policyReadTimeout)
	if err != nil {
		return nil, name, nil, nil, err
	}
	p, warns, err := policyjson.Check(name, data)
	var warnings []string
	for _, w := range warns {
		// /healthz may be public: it names the file by its base name.
		warnings = append(warnings, strings.ReplaceAll(w.Error(), name, filepath.Base(name)))
	}
	return p, name, data, warnings, err
}

// policyReadTimeout bounds reading the policy file: the watcher must never
// hang on it, or every later save and SIGHUP would be ignored.
const policyReadTimeout = 5 * time.Second

// readPolicyFile reads the policy file at name, which must be a regular
// file (a symbolic link to one is fine: Kubernetes mounts ConfigMaps so).
// It never blocks on a FIFO or a device: the file is opened with
// O_NONBLOCK, so that a FIFO without a writer opens at once instead of
// waiting in open(2), and refused unless the opened file is a regular one.
// A read that hangs all the same (a dead network file system) is given up
// after timeout; its goroutine ends whenever the kernel lets it go.
func readPolicyFile(name string, timeout time.Duration) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := readRegularFile(name)
		done <- result{data, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.data, r.err
	case <-timer.C:
		return nil, fmt.Errorf("read policy %s: no answer after %v (a hung network file system?): the last good policy stays; save the file again once it reads", name, timeout)
	}
}

func readRegularFile(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read policy %s: not a regular file but %s: doui reads the policy only from a regular file; save the policy there as one", name, fileKind(fi.Mode()))
	}
	// One byte past the limit, so that Parse reports a file that is too big.
	data, err := io.ReadAll(io.LimitReader(f, policyjson.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", name, err)
	}
	return data, nil
}

// fileKind names what a non-regular file is, for an admin.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file (" + m.Type().String() + ")"
}

// Reload re-reads the policy file. A valid policy replaces the current one
// at once (one atomic pointer swap: a request sees the old bundle or the new
// one, never a mix); an invalid one is refused, logged with every problem's
// line:column and reported on /healthz while the last good policy keeps
// being served. A file caught half-written is just an invalid one: refused,
// and read again on the next change.
func (s *Server) Reload() error {
	_, err := s.reload(true)
	return err
}

// reload is Reload; with force false it does nothing when the file holds
// the same bytes as when it was last read (watch events that change
// nothing: chmod, a sibling file, an editor's backup). It reports whether
// it read a new version.
func (s *Server) reload(force bool) (bool, error) {
	s.reloading.Lock()
	defer s.reloading.Unlock()
	p, name, data, warnings, err := s.readPolicy()
	s.mu.Lock()
	same := data != nil && bytes.Equal(data, s.lastData)
	if data != nil {
		s.lastData = data
	}
	s.mu.Unlock()
	if same && !force {
		return false, nil
	}
	if err == nil {
		var b *bundle
		if b, err = s.build(name, p, warnings); err == nil {
			old := s.current.Swap(b)
			if old.config.Fingerprint != b.config.Fingerprint {
				s.opts.Log.Printf("policy %s loaded: fingerprint %s (was %s): visitors will be asked again", name, b.config.Fingerprint, old.config.Fingerprint)
			} else {
				s.opts.Log.Printf("policy %s loaded: fingerprint %s unchanged", name, b.config.Fingerprint)
			}
			for _, w := range b.warnings {
				s.opts.Log.Printf("warning: policy %s: %s", name, w)
			}
			return true, nil
		}
	}
	// /healthz may be public: it names the file by its base name.
	msg := err.Error()
	if name != "" {
		msg = strings.ReplaceAll(msg, name, filepath.Base(name))
	}
	s.mu.Lock()
	s.refused = &refusal{At: time.Now().UTC(), File: filepath.Base(name), Errors: strings.Split(msg, "\n")}
	s.mu.Unlock()
	s.opts.Log.Printf("policy edit refused, still serving the last good policy:\n%v", err)
	return true, err
}

// health is what /healthz reports. It names the policy file by its base
// name only: the server's directory layout is nobody's business.
type health struct {
	OK          bool      `json:"ok"`
	Policy      string    `json:"policy"`
	Fingerprint string    `json:"fingerprint"`
	Version     string    `json:"version"`
	LoadedAt    time.Time `json:"loadedAt"`
	Wasm        bool      `json:"wasm"`
	// EditPending is true when the file on disk was refused after the
	// policy in force was loaded: the admin's last edit is not live.
	EditPending bool     `json:"editPending"`
	Refused     *refusal `json:"lastRefused,omitempty"`
	// Warnings are about the policy in force: served, but worth a fix
	// (a doui.js over its size budget).
	Warnings []string `json:"warnings,omitempty"`
}

// serveHealth reports the policy in force and the last refused edit.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, b *bundle) {
	s.mu.Lock()
	refused := s.refused
	s.mu.Unlock()
	hl := health{OK: true, Policy: filepath.Base(b.name), Fingerprint: b.config.Fingerprint, Version: b.policy.Site.Version, LoadedAt: b.loadedAt, Wasm: s.statics.wasm != nil, Refused: refused, Warnings: b.warnings}
	if s.opts.Policy == "" {
		hl.Policy = b.name
	}
	hl.EditPending = refused != nil && refused.At.After(b.loadedAt)
	body, _ := json.MarshalIndent(hl, "", "  ")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(body, '\n'))
}
