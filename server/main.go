// Command doui serves the doui consent banner built from a site's policy
// JSON, and checks and exports policies.
//
//	doui [serve] [-addr 127.0.0.1:8080] [-policy FILE] ...
//	doui check FILE...
//	doui export DIR
//	doui snippet
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `doui serves a consent banner built from a policy JSON file.

Usage:
  doui [serve] [flags]   serve the banner, the policy page and the demo
  doui check FILE...     validate policy files ("-" reads stdin)
  doui snippet [flags]   print the <script> line to put into a site's pages
  doui export [flags] DIR
                         write everything as static files for a CDN

Run "doui serve -h" (or snippet, export) for the flags of each.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(args, stderr)
	case "check":
		return runCheck(args, stdin, stdout, stderr)
	case "snippet":
		return runSnippet(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "doui: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

// serveFlags are the flags shared by serve, snippet and export.
type serveFlags struct {
	addr, policy, public, tracker string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	fs.StringVar(&f.policy, "policy", "", "policy JSON file to serve; watched and reloaded on change (and on SIGHUP).\nEmpty serves the embedded demo policy")
	fs.StringVar(&f.public, "public-url", "", "URL visitors reach this server at, e.g. https://consent.example.go.jp\n(default http://ADDR)")
	fs.StringVar(&f.tracker, "demo-tracker", "127.0.0.2:8080", "address of the demo's fake analytics tracker, a second origin; empty turns it off")
}

func (f *serveFlags) publicURL() string {
	if f.public != "" {
		return f.public
	}
	return "http://" + f.addr
}

func runServe(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("doui serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := log.New(stderr, "doui: ", log.LstdFlags)
	trackerURL := ""
	var trackerLn net.Listener
	if f.tracker != "" {
		ln, err := net.Listen("tcp", f.tracker)
		if err != nil {
			logger.Printf("demo tracker off: %v", err)
		} else {
			trackerLn, trackerURL = ln, "http://"+ln.Addr().String()
		}
	}
	s, err := New(Options{Policy: f.policy, PublicURL: f.publicURL(), TrackerURL: trackerURL, Log: logger})
	if err != nil {
		fmt.Fprintf(stderr, "doui: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintf(stderr, "doui: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          logger,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.policy != "" {
		go s.Watch(ctx)
	}
	var tsrv *http.Server
	if trackerLn != nil {
		tsrv = &http.Server{Handler: newTracker(), ReadHeaderTimeout: 5 * time.Second}
		go tsrv.Serve(trackerLn)
	}
	logger.Printf("serving %s on http://%s (demo tracker %s)", s.current.Load().name, ln.Addr(), trackerURL)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "doui: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	logger.Printf("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if tsrv != nil {
		tsrv.Shutdown(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "doui: shutdown: %v\n", err)
		return 1
	}
	return 0
}

func runSnippet(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doui snippet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fmt.Fprintf(stdout, "<script src=\"%s/doui.js\" crossorigin=\"anonymous\"></script>\n", f.publicURL())
	return 0
}
