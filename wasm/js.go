//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
)

// jsx runs a sequence of safejs calls and keeps the first error, so DOM code
// reads top to bottom instead of checking every property access (the
// pattern of bufio.Writer's sticky error). After an error every call is a
// no-op returning undefined.
type jsx struct{ err error }

// report writes the first error, if any, to console.error, naming where it
// happened. Every function that makes a jsx reports it (a deferred
// x.report) or reads x.err itself; TestJSXErrorsAreRead holds that. After
// an error the function's remaining calls are skipped (a tracker not
// activated, a record not stored: the page stays as closed as it was), and
// without the report the site's developer would never learn why.
func (x *jsx) report(where string) {
	if x.err != nil {
		consoleError("doui: " + where + ": " + x.err.Error())
	}
}

func (x *jsx) get(v safejs.Value, p string) safejs.Value {
	if x.err != nil {
		return safejs.Undefined()
	}
	r, err := v.Get(p)
	x.err = err
	return r
}

func (x *jsx) set(v safejs.Value, p string, val any) {
	if x.err != nil {
		return
	}
	x.err = v.Set(p, val)
}

func (x *jsx) call(v safejs.Value, m string, args ...any) safejs.Value {
	if x.err != nil {
		return safejs.Undefined()
	}
	r, err := v.Call(m, args...)
	x.err = err
	return r
}

// str is v as a string; "" for null, undefined and non-strings.
func (x *jsx) str(v safejs.Value) string {
	if x.err != nil || v.Type() != safejs.TypeString {
		return ""
	}
	s, err := v.String()
	x.err = err
	return s
}

func (x *jsx) boolean(v safejs.Value) bool {
	if x.err != nil || v.Type() != safejs.TypeBoolean {
		return false
	}
	b, err := v.Bool()
	x.err = err
	return b
}

func (x *jsx) integer(v safejs.Value) int {
	if x.err != nil || v.Type() != safejs.TypeNumber {
		return 0
	}
	n, err := v.Int()
	x.err = err
	return n
}

// each calls fn for every item of an array-like value (Array, NodeList).
func (x *jsx) each(v safejs.Value, fn func(item safejs.Value)) {
	if x.err != nil || v.IsUndefined() || v.IsNull() {
		return
	}
	n, err := v.Length()
	if err != nil {
		x.err = err
		return
	}
	for i := 0; i < n && x.err == nil; i++ {
		item, err := v.Index(i)
		if err != nil {
			x.err = err
			return
		}
		fn(item)
	}
}

// strings reads an array of strings.
func (x *jsx) strings(v safejs.Value) []string {
	var out []string
	x.each(v, func(item safejs.Value) { out = append(out, x.str(item)) })
	return out
}

// attr is el.getAttribute(name), "" when absent.
func (x *jsx) attr(el safejs.Value, name string) string {
	return x.str(x.call(el, "getAttribute", name))
}

// array turns strings into a value safejs can pass to JS.
func array(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
