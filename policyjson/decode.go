package policyjson

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// parser holds one Parse call: the file, the positions of every value it
// decoded and the problems found so far.
type parser struct {
	file string
	data []byte
	errs Errors
	// warns are what lint finds in a valid policy.
	warns Errors
	// pos maps the path of every value present in the file to its offset,
	// keyPos the path of every object member to its key's offset.
	pos, keyPos map[string]int
	// bad holds the paths that already have an error, so that a wrong value
	// is not reported again as empty, undefined and so on.
	bad    map[string]bool
	fields map[reflect.Type][]fieldInfo
	// langs are the site's valid declared languages, once known.
	langs []string
}

type fieldInfo struct {
	name     string
	index    int
	optional bool // tagged omitempty or omitzero: may be left out
}

// errorAt records a problem at a byte offset. A path that already has a
// problem gets no second one.
func (p *parser) errorAt(off int, path, format string, args ...any) {
	if p.bad[path] {
		return
	}
	p.bad[path] = true
	p.errs = append(p.errs, &Error{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...), off: off})
}

// fail records a problem with the value at path, located at that value or,
// when it is absent, at the nearest enclosing value present in the file.
func (p *parser) fail(path, format string, args ...any) {
	p.errorAt(p.at(path), path, format, args...)
}

func (p *parser) at(path string) int {
	for {
		if off, ok := p.pos[path]; ok {
			return off
		}
		if path == "" {
			return 0
		}
		path = parentPath(path)
	}
}

func (p *parser) present(path string) bool {
	_, ok := p.pos[path]
	return ok
}

// child joins a path and an object member name.
func child(path, name string) string {
	if !isIdent(name) {
		return path + "[" + strconv.Quote(name) + "]"
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '$' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

var textType = reflect.TypeFor[Text]()

// nodeKind is the JSON kind (node.kind) a value of Go kind k is written as.
// A Text is a map; the one pointer in a policy is *bool (consent.gpc).
func nodeKind(k reflect.Kind) byte {
	switch k {
	case reflect.Struct, reflect.Map:
		return '{'
	case reflect.Slice:
		return '['
	case reflect.String:
		return '"'
	case reflect.Int:
		return '0'
	}
	return 't' // bool, *bool
}

func (p *parser) fieldsOf(t reflect.Type) []fieldInfo {
	if fs, ok := p.fields[t]; ok {
		return fs
	}
	var fs []fieldInfo
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		fs = append(fs, fieldInfo{name, i, strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	p.fields[t] = fs
	return fs
}

// decode fills v from n, reporting every mismatch instead of stopping.
func (p *parser) decode(n *node, v reflect.Value, path string, optional bool) {
	p.pos[path] = n.off
	if n.kind == 'n' {
		if optional {
			p.errorAt(n.off, path, "null is not allowed: write a value or leave the field out")
		} else {
			p.errorAt(n.off, path, "null is not allowed: write %s", describeType(v.Type()))
		}
		return
	}
	t := v.Type()
	if n.kind != nodeKind(t.Kind()) {
		p.errorAt(n.off, path, "must be %s, not %s", describeType(t), describeNode(n))
		return
	}

	switch t.Kind() {
	case reflect.String:
		if strings.TrimSpace(n.str) == "" {
			if optional {
				p.errorAt(n.off, path, "is empty: write a value, or remove the field if there is nothing to say")
			} else {
				p.errorAt(n.off, path, "is empty: this field needs a value")
			}
			return
		}
		v.SetString(n.str)
	case reflect.Int:
		i, err := strconv.Atoi(n.str)
		if err != nil || i > 1<<31-1 || i < -1<<31 {
			p.errorAt(n.off, path, "must be a whole number, like 6, not %s", n.str)
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		v.SetBool(n.b)
	case reflect.Pointer:
		b := reflect.New(t.Elem())
		b.Elem().SetBool(n.b)
		v.Set(b)
	case reflect.Slice:
		s := reflect.MakeSlice(t, len(n.elems), len(n.elems))
		for i, e := range n.elems {
			p.decode(e, s.Index(i), index(path, i), false)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMapWithSize(t, len(n.members))
		seen := make(map[string]int, len(n.members))
		for _, mb := range n.members {
			cp := child(path, mb.name)
			if first, dup := seen[mb.name]; dup {
				p.dupKey(mb, cp, first)
				continue
			}
			seen[mb.name] = mb.off
			p.keyPos[cp] = mb.off
			if strings.TrimSpace(mb.name) == "" {
				p.errorAt(mb.off, cp, "empty key: write a language code such as \"ja\" or a name")
				continue
			}
			e := reflect.New(t.Elem()).Elem()
			p.decode(mb.val, e, cp, false)
			m.SetMapIndex(reflect.ValueOf(mb.name), e)
		}
		v.Set(m)
	case reflect.Struct:
		fs := p.fieldsOf(t)
		seen := make(map[string]int, len(n.members))
		for _, mb := range n.members {
			cp := child(path, mb.name)
			if first, dup := seen[mb.name]; dup {
				p.dupKey(mb, cp, first)
				continue
			}
			seen[mb.name] = mb.off
			i := slices.IndexFunc(fs, func(f fieldInfo) bool { return f.name == mb.name })
			if i < 0 {
				p.errorAt(mb.off, cp, "unknown field %q%s", mb.name, suggest(mb.name, fs))
				continue
			}
			p.keyPos[cp] = mb.off
			f := v.Field(fs[i].index)
			p.decode(mb.val, f, cp, fs[i].optional)
			if k := f.Kind(); fs[i].optional && (k == reflect.Slice || k == reflect.Map) && f.Len() == 0 {
				// An empty optional list or object means the same as none;
				// keep it as none so that the policy round-trips.
				f.SetZero()
			}
		}
		for _, f := range fs {
			if _, ok := seen[f.name]; !ok && !f.optional {
				cp := child(path, f.name)
				p.errorAt(n.off, cp, "missing %q: add \"%s\": %s", f.name, f.name, p.example(t.Field(f.index).Type))
			}
		}
	}
}

func (p *parser) dupKey(mb member, path string, first int) {
	line, col := position{p.data}.lineCol(first)
	// Reported even when the first value was wrong too: both need fixing.
	p.errs = append(p.errs, &Error{File: p.file, Path: path, off: mb.off,
		Msg: fmt.Sprintf("%q is written twice in the same object (first at line %d, column %d): keep only one", mb.name, line, col)})
}

// suggest names the field the admin probably meant.
func suggest(name string, fs []fieldInfo) string {
	best, bestD := "", 3
	for _, f := range fs {
		if strings.EqualFold(f.name, name) {
			return fmt.Sprintf(": did you mean %q? (names are case-sensitive)", f.name)
		}
		if d := editDistance(name, f.name); d < bestD {
			best, bestD = f.name, d
		}
	}
	if best != "" {
		return fmt.Sprintf(": did you mean %q?", best)
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return ": the fields allowed here are " + strings.Join(names, ", ")
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func describeNode(n *node) string {
	switch n.kind {
	case '{':
		return "an object {…}"
	case '[':
		return "a list […]"
	case '"':
		return "a text in quotes"
	case '0':
		return "the number " + n.str
	case 't':
		return strconv.FormatBool(n.b)
	}
	return "null"
}

func describeType(t reflect.Type) string {
	if t == textType {
		return `an object with one text per language, like {"ja": "…", "en": "…"}`
	}
	switch t.Kind() {
	case reflect.String:
		return `a text in double quotes, like "…"`
	case reflect.Int:
		return "a whole number"
	case reflect.Bool, reflect.Pointer:
		return "true or false"
	case reflect.Slice:
		return "a list in square brackets, […]"
	}
	return "an object in curly braces, {…}"
}

// example is what to write for a missing value of type t.
func (p *parser) example(t reflect.Type) string {
	if t == textType {
		langs := p.langs
		if len(langs) == 0 {
			langs = []string{"ja", "en"}
		}
		parts := make([]string, len(langs))
		for i, l := range langs {
			parts[i] = strconv.Quote(l) + `: "…"`
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	switch t.Kind() {
	case reflect.String:
		return `"…"`
	case reflect.Int:
		return "a whole number"
	case reflect.Bool, reflect.Pointer:
		return "true or false"
	case reflect.Slice:
		return "[…]"
	}
	return "{…}"
}
