package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/doui-consent/doui/policyjson"
)

const checkUsage = `Usage: doui check FILE...

Checks each policy file strictly, as the server does before it serves one,
and prints for each
  FILE: ok (fingerprint F, N categories, M services)
or every problem found, one per line, as
  FILE:LINE:COL: PATH: MESSAGE
After its ok line a good policy gets a warning for each value that looks
unfinished or invented (a placeholder measurement ID such as G-XXXXXXXXXX,
an address at example.com or another name reserved for examples, no
contact, a service with no purpose, a third party's service that does not
say what it receives):
  FILE:LINE:COL: warning: PATH: MESSAGE
and, when its doui.js would be over its 6 KB (brotli) budget,
  FILE: warning: doui.js is N bytes brotli, ... the texts that take the
  most room in it: PATH (N bytes), ...
A policy with warnings is served all the same: fix them before publishing.
"-" reads a policy from standard input. The exit status is 0 when every file
is good (warnings or not), 1 when any has a problem and 2 for a usage error.

The fingerprint changes only when visitors will be asked again: compare it
before and after an edit.
`

// runCheck is "doui check": args are the file names after the command.
func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), checkUsage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "doui check: no policy file given\n\n"+checkUsage)
		return 2
	}
	status := 0
	// Built on the first good policy: measuring doui.js needs the
	// templates and the static assets, not the wasm's compressed variants.
	var measure *Server
	var measureErr error
	for _, name := range fs.Args() {
		var p *policyjson.Policy
		var warnings policyjson.Errors
		var err error
		if name == "-" {
			var data []byte
			data, err = io.ReadAll(io.LimitReader(stdin, policyjson.MaxSize+1))
			if err == nil {
				p, warnings, err = policyjson.Check("<stdin>", data)
			} else {
				err = fmt.Errorf("<stdin>: read: %w", err)
			}
		} else {
			p, warnings, err = policyjson.CheckFile(name)
		}
		if err != nil {
			status = 1
			fmt.Fprintln(stdout, err)
			continue
		}
		if name == "-" {
			name = "<stdin>"
		}
		fmt.Fprintf(stdout, "%s: ok (fingerprint %s, %s, %s)\n", name, p.Fingerprint(),
			count(len(p.Categories), "category", "categories"), count(len(p.Services), "service", "services"))
		for _, w := range warnings {
			fmt.Fprintln(stdout, w)
		}
		if measure == nil && measureErr == nil {
			if measure, measureErr = newServer(Options{}, false); measureErr != nil {
				fmt.Fprintf(stderr, "doui check: cannot measure doui.js: %v\n", measureErr)
			}
		}
		if measure == nil {
			continue
		}
		b, err := measure.build(name, p, nil)
		if err != nil {
			fmt.Fprintf(stderr, "doui check: %s: cannot measure doui.js: %v\n", name, err)
			continue
		}
		for _, w := range b.warnings {
			fmt.Fprintf(stdout, "%s: warning: %s\n", name, w)
		}
	}
	return status
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
