package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// startHTTP serves h with the limits on a loopback port, shut down
// gracefully at the end of the test.
func startHTTP(t *testing.T, h http.Handler, l Limits) (url string, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	srv := newHTTPServer(h, l, nil)
	srv.ErrorLog = nil
	go func() { errc <- serveUntil(ctx, srv, ln, l.orDefault().Shutdown) }()
	t.Cleanup(func() { cancel(); srv.Close() })
	return "http://" + ln.Addr().String(), cancel, errc
}

// TestSlowHeadersCutOff is a slowloris client: it sends its request
// headers one byte every 50 ms and never finishes. ReadHeaderTimeout must
// close the connection; the trickle must not keep extending it.
func TestSlowHeadersCutOff(t *testing.T) {
	s := newTestServer(t)
	url, _, _ := startHTTP(t, s, Limits{ReadHeader: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := make(chan error, 1)
	go func() {
		// The server answers nothing or a 408; either way the connection
		// ends.
		_, err := io.ReadAll(conn)
		closed <- err
	}()
	req := "GET /doui.js HTTP/1.1\r\nHost: doui.test\r\nX-Slow: " + strings.Repeat("a", 1000)
	for i := 0; ; i++ {
		select {
		case <-closed:
			d := time.Since(start)
			if d > 2*time.Second {
				t.Fatalf("slow client cut off after %v, want about 300ms", d)
			}
			if i >= len(req) {
				t.Fatalf("the whole header trickled through (%d bytes)", i)
			}
			t.Logf("cut off after %v and %d bytes", d, i)
			return
		case <-time.After(50 * time.Millisecond):
		}
		if time.Since(start) > 2500*time.Millisecond {
			t.Fatalf("slow client still connected after %v", time.Since(start))
		}
		if _, err := conn.Write([]byte{req[i%len(req)]}); err != nil {
			// Reset by the server: cut off.
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("slow client cut off after %v, want about 300ms", d)
			}
			return
		}
	}
}

func TestHeaderSizeLimit(t *testing.T) {
	s := newTestServer(t)
	url, _, _ := startHTTP(t, s, Limits{MaxHeaderBytes: 4 << 10})
	req, _ := http.NewRequest("GET", url+"/doui.js", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KB of headers: got %d want 431", resp.StatusCode)
	}
}

// TestConcurrentRequests fires 1000 requests at once, over 1000
// connections, across every kind of asset and encoding.
func TestConcurrentRequests(t *testing.T) {
	s := newTestServer(t)
	url, _, _ := startHTTP(t, s, Limits{})
	type target struct{ path, accept string }
	targets := []target{
		{"/doui.js", "br"}, {"/doui.js", "gzip"}, {"/doui.js", "identity"},
		{"/policy.json", "br"}, {"/privacy", "gzip"}, {"/privacy?lang=en", "br"},
		{wasmExecPath(s), "br"}, {cssPath(s), "gzip"}, {"/healthz", ""}, {wasmPath(s), "br"},
	}
	// What each should return, read once sequentially.
	want := map[target]int{}
	for _, tg := range targets {
		w := get(t, s, "GET", tg.path, "Accept-Encoding", tg.accept)
		want[tg] = w.Body.Len()
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DisableCompression:  true,
			MaxIdleConnsPerHost: 1000,
		},
	}
	defer client.CloseIdleConnections()
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	startGun := make(chan struct{})
	for i := range n {
		tg := targets[i%len(targets)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			req, _ := http.NewRequest("GET", url+tg.path, nil)
			req.Header.Set("Accept-Encoding", tg.accept)
			resp, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			switch {
			case err != nil:
				errs <- err
			case resp.StatusCode != 200:
				errs <- errors.New(tg.path + ": status " + resp.Status)
			case len(body) != want[tg]:
				errs <- errors.New(tg.path + ": short body")
			}
		}()
	}
	close(startGun)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed < 5 {
			t.Error(err)
		}
		failed++
	}
	if failed > 0 {
		t.Fatalf("%d of %d requests failed", failed, n)
	}
}

// TestGracefulShutdown cancels the server's context while a request is in
// flight: the request still completes, whole, and the server then stops
// cleanly and refuses new connections.
func TestGracefulShutdown(t *testing.T) {
	s := newTestServer(t)
	entered := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			time.Sleep(500 * time.Millisecond)
			r.URL.Path = "/doui.js"
		}
		s.ServeHTTP(w, r)
	})
	url, cancel, done := startHTTP(t, slow, Limits{Shutdown: 5 * time.Second})
	want := get(t, s, "GET", "/doui.js").Body.Len()
	type result struct {
		code, n int
		err     error
	}
	resc := make(chan result, 1)
	go func() {
		resp, err := http.Get(url + "/slow")
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		resc <- result{resp.StatusCode, len(body), err}
	}()
	<-entered
	cancel() // SIGTERM
	r := <-resc
	if r.err != nil || r.code != 200 || r.n != want {
		t.Fatalf("request in flight during shutdown: status %d, %d bytes, err %v; want 200, %d bytes", r.code, r.n, r.err, want)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serveUntil after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after its last request")
	}
	if _, err := http.Get(url + "/doui.js"); err == nil {
		t.Error("server still accepts requests after shutdown")
	}
}

func TestLimitsDefaults(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), Limits{ReadHeader: time.Second}, nil)
	d := defaultLimits()
	if srv.ReadHeaderTimeout != time.Second || srv.ReadTimeout != d.Read || srv.WriteTimeout != d.Write || srv.IdleTimeout != d.Idle || srv.MaxHeaderBytes != d.MaxHeaderBytes {
		t.Errorf("limits: got %v %v %v %v %d", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	for _, v := range []time.Duration{d.ReadHeader, d.Read, d.Write, d.Idle, d.Shutdown} {
		if v <= 0 {
			t.Errorf("a default limit is %v", v)
		}
	}
}
