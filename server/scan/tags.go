package scan

import (
	"bytes"
	"html"
	"sort"
	"strings"
	"unicode/utf8"
)

// tag is a start tag of a page's HTML, with where it is.
type tag struct {
	Name string // lower case
	// Attrs holds each attribute's first value, HTML entities decoded;
	// names are lower case. An attribute without a value maps to "".
	Attrs map[string]string
	// Text is the content of a raw-text element (script, style, noscript…).
	Text string
	// Off is the offset of '<', End the offset after the element's start
	// tag, or after its end tag for a raw-text element.
	Off, End  int
	Line, Col int // of '<', 1-based; Col counts characters, as editors do
}

// rawText are the elements whose content the tokenizer reads as text up to
// their end tag. noscript is among them because browsers parse it so when
// scripting is on: a tracker pixel inside one never loads. template's
// content is inert, so nothing in it loads either.
var rawText = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "noscript": true,
	"template": true, "xmp": true, "noembed": true, "noframes": true,
}

// htmlDoc is a page's HTML, tokenized just enough to find the tags that
// load something and to say where they are.
type htmlDoc struct {
	src        []byte
	lineStarts []int
	tags       []tag
}

// parseHTML tokenizes doc. It is forgiving as browsers are: it never fails,
// and a broken tag ends where the next '>' is.
func parseHTML(doc []byte) *htmlDoc {
	d := &htmlDoc{src: doc, lineStarts: []int{0}}
	for i, c := range doc {
		if c == '\n' {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	for i := 0; i < len(doc); {
		lt := bytes.IndexByte(doc[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		rest := doc[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return d
			}
			i += 4 + end + 3
			continue
		case bytes.HasPrefix(rest, []byte("<!")), bytes.HasPrefix(rest, []byte("<?")), bytes.HasPrefix(rest, []byte("</")):
			gt := bytes.IndexByte(rest, '>')
			if gt < 0 {
				return d
			}
			i += gt + 1
			continue
		}
		t, next := d.startTag(i)
		if t == nil {
			i++
			continue
		}
		i = next
		if rawText[t.Name] {
			closing := indexFold(doc[i:], "</"+t.Name)
			if closing < 0 {
				t.Text = string(doc[i:])
				i = len(doc)
			} else {
				t.Text = string(doc[i : i+closing])
				i += closing
				if gt := bytes.IndexByte(doc[i:], '>'); gt >= 0 {
					i += gt + 1
				} else {
					i = len(doc)
				}
			}
			t.End = i
		}
		d.tags = append(d.tags, *t)
	}
	return d
}

// startTag reads the start tag at off, or returns nil when '<' there
// starts no tag.
func (d *htmlDoc) startTag(off int) (*tag, int) {
	doc := d.src
	i := off + 1
	for i < len(doc) && isNameByte(doc[i], i == off+1) {
		i++
	}
	if i == off+1 {
		return nil, 0
	}
	t := &tag{Name: strings.ToLower(string(doc[off+1 : i])), Attrs: map[string]string{}, Off: off}
	t.Line, t.Col = d.lineCol(off)
	for i < len(doc) {
		for i < len(doc) && (isSpace(doc[i]) || doc[i] == '/') {
			i++
		}
		if i >= len(doc) || doc[i] == '>' {
			break
		}
		start := i
		for i < len(doc) && !isSpace(doc[i]) && doc[i] != '>' && doc[i] != '/' && (doc[i] != '=' || i == start) {
			i++
		}
		name := strings.ToLower(string(doc[start:i]))
		for i < len(doc) && isSpace(doc[i]) {
			i++
		}
		value := ""
		if i < len(doc) && doc[i] == '=' {
			i++
			for i < len(doc) && isSpace(doc[i]) {
				i++
			}
			if i < len(doc) && (doc[i] == '"' || doc[i] == '\'') {
				q := doc[i]
				end := bytes.IndexByte(doc[i+1:], q)
				if end < 0 {
					end = len(doc) - i - 1
				}
				value = string(doc[i+1 : i+1+end])
				i += end + 2
			} else {
				vs := i
				for i < len(doc) && !isSpace(doc[i]) && doc[i] != '>' {
					i++
				}
				value = string(doc[vs:i])
			}
		}
		if _, dup := t.Attrs[name]; !dup {
			t.Attrs[name] = html.UnescapeString(value)
		}
	}
	if i < len(doc) {
		i++ // '>'
	}
	t.End = min(i, len(doc))
	return t, t.End
}

// lineCol returns the 1-based line and column (in characters) of off.
func (d *htmlDoc) lineCol(off int) (int, int) {
	line := sort.Search(len(d.lineStarts), func(i int) bool { return d.lineStarts[i] > off }) - 1
	return line + 1, utf8.RuneCount(d.src[d.lineStarts[line]:off]) + 1
}

// offset turns a 1-based line and column (in characters) into a byte
// offset, clamped to the document.
func (d *htmlDoc) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(d.lineStarts) {
		return len(d.src)
	}
	off := d.lineStarts[line-1]
	for n := 1; n < col && off < len(d.src) && d.src[off] != '\n'; n++ {
		_, size := utf8.DecodeRune(d.src[off:])
		off += size
	}
	return off
}

// at returns the tag whose source holds the 1-based line and column, which
// is how Chromium names the place the parser was when it started a
// request: inside or just past the start tag, or in a script's text. A
// position between tags belongs to the tag before it.
func (d *htmlDoc) at(line, col int) *tag {
	off := d.offset(line, col)
	var best *tag
	for i := range d.tags {
		t := &d.tags[i]
		if t.Off > off {
			break
		}
		best = t
		if off <= t.End {
			return t
		}
	}
	return best
}

func isNameByte(c byte, first bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		return true
	}
	return !first && ('0' <= c && c <= '9' || c == '-')
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// indexFold is bytes.Index for an ASCII needle, ignoring case.
func indexFold(s []byte, needle string) int {
	n, nb := len(needle), []byte(needle)
	for i := 0; i+n <= len(s); i++ {
		if bytes.EqualFold(s[i:i+n], nb) {
			return i
		}
	}
	return -1
}

// snippet is the start of a tag's source, for a finding's detail.
func (d *htmlDoc) snippet(t *tag) string {
	end := t.End
	if rawText[t.Name] {
		end = t.Off + bytes.IndexByte(d.src[t.Off:], '>') + 1
	}
	s := strings.Join(strings.Fields(string(d.src[t.Off:end])), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:117]) + "…"
	}
	return s
}
