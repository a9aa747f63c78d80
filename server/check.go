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
A good policy whose doui.js would be over its 6 KB (brotli) budget gets
  FILE: warning: doui.js is N bytes brotli, ... the texts that take the
  most room in it: PATH (N bytes), ...
after its ok line: it is served all the same, but every visitor waits for it.
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
		var err error
		if name == "-" {
			var data []byte
			data, err = io.ReadAll(io.LimitReader(stdin, policyjson.MaxSize+1))
			if err == nil {
				p, err = policyjson.Parse("<stdin>", data)
			} else {
				err = fmt.Errorf("<stdin>: read: %w", err)
			}
		} else {
			p, err = policyjson.ParseFile(name)
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
		if measure == nil && measureErr == nil {
			if measure, measureErr = newServer(Options{}, false); measureErr != nil {
				fmt.Fprintf(stderr, "doui check: cannot measure doui.js: %v\n", measureErr)
			}
		}
		if measure == nil {
			continue
		}
		b, err := measure.build(name, p)
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
