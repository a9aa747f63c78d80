package policyjson

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is one problem in a policy file, located for the admin who wrote it.
type Error struct {
	File string
	// Line and Col are 1-based; Col counts characters, not bytes, so that it
	// matches what an editor shows on a line of Japanese text. Both are 0 when
	// the problem is about the file as a whole (its size, say).
	Line, Col int
	// Path is the JSON path of the value, like "services[2].cookies[0].name";
	// empty for the document itself.
	Path string
	Msg  string
	// Warning marks what Check reports about a valid policy: something
	// that looks unfinished (a placeholder, a missing contact), which the
	// admin should see but which does not stop the policy being served.
	Warning bool

	off int // byte offset, for sorting
}

// Error formats the problem as FILE:LINE:COL: PATH: MESSAGE, and a warning
// as FILE:LINE:COL: warning: PATH: MESSAGE.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Warning {
		b.WriteString("warning: ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem (or every warning) found in one policy file, in
// file order.
type Errors []*Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find a single *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// position turns byte offsets into line and column. It rescans the text for
// every error, which is cheap for the few errors a file has.
type position struct {
	data []byte
}

func (p position) lineCol(off int) (line, col int) {
	off = min(max(off, 0), len(p.data))
	line = 1 + bytes.Count(p.data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(p.data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(p.data[start:off])
}
