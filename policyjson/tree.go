package policyjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// node is one JSON value with the byte offset where it starts. Parsing goes
// through this tree, not straight into structs, so that every later check can
// point at a line and column and every duplicate key is seen (encoding/json
// keeps the last one silently).
type node struct {
	kind    byte // '{', '[', '"', '0' (number), 't' (bool), 'n' (null)
	off     int
	str     string // string value or number literal
	b       bool
	members []member // objects, in file order, duplicates kept
	elems   []*node  // arrays
}

type member struct {
	name string
	off  int // offset of the key's opening quote
	val  *node
}

// maxDepth bounds nesting; a policy needs about seven levels.
const maxDepth = 64

// syntaxError is a problem that stops reading: nothing after it can be
// trusted.
type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// readTree reads exactly one JSON value from data, which must be valid UTF-8.
func readTree(data []byte) (*node, error) {
	r := &treeReader{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	n, err := r.value(0)
	if err != nil {
		return nil, err
	}
	off := int(r.dec.InputOffset())
	for off < len(data) && (data[off] == ' ' || data[off] == '\t' || data[off] == '\r' || data[off] == '\n') {
		off++
	}
	if off < len(data) {
		return nil, &syntaxError{off, "unexpected text after the end of the policy: the file must hold exactly one {…} object; delete what follows the last }"}
	}
	return n, nil
}

type treeReader struct {
	data []byte
	dec  *json.Decoder
}

// next returns the offset of the next token: the decoder's position is the
// end of the last token, before any whitespace, ',' or ':'.
func (r *treeReader) next() int {
	off := int(r.dec.InputOffset())
	for off < len(r.data) {
		switch r.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (r *treeReader) token() (json.Token, error) {
	tok, err := r.dec.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The stream decoder's offsets are only right for errors between
		// tokens; inside a value they count from somewhere else. Scanning the
		// whole text again finds the same first error with a true offset,
		// and syntax errors are rare enough for that to cost nothing.
		var raw json.RawMessage
		var whole *json.SyntaxError
		if errors.As(json.Unmarshal(r.data, &raw), &whole) && whole.Offset > 0 && int(whole.Offset) <= len(r.data) {
			se = whole
			se.Offset-- // it counts the offending byte as read
		}
		return nil, &syntaxError{int(se.Offset), "JSON syntax error: " + se.Error() + "; look for a missing or extra comma, quote, colon or bracket here or just before"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if len(bytes.TrimSpace(r.data)) == 0 {
			return nil, &syntaxError{0, "the file is empty: a policy is one JSON object, {…}"}
		}
		return nil, &syntaxError{len(r.data), "the file ends in the middle of the policy: a closing } or ] is missing"}
	}
	return nil, &syntaxError{r.next(), "JSON syntax error: " + err.Error()}
}

func (r *treeReader) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &syntaxError{r.next(), fmt.Sprintf("nested more than %d levels deep; a policy never needs that", maxDepth)}
	}
	off := r.next()
	tok, err := r.token()
	if err != nil {
		return nil, err
	}
	n := &node{off: off}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.kind = '{'
			for r.dec.More() {
				koff := r.next()
				ktok, err := r.token()
				if err != nil {
					return nil, err
				}
				name, ok := ktok.(string)
				if !ok {
					return nil, &syntaxError{koff, "JSON syntax error: expected a field name in double quotes"}
				}
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{name, koff, v})
			}
		case '[':
			n.kind = '['
			for r.dec.More() {
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
		default:
			return nil, &syntaxError{off, fmt.Sprintf("JSON syntax error: unexpected %q", rune(t))}
		}
		if _, err := r.token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.kind, n.str = '"', t
	case json.Number:
		n.kind, n.str = '0', string(t)
	case bool:
		n.kind, n.b = 't', t
	case nil:
		n.kind = 'n'
	}
	return n, nil
}
