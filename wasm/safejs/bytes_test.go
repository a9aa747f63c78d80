//go:build js && wasm

// Changed from safejs v0.1.0 for doui, see PATCHES.md (Apache-2.0 §4b).

package safejs

import (
	"testing"

	"github.com/hack-pad/safejs/internal/assert"
)

func TestCopyBytesError(t *testing.T) {
	t.Parallel()
	_, err := CopyBytesToGo(nil, Undefined())
	assert.EqualError(t, err, "syscall/js: CopyBytesToGo: expected src to be a Uint8Array or Uint8ClampedArray")

	_, err = CopyBytesToJS(Undefined(), nil)
	assert.EqualError(t, err, "syscall/js: CopyBytesToJS: expected dst to be a Uint8Array or Uint8ClampedArray")
}
