package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
)

// accessLog is the middleware that writes one line per request:
//
//	2026-11-23T07:31:02Z 192.0.2.0 "GET /doui.js HTTP/1.1" 200 1912 br 0.4ms https://www.example.go.jp
//
// It never stores a full IP address: IPv4 is cut to its /24 and IPv6 to its
// /48, which still tells an operator which network a flood comes from but
// no longer points at one visitor, as the seed policies promise (access
// logs serve administration only). For the same reason it leaves out the
// query string, the User-Agent and the referring page: only the referrer's
// origin is kept, which says which site dropped doui in. Behind a reverse
// proxy the address is the proxy's; its own log must truncate too.
type accessLog struct {
	next http.Handler
	mu   sync.Mutex // one line per Write, lines never interleave
	out  io.Writer
	now  func() time.Time
}

func newAccessLog(next http.Handler, out io.Writer) *accessLog {
	return &accessLog{next: next, out: out, now: time.Now}
}

func (l *accessLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := l.now()
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	l.next.ServeHTTP(rw, r)
	path := r.URL.Path
	if len(path) > 200 {
		path = path[:200] + "…"
	}
	enc := w.Header().Get("Content-Encoding")
	if enc == "" {
		enc = "-"
	}
	line := fmt.Sprintf("%s %s %s %d %d %s %s %s\n",
		start.UTC().Format(time.RFC3339),
		truncateIP(r.RemoteAddr),
		strconv.Quote(r.Method+" "+path+" "+r.Proto),
		rw.status, rw.bytes, enc,
		formatDuration(l.now().Sub(start)),
		refererOrigin(r.Referer()))
	l.mu.Lock()
	io.WriteString(l.out, line)
	l.mu.Unlock()
}

// truncateIP returns the network part of a RemoteAddr ("host:port" or a
// bare address): 192.0.2.123 → 192.0.2.0, 2001:db8:1:2::7 → 2001:db8:1::.
// An IPv4-mapped IPv6 address counts as IPv4. Anything unparsable is "-",
// never echoed.
func truncateIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return "-"
	}
	addr = addr.WithZone("").Unmap()
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return "-"
	}
	return p.Addr().String()
}

// refererOrigin keeps only scheme://host[:port] of a Referer: the page a
// visitor was reading is theirs, not the log's.
func refererOrigin(ref string) string {
	u, err := url.Parse(ref)
	if ref == "" || err != nil || u.Scheme == "" || u.Host == "" {
		return "-"
	}
	return u.Scheme + "://" + u.Host
}

func formatDuration(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + "ms"
}

// statusWriter remembers the status and counts the body bytes.
type statusWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.wroteHeader = true
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logFile is an access log file that can be reopened after logrotate moved
// it (SIGHUP). Writes are serialised by accessLog.
type logFile struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

func openLogFile(path string) (*logFile, error) {
	l := &logFile{path: path}
	return l, l.Reopen()
}

// Reopen closes the file and opens path again, creating it (mode 0640:
// truncated addresses are still operational data) if it is gone.
func (l *logFile) Reopen() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open access log: %w", err)
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}
