//go:build js && wasm

// Changed from safejs v0.1.0 for doui, see PATCHES.md (Apache-2.0 §4b).

// Package catch runs functions and returns panic values as errors instead.
package catch

import (
	"errors"
	"syscall/js"

	"github.com/hack-pad/safejs/internal/stackerr"
)

// Try runs fn and returns the result. If fn panicked, the panic value is returned as an error instead.
func Try[Result any](fn func() Result) (result Result, err error) {
	defer recoverErr(&err)
	result = fn()
	return
}

// TrySideEffect is like Try, but does not have a return value.
func TrySideEffect(fn func()) (err error) {
	defer recoverErr(&err)
	fn()
	return
}

func recoverErr(err *error) {
	value := recover()
	valueErr := recoverValueToError(value)
	if valueErr != nil {
		*err = stackerr.WithStack(valueErr)
	}
}

func recoverValueToError(value any) error {
	if value == nil {
		return nil
	}
	switch value := value.(type) {
	case error:
		return value
	case js.Value:
		return js.Error{Value: value}
	// Upstream returned fmt.Errorf("%+v", value); without fmt (about 70 KB
	// of brotli-compressed wasm with what it drags in) strings keep their
	// text and any other value gets a fixed message. The functions run here
	// are syscall/js calls, which panic with errors or strings.
	case string:
		return errors.New(value)
	default:
		return errors.New("panic with a value that is not an error, js.Value or string")
	}
}
