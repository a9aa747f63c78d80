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
"-" reads a policy from standard input. The exit status is 0 when every file
is good, 1 when any has a problem and 2 for a usage error.

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
	}
	return status
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
