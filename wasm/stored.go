//go:build js && wasm

package main

import (
	"strings"

	"github.com/doui-consent/doui/banner"
	"github.com/hack-pad/safejs"
)

// watchStored follows the stored record while the page lives: a choice
// saved or withdrawn in another tab of the site (the storage event, fired
// by the localStorage mirror), a page restored from the back/forward cache
// after a choice made on another page (pageshow; it fires before the
// restored page's timers run again). Not visibilitychange: it also fires
// as the page is left, and a reload then would cancel the visitor's
// navigation. The listener lives as long as the page.
func (a *app) watchStored() {
	var x jsx
	defer x.report("watchStored")
	fn := a.callback(func([]safejs.Value) { a.resync() })
	x.call(a.win, "addEventListener", "storage", fn)
	x.call(a.win, "addEventListener", "pageshow", fn)
}

// resync re-reads the stored record through the loader's read (the one
// place that knows where it lives) and, when it is not what this page last
// read or wrote, carries out banner.Sync: a withdrawal elsewhere stops
// what this page runs (flags and Consent Mode at once, then a reload).
func (a *app) resync() {
	var x jsx
	defer x.report("resync")
	raw := x.str(x.call(a.st, "read"))
	if x.err != nil || raw == a.stored {
		return
	}
	a.stored = raw
	var r *banner.Record
	if rec, err := banner.Decode(raw); err == nil {
		r = &rec
		a.id = rec.ID
	}
	gpc := x.boolean(x.get(x.get(a.win, "navigator"), "globalPrivacyControl"))
	dec, eff := banner.Sync(&a.cfg, a.dec, r, banner.Signals{GPC: gpc}, a.now())
	a.dec = dec
	a.carryOut(eff, nil)
}

// checkPlacement tells the site's developer, on the console, when doui.js
// was not placed as it must be: a plain (not async or defer) script before
// every other script of the page. Scripts that ran before it were never
// held back: the loader cannot stop what already runs.
func (a *app) checkPlacement() {
	var x jsx
	defer x.report("checkPlacement")
	me := x.get(a.st, "s")
	if me.Type() != safejs.TypeObject {
		return
	}
	if x.boolean(x.get(me, "async")) || x.boolean(x.get(me, "defer")) {
		consoleWarn("doui: doui.js is loaded with async or defer: tags in the page can run before it holds them back. Load it as a plain <script> at the top of <head>.")
	}
	var before []string
	// The scripts in the page when the loader ran (st.pre), not now: a
	// script inserted later before doui.js (Matomo's snippet does) ran after
	// it, held or let through by it.
	x.each(x.get(a.st, "pre"), func(s safejs.Value) {
		// Node.DOCUMENT_POSITION_PRECEDING: s comes before doui.js.
		if x.integer(x.call(me, "compareDocumentPosition", s))&2 == 0 || x.attr(s, "data-consent") != "" {
			return
		}
		switch t := x.attr(s, "type"); t {
		case "", "text/javascript", "module", "application/javascript":
		default:
			return // data (JSON-LD, importmap, templates): nothing ran
		}
		if src := x.attr(s, "src"); src != "" {
			before = append(before, src)
		} else {
			before = append(before, "the inline script \""+excerpt(x.str(x.get(s, "text")), 60)+"…\"")
		}
	})
	if len(before) > 0 {
		consoleWarn("doui: these scripts come before doui.js and ran without its hold: " + strings.Join(before, ", ") + ". Put doui.js first in <head>, or mark them with data-consent.")
	}
}

func consoleWarn(msg string) {
	console, err := safejs.Global().Get("console")
	if err == nil {
		console.Call("warn", msg)
	}
}

// excerpt is the first n bytes of s with runs of ASCII white space made one
// space. A character cut at n shows as U+FFFD on the console, where this
// goes. (Not strings.Fields, nor a utf8 check: each cost ~2 KB of wasm.)
func excerpt(s string, n int) string {
	var b []byte
	space := false
	for i := 0; i < len(s) && len(b) < n; i++ {
		switch c := s[i]; c {
		case ' ', '\n', '\t', '\r', '\f':
			space = len(b) > 0
		default:
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, c)
		}
	}
	return string(b)
}
