package policyjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxSize is the largest policy file Parse accepts. The seed policies are
// under 40 KiB; anything near 1 MiB is a mistake, not a policy.
const MaxSize = 1 << 20

// Parse reads a policy strictly. name is the file name used in error
// messages. On failure the error is an Errors listing every problem found,
// each with its line, column and JSON path; the policy is nil.
//
// Parse is safe for concurrent use; it costs a few allocations per JSON
// value (see BenchmarkParse).
func Parse(name string, data []byte) (*Policy, error) {
	p, _, err := Check(name, data)
	return p, err
}

// Check parses a policy as Parse does and, when it is valid, also returns
// its warnings, in file order: what is allowed but looks unfinished or
// invented, such as a placeholder measurement ID, an example.* address or
// no contact (see lint). `doui check` prints them; they never stop a
// policy being served.
func Check(name string, data []byte) (*Policy, Errors, error) {
	if len(data) > MaxSize {
		return nil, nil, Errors{{File: name, Msg: tooBig(len(data))}}
	}
	// A byte order mark is what some Windows editors put before UTF-8; it
	// carries no meaning, so skip it rather than make the admin hunt for an
	// invisible character. Columns then match what the editor shows.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	p := &parser{
		file:   name,
		data:   data,
		pos:    map[string]int{},
		keyPos: map[string]int{},
		bad:    map[string]bool{},
		fields: map[reflect.Type][]fieldInfo{},
	}
	if !utf8.Valid(data) {
		// encoding/json would turn bad bytes into U+FFFD without a word.
		// Shift_JIS files end up here, so say so.
		for off, n := 0, 0; off < len(data) && n < 10; {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size == 1 {
				p.errs = append(p.errs, &Error{File: name, off: off,
					Msg: fmt.Sprintf("byte 0x%02X is not UTF-8: save the file as UTF-8 (not Shift_JIS or another encoding)", data[off])})
				n++
			}
			off += size
		}
		return nil, nil, p.finish(p.errs)
	}
	root, err := readTree(data)
	if err != nil {
		var se *syntaxError
		if !errors.As(err, &se) {
			se = &syntaxError{0, err.Error()}
		}
		p.errs = append(p.errs, &Error{File: name, Msg: se.msg, off: se.off})
		return nil, nil, p.finish(p.errs)
	}
	p.langs = declaredLanguages(root)
	var pol Policy
	p.decode(root, reflect.ValueOf(&pol).Elem(), "", false)
	if len(p.errs) == 0 || root.kind == '{' {
		p.langs = nil
		p.validate(&pol)
	}
	if len(p.errs) > 0 {
		return nil, nil, p.finish(p.errs)
	}
	p.lint(&pol)
	return &pol, p.finish(p.warns), nil
}

// finish sorts problems into file order and fills in lines and columns.
func (p *parser) finish(es Errors) Errors {
	slices.SortStableFunc(es, func(a, b *Error) int { return a.off - b.off })
	pos := position{p.data}
	for _, e := range es {
		e.Line, e.Col = pos.lineCol(e.off)
	}
	return es
}

// declaredLanguages finds site.languages in the raw tree, so that hints for
// missing texts written while decoding already show the site's languages.
func declaredLanguages(root *node) []string {
	find := func(n *node, name string) *node {
		if n == nil || n.kind != '{' {
			return nil
		}
		for _, m := range n.members {
			if m.name == name {
				return m.val
			}
		}
		return nil
	}
	l := find(find(root, "site"), "languages")
	if l == nil || l.kind != '[' {
		return nil
	}
	var langs []string
	for _, e := range l.elems {
		if e.kind == '"' && isLangCode(e.str) && !slices.Contains(langs, e.str) {
			langs = append(langs, e.str)
		}
	}
	return langs
}

func tooBig(n int) string {
	return fmt.Sprintf("the file is %.1f MiB; a policy may be at most 1 MiB: is this the right file?", float64(n)/(1<<20))
}

// ParseFile reads and parses the policy file at path. A file over MaxSize is
// refused before it is read.
func ParseFile(path string) (*Policy, error) {
	p, _, err := CheckFile(path)
	return p, err
}

// CheckFile is Check for the policy file at path, read as ParseFile reads
// it.
func CheckFile(path string) (*Policy, Errors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read policy %s: %w", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxSize {
		return nil, nil, Errors{{File: path, Msg: tooBig(int(fi.Size()))}}
	}
	// Not every file has a size (pipes, /dev/stdin): read one byte past the
	// limit and let Check refuse it.
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read policy %s: %w", path, err)
	}
	return Check(path, data)
}

// Marshal writes p as indented JSON that Parse reads back into the same
// policy with the same fingerprint. Texts list their languages in
// alphabetical order; nothing is HTML-escaped.
func Marshal(p *Policy) ([]byte, error) {
	cp := *p
	if cp.Services == nil {
		cp.Services = []Service{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&cp); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	return buf.Bytes(), nil
}

// Text returns t in lang, or else in lang's base language ("en" for
// "en-GB"), or else in the site's default language.
func (p *Policy) Text(t Text, lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if s, ok := t[base]; ok {
			return s
		}
	}
	return t[p.Site.DefaultLanguage]
}
