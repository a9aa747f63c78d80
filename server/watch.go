package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch reloads the policy when its file changes, until ctx ends. (SIGHUP
// is the doui command's to handle: it calls Reload.)
//
// It watches the file's directory, not the file: editors save by writing a
// temporary file and renaming it over the old one, which replaces the inode
// a file watch would follow, and Kubernetes swaps a ConfigMap's "..data"
// symlink without touching the file's own name. So any event in the
// directory schedules a read, and a read that finds the same bytes as the
// last one does nothing. Events are debounced (50 ms) so that a save in
// several writes is normally read once, complete; a read that catches a
// half-written file is refused like any bad edit (the last good policy is
// still served) and the next write event reads it again.
func (s *Server) Watch(ctx context.Context) { s.watch(ctx, nil) }

// watch is Watch; ready, if not nil, is closed once the watcher is in
// place, so that tests know their writes will be seen.
func (s *Server) watch(ctx context.Context, ready chan<- struct{}) {
	var events <-chan fsnotify.Event
	var errs <-chan error
	w, err := fsnotify.NewWatcher()
	if err == nil {
		defer w.Close()
		if err = w.Add(filepath.Dir(s.opts.Policy)); err == nil {
			events, errs = w.Events, w.Errors
		}
	}
	if err != nil {
		s.opts.Log.Printf("cannot watch %s (%v): reload with SIGHUP", s.opts.Policy, err)
	}
	if ready != nil {
		close(ready)
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-events:
			if ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0 {
				timer = time.After(50 * time.Millisecond)
			}
		case err := <-errs:
			// An overflowed queue may have dropped the event that matters.
			s.opts.Log.Printf("watching %s: %v", s.opts.Policy, err)
			timer = time.After(50 * time.Millisecond)
		case <-timer:
			timer = nil
			s.reload(false)
		}
	}
}
