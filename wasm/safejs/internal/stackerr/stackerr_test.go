//go:build js && wasm

package stackerr

import (
	"errors"
	"strings"
	"testing"
)

func TestWithStack(t *testing.T) {
	t.Parallel()
	if WithStack(nil) != nil {
		t.Error("WithStack(nil) is not nil")
	}

	base := errors.New("some error")
	err := wrap(base)
	if got := err.Error(); got != "some error" {
		t.Errorf("Error() = %q, want %q", got, "some error")
	}
	if !errors.Is(err, base) {
		t.Error("errors.Is(err, base) = false, want true")
	}
	var st interface{ StackTrace() string }
	if !errors.As(err, &st) {
		t.Fatal("errors.As finds no StackTrace method")
	}
	// WithStack skips itself and its caller (wrap, standing in for
	// catch.recoverErr), so the trace starts at wrap's caller.
	trace := st.StackTrace()
	first, _, _ := strings.Cut(trace, "\n")
	if want := "github.com/hack-pad/safejs/internal/stackerr.TestWithStack"; first != want {
		t.Errorf("first frame %q, want %q; trace:\n%s", first, want, trace)
	}
	if !strings.Contains(trace, "stackerr_test.go:") {
		t.Errorf("trace has no file:line of this test:\n%s", trace)
	}
}

func wrap(err error) error {
	return WithStack(err)
}
