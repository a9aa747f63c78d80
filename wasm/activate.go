//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
)

// activate runs the elements held back for the given categories: those in
// the page's markup (data-consent), those the loader caught being added by
// other scripts, in document order. Scripts run one after another as the
// parser would run them: an external script gets its URL (runScript) and
// the next element waits for its load (or error) event.
func (a *app) activate(categories []string) {
	if len(categories) == 0 {
		return
	}
	var x jsx
	defer x.report("activate")
	take := func(el safejs.Value) {
		if contains(categories, x.attr(el, "data-consent")) {
			x.call(el, "setAttribute", "data-doui-done", "1")
			a.queue = append(a.queue, el)
		}
	}
	x.each(x.call(a.doc, "querySelectorAll", "[data-consent]:not([data-doui-done])"), take)
	// The loader's held elements that the query cannot see: in shadow
	// roots. (Those no longer in the page stay held.)
	x.each(x.get(a.st, "held"), func(el safejs.Value) {
		if x.boolean(x.get(el, "isConnected")) && x.attr(el, "data-doui-done") == "" {
			take(el)
		}
	})
	a.next()
}

// next activates queued elements until an external script must load first.
func (a *app) next() {
	var x jsx
	defer x.report("next")
	for !a.waiting && len(a.queue) > 0 && x.err == nil {
		el := a.queue[0]
		a.queue = a.queue[1:]
		switch tag := x.str(x.get(el, "tagName")); tag {
		case "SCRIPT", "script": // an SVG script's tagName is lower case
			a.runScript(&x, el, tag == "script")
		case "IFRAME", "IMG", "EMBED":
			a.removePlaceholder(&x, el)
			moveAttr(&x, el, "data-srcset", "srcset")
			moveAttr(&x, el, "data-src", "src")
		case "LINK":
			moveAttr(&x, el, "data-href", "href")
		case "VIDEO", "AUDIO":
			moveAttr(&x, el, "data-poster", "poster")
			moveAttr(&x, el, "data-src", "src")
			x.each(x.call(el, "querySelectorAll", "source[data-src]"), func(s safejs.Value) {
				moveAttr(&x, s, "data-src", "src")
			})
			x.call(el, "load")
		case "SOURCE":
			moveAttr(&x, el, "data-src", "src")
		}
	}
}

// runScript runs held script el where it is. The browser never started it
// (its type, text/plain, kept it from running), so it prepares it again,
// as one just inserted, when it gets a URL it did not have (src, or an SVG
// script's href) or new text: checked in Chromium and Firefox. The page's
// own element runs, with its attributes, listeners, nonce and async, and
// nothing is created or moved before the tracker's request. One the page
// has taken out before its turn stays out: nothing loads it, and the queue
// goes on (waiting for its load would hold every later one for ever).
func (a *app) runScript(x *jsx, el safejs.Value, svg bool) {
	if !x.boolean(x.get(el, "isConnected")) {
		return
	}
	at := "src"
	if svg {
		at = "href"
	}
	src := x.attr(el, "data-src")
	if src == "" {
		src = x.attr(el, at)
	}
	if t := x.attr(el, "data-type"); t != "" {
		x.call(el, "setAttribute", "type", t) // e.g. data-type="module"
	} else {
		x.call(el, "removeAttribute", "type")
	}
	x.call(el, "removeAttribute", "data-type")
	if src == "" {
		a.publish() // it runs at once: it may read Consent Mode or the flags
		x.set(el, "textContent", x.get(el, "textContent"))
		return
	}
	x.call(el, "removeAttribute", at)
	// One script loads at a time, so one function, made once, goes on
	// with the queue after each.
	if a.loaded.Value().IsUndefined() {
		a.loaded = a.callback(func([]safejs.Value) {
			a.waiting = false
			a.next()
		})
	}
	x.call(el, "addEventListener", "load", a.loaded)
	x.call(el, "addEventListener", "error", a.loaded)
	a.waiting = true
	if a.tt.Type() == safejs.TypeObject {
		x.call(el, "setAttribute", at, x.call(a.tt, "createScriptURL", src))
	} else {
		x.call(el, "setAttribute", at, src)
	}
	x.call(el, "removeAttribute", "data-src")
	if x.err != nil {
		a.waiting = false
	}
}

func moveAttr(x *jsx, el safejs.Value, from, to string) {
	if v := x.attr(el, from); v != "" {
		x.call(el, "setAttribute", to, v)
		x.call(el, "removeAttribute", from)
	}
}

// watchAdded activates elements with data-consent that the page adds after
// start when their category is granted. (The loader gives held frames their
// placeholders.)
func (a *app) watchAdded() {
	var x jsx
	defer x.report("watchAdded")
	fn := a.callback(func(args []safejs.Value) {
		var x jsx
		defer x.report("watchAdded (added elements)")
		var list []string
		x.each(args[0], func(rec safejs.Value) {
			x.each(x.get(rec, "addedNodes"), func(n safejs.Value) {
				if x.integer(x.get(n, "nodeType")) != 1 {
					return
				}
				if c := x.attr(n, "data-consent"); a.dec.Grants(c) && !contains(list, c) {
					list = append(list, c)
				}
			})
		})
		a.activate(list)
	})
	mo, err := x.get(a.win, "MutationObserver").New(fn)
	if err != nil {
		return
	}
	x.call(mo, "observe", x.get(a.doc, "documentElement"), map[string]any{"childList": true, "subtree": true})
}

func (a *app) removePlaceholder(x *jsx, el safejs.Value) {
	if x.attr(el, "data-doui-ph") == "" {
		return
	}
	prev := x.get(el, "previousElementSibling")
	if prev.Type() == safejs.TypeObject && x.attr(prev, "data-doui") == "placeholder" {
		x.call(prev, "remove")
	}
	x.call(el, "removeAttribute", "data-doui-ph")
	x.set(el, "hidden", false)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
