//go:build js && wasm

// Changed from safejs v0.1.0 for doui, see PATCHES.md (Apache-2.0 §4b).

// Package stackerr attaches stack traces to errors (see StackTrace).
package stackerr

import (
	"runtime"
	"strconv"
	"strings"
)

type stackError struct {
	err   error
	stack *stacktrace
}

// WithStack returns 'err' with a stack trace, available from its StackTrace method.
// Returns nil if err is nil.
func WithStack(err error) error {
	if err == nil {
		return nil
	}

	return &stackError{
		err:   err,
		stack: collectStacktrace(3),
	}
}

func (s *stackError) Error() string {
	return s.err.Error()
}

func (s *stackError) Unwrap() error {
	return s.err
}

// StackTrace returns the stack captured by WithStack, one frame per two
// lines (function, then tab, file:line). Upstream printed it from a
// fmt.Formatter method under %+v; that method needs package fmt, which
// this copy does not link, so %+v now prints only Error() and callers that
// want the stack ask for it with errors.As and an interface{ StackTrace() string }.
func (s *stackError) StackTrace() string {
	return s.stack.String()
}

type stacktrace struct {
	callers []uintptr
}

func collectStacktrace(skip int) *stacktrace {
	const (
		maxFrames = 32
	)
	pc := make([]uintptr, maxFrames)
	n := runtime.Callers(1+skip, pc)
	return &stacktrace{
		callers: pc[:n],
	}
}

func (s *stacktrace) String() string {
	var sb strings.Builder
	frames := runtime.CallersFrames(s.callers)
	for frame, next := frames.Next(); next; frame, next = frames.Next() {
		funcName := "unknown"
		if frame.Func != nil {
			funcName = frame.Func.Name()
		}
		sb.WriteString(funcName)
		sb.WriteString("\n\t")
		sb.WriteString(frame.File)
		sb.WriteByte(':')
		sb.WriteString(strconv.Itoa(frame.Line))
		sb.WriteByte('\n')
	}
	return sb.String()
}
