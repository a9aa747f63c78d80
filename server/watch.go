package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch reloads the policy when its file changes or the process gets
// SIGHUP, until ctx ends. It watches the file's directory, not the file:
// editors save by writing a temporary file and renaming it over the old one,
// which replaces the inode a file watch would follow. Events are debounced
// (50 ms) so a save in several writes is read once it is complete; a read
// that catches a half-written file is refused like any bad edit and the next
// event reads it again.
func (s *Server) Watch(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	var events <-chan fsnotify.Event
	w, err := fsnotify.NewWatcher()
	if err == nil {
		defer w.Close()
		if err = w.Add(filepath.Dir(s.opts.Policy)); err == nil {
			events = w.Events
		}
	}
	if err != nil {
		s.opts.Log.Printf("cannot watch %s (%v): reload with SIGHUP", s.opts.Policy, err)
	}
	abs, _ := filepath.Abs(s.opts.Policy)
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			s.Reload()
		case ev := <-events:
			if p, _ := filepath.Abs(ev.Name); p == abs && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
				timer = time.After(50 * time.Millisecond)
			}
		case <-timer:
			timer = nil
			s.Reload()
		}
	}
}
