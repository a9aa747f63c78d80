// Command doui serves the doui consent banner built from a site's policy
// JSON, and checks and exports policies.
//
//	doui [serve] [-addr 127.0.0.1:8080] -policy FILE ...
//	doui serve -demo
//	doui check FILE...
//	doui export DIR
//	doui snippet
//	doui scan URL...
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/doui-consent/doui/policyjson"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `doui serves a consent banner built from a policy JSON file.

Usage:
  doui [serve] [flags]   serve the banner and the policy page (-demo: the demo)
  doui check FILE...     validate policy files ("-" reads stdin)
  doui snippet [flags]   print the <script> line to put into a site's pages
                         (with -policy, the line for each of its languages)
  doui export [flags] DIR
                         write everything as static files for a CDN
  doui scan [flags] URL...
                         crawl a site in Chromium and hold what it does
                         against the policy

Run "doui serve -h" (or snippet, export, scan) for the flags of each.
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
	case "export":
		return runExport(args, stdout, stderr)
	case "scan":
		return runScan(args, stdout, stderr)
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
	addr, policy, public string
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	fs.StringVar(&f.policy, "policy", "", "policy JSON file to serve; watched and reloaded on change (and on SIGHUP).\nRequired unless -demo, which serves the embedded demo policy without it")
	fs.StringVar(&f.public, "public-url", "", "URL visitors reach this server at, e.g. https://consent.example.go.jp\n(default http://ADDR)")
}

func (f *serveFlags) publicURL() string {
	if f.public != "" {
		return f.public
	}
	return "http://" + f.addr
}

func runServe(args []string, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, stderr)
}

// serve is "doui serve" until ctx ends, then a graceful shutdown.
func serve(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("doui serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	f.register(fs)
	logTo := fs.String("log", "stderr", "access log: off, stderr or a FILE to append to (reopened on SIGHUP, for logrotate).\nIP addresses are cut to their /24 (IPv4) or /48 (IPv6) before they are written")
	withDemo := fs.Bool("demo", false, "also serve the demo: a fictional ministry's page at /, the example policies\nunder /demo/, the snippet at /admin. Never in production")
	tracker := fs.String("demo-tracker", "127.0.0.2:8080", "with -demo: address of the demo's fake analytics tracker, a second origin;\nempty turns it off")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	trackerSet := false
	fs.Visit(func(fl *flag.Flag) { trackerSet = trackerSet || fl.Name == "demo-tracker" })
	switch {
	case !*withDemo && trackerSet && *tracker != "":
		fmt.Fprint(stderr, "doui serve: -demo-tracker only works with -demo: add -demo to serve the demo, or leave -demo-tracker out\n")
		return 2
	case !*withDemo && f.policy == "":
		fmt.Fprint(stderr, "doui serve: no policy to serve: give -policy FILE (or -demo to serve the demo with its embedded policy)\n")
		return 2
	}
	logger := log.New(stderr, "doui: ", log.LstdFlags)
	var handlerLog io.Writer
	var logFile *logFile
	switch *logTo {
	case "off", "":
	case "stderr":
		handlerLog = stderr
	default:
		lf, err := openLogFile(*logTo)
		if err != nil {
			fmt.Fprintf(stderr, "doui: %v\n", err)
			return 1
		}
		defer lf.Close()
		handlerLog, logFile = lf, lf
	}
	trackerURL := ""
	var trackerLn net.Listener
	if *withDemo && *tracker != "" {
		ln, err := net.Listen("tcp", *tracker)
		if err != nil {
			logger.Printf("demo tracker off: %v", err)
		} else {
			trackerLn, trackerURL = ln, "http://"+ln.Addr().String()
		}
	}
	s, err := New(Options{Policy: f.policy, PublicURL: f.publicURL(), Demo: *withDemo, TrackerURL: trackerURL, Log: logger})
	if err != nil {
		fmt.Fprintf(stderr, "doui: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintf(stderr, "doui: %v\n", err)
		return 1
	}
	var handler http.Handler = s
	if handlerLog != nil {
		handler = newAccessLog(s, handlerLog)
	}
	limits := defaultLimits()
	srv := newHTTPServer(handler, limits, logger)
	if f.policy != "" {
		go s.Watch(ctx)
	}
	// SIGHUP is handled here and only here: it reloads the policy (Reload
	// takes its turn with the watcher's reloads) and reopens the access
	// log, for logrotate. It is caught even with neither, so that it never
	// kills the server.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if f.policy != "" {
				s.Reload() // a refused policy is logged and shown on /healthz
			}
			if logFile != nil {
				if err := logFile.Reopen(); err != nil {
					logger.Print(err)
				}
			}
		}
	}()
	var tsrv *http.Server
	if trackerLn != nil {
		tsrv = newHTTPServer(newTracker(), limits, logger)
		go tsrv.Serve(trackerLn)
		defer tsrv.Close()
	}
	if *withDemo {
		logger.Printf("serving %s and the demo (tracker %q) on http://%s", s.current.Load().name, trackerURL, ln.Addr())
	} else {
		logger.Printf("serving %s on http://%s", s.current.Load().name, ln.Addr())
	}
	go func() {
		<-ctx.Done()
		logger.Printf("shutting down: finishing requests in flight")
	}()
	if err := serveUntil(ctx, srv, ln, limits.Shutdown); err != nil {
		fmt.Fprintf(stderr, "doui: %v\n", err)
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
	line := func(file string) {
		fmt.Fprintf(stdout, "<script src=\"%s/%s\" crossorigin=\"anonymous\"></script>\n", f.publicURL(), file)
	}
	var site policyjson.Site
	if f.policy != "" {
		p, err := policyjson.ParseFile(f.policy)
		if err != nil {
			fmt.Fprintf(stderr, "doui snippet: %v\n", err)
			return 1
		}
		site = p.Site
	}
	if len(site.Languages) < 2 {
		line("doui.js")
		return 0
	}
	// doui.js carries the policy's default language; a page in another
	// language that loads it downloads that language's file as well (a
	// request more before the banner, 1–2 KB): each language gets the
	// loader that carries it.
	fmt.Fprintf(stdout, "<!-- One of these per page, the one of the page's language. -->\n<!-- %s (the policy's default language): -->\n", site.DefaultLanguage)
	line("doui.js")
	for _, l := range site.Languages {
		if l != site.DefaultLanguage {
			fmt.Fprintf(stdout, "<!-- %s: -->\n", l)
			line("doui." + l + ".js")
		}
	}
	return 0
}
