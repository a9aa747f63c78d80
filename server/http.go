package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"time"
)

// httpError writes the status text and nothing else: no Go error, no path.
func httpError(w http.ResponseWriter, code int) {
	h := w.Header()
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(code), code)
}

// header is one response header, kept in order so that the server and the
// rules `doui export` writes for nginx and static hosts are the same list.
type header struct{ Name, Value string }

func setHeaders(h http.Header, hs []header) {
	for _, x := range hs {
		h.Set(x.Name, x.Value)
	}
}

// securityHeaders are what every response carries. The CSP is for doui's
// own pages (/privacy, the demo): no inline script or style, no eval, only
// 'wasm-unsafe-eval' for WebAssembly.instantiateStreaming. The loader and
// the wasm are used by other origins, whose own CSP applies to them (see
// README.md, "The CSP a site adds to its own pages"). tracker is the demo tracker's
// origin, allowed on the demo's pages only; empty everywhere else.
func securityHeaders(publicURL, tracker string) []header {
	csp := []string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval' " + tracker,
		"style-src 'self'",
		"img-src 'self' data: " + tracker,
		"frame-src 'self' " + tracker,
		"connect-src 'self' " + tracker,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}
	for i, d := range csp {
		csp[i] = strings.Join(strings.Fields(d), " ")
	}
	hs := []header{
		{"Content-Security-Policy", strings.Join(csp, "; ")},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
	}
	if strings.HasPrefix(publicURL, "https://") {
		hs = append(hs, header{"Strict-Transport-Security", "max-age=63072000"})
	}
	return hs
}

// Limits are the http.Server's timeouts and header limit; a zero field
// takes the default. They exist as a value so tests can shrink them.
type Limits struct {
	// ReadHeader bounds the time to send the request headers (a slowloris
	// client is cut off after it), Read the whole request, Write the
	// response (a 3 MB identity wasm at 1 Mbps fits), Idle a kept-alive
	// connection between requests, Shutdown how long in-flight requests
	// may take to finish on SIGINT/SIGTERM.
	ReadHeader, Read, Write, Idle, Shutdown time.Duration
	// MaxHeaderBytes caps the request headers.
	MaxHeaderBytes int
}

// defaultLimits are what `doui serve` uses.
func defaultLimits() Limits {
	return Limits{
		ReadHeader:     5 * time.Second,
		Read:           10 * time.Second,
		Write:          60 * time.Second,
		Idle:           120 * time.Second,
		Shutdown:       10 * time.Second,
		MaxHeaderBytes: 16 << 10,
	}
}

func (l Limits) orDefault() Limits {
	d := defaultLimits()
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	l.ReadHeader, l.Read, l.Write = pick(l.ReadHeader, d.ReadHeader), pick(l.Read, d.Read), pick(l.Write, d.Write)
	l.Idle, l.Shutdown = pick(l.Idle, d.Idle), pick(l.Shutdown, d.Shutdown)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return l
}

// newHTTPServer wraps h in an http.Server hardened with l.
func newHTTPServer(h http.Handler, l Limits, errLog *log.Logger) *http.Server {
	l = l.orDefault()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          errLog,
		// "OPTIONS *" reaches the handler (a 405 with the security
		// headers) instead of net/http's bare 200.
		DisableGeneralOptionsHandler: true,
	}
}

// serveUntil serves srv on ln until ctx ends, then shuts down gracefully:
// no new connections, requests in flight finish (for up to grace). It
// returns nil after a clean shutdown.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
