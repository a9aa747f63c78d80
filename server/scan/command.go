package scan

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/doui-consent/doui/policyjson"
)

const usage = `Usage: doui scan [flags] URL...

Crawls the site from each URL in a headless Chromium and holds what its
pages really do against the policy: every request to another site, every
cookie and storage key, before any choice, after "reject all" and after
"accept all" in doui's banner (each visit with fresh storage).

It reports, one finding a line, most serious first:
  leak               a host or cookie of an optional category (or of nothing
                     in the policy) before any choice or after "reject all"
  undeclared-host    requested after "accept all", not in the policy
  undeclared-cookie  set after "accept all", not in the policy
  unmarked-tag       a tracker in the page's HTML without doui's markup
  unseen             in the policy, never seen (informational)
then the 外部送信 view (every destination seen and what the policy says is
sent there), the proposed additions to the policy and a summary line.

The exit status is 0 when nothing leaks and everything seen is declared, 1
when something does not, and 2 when the scan could not run (bad flags, no
browser, no policy, no page loaded).

Chromium is found on PATH as chromium, chromium-browser or google-chrome,
or given with -browser.

Flags:
`

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// Command is "doui scan": args are the arguments after the command name.
// It returns the exit status.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doui scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	policyFile := fs.String("policy", "", "policy `FILE` to hold the pages against (default: the policy.json served beside\nthe doui.js of the first URL)")
	fix := fs.String("fix", "", "write the policy with the proposed additions to `OUT.json` (check it with doui check)")
	asJSON := fs.Bool("json", false, "write one JSON document to standard output instead of text")
	maxPages := fs.Int("max-pages", 50, "scan at most `N` pages")
	parallel := fs.Int("parallel", 2, "scan `N` pages at once, each in its own tab")
	timeout := fs.Duration("timeout", 60*time.Second, "time limit for one page, its three visits together")
	ignoreRobots := fs.Bool("ignore-robots", false, "also scan pages robots.txt disallows (a staging site that disallows all);\nthe URLs given are scanned either way")
	quiet := fs.Bool("q", false, "no progress on standard error")
	browser := fs.String("browser", "", "the Chromium or Chrome executable (`PATH` or a name on PATH)")
	var browserArgs stringList
	fs.Var(&browserArgs, "browser-arg", "pass `ARG`, a switch like --host-resolver-rules=..., to Chromium (repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "doui scan: "+format+"\n", a...)
		return 2
	}
	switch {
	case fs.NArg() == 0:
		fmt.Fprint(stderr, "doui scan: no URL to scan\n\n")
		fs.Usage()
		return 2
	case *maxPages < 1:
		return fail("-max-pages %d: scan at least 1 page", *maxPages)
	case *parallel < 1:
		return fail("-parallel %d: use at least 1 tab", *parallel)
	case *timeout <= 0:
		return fail("-timeout %s: give a positive duration, like 60s", *timeout)
	}
	o := Options{URLs: fs.Args(), Browser: *browser, BrowserArgs: browserArgs, MaxPages: *maxPages,
		Parallel: *parallel, PageTimeout: *timeout, IgnoreRobots: *ignoreRobots}
	if !*quiet {
		o.Progress = stderr
	}
	if *policyFile != "" {
		p, err := policyjson.ParseFile(*policyFile)
		if err != nil {
			return fail("the policy is not valid (doui check %s says the same):\n%v", *policyFile, err)
		}
		o.Policy, o.PolicyName = p, *policyFile
	}
	r, err := Run(ctx, o)
	if err != nil {
		return fail("%v", err)
	}
	if *asJSON {
		err = r.WriteJSON(stdout)
	} else {
		err = r.WriteText(stdout)
	}
	if err != nil {
		return fail("write the report: %v", err)
	}
	if *fix != "" {
		data, err := r.FixedPolicy()
		if err == nil {
			err = os.WriteFile(*fix, data, 0o644)
		}
		if err != nil {
			return fail("-fix %s: %v", *fix, err)
		}
		if !*quiet {
			fmt.Fprintf(stderr, "doui scan: wrote %s: check it with doui check %s\n", *fix, *fix)
		}
	}
	if r.Failed() {
		return 1
	}
	return 0
}
