//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
)

// activate runs the elements held back for the given categories: those in
// the page's markup (data-consent), those the loader caught being added by
// other scripts, in document order. Scripts run one after another as the
// parser would run them: an external script is inserted and the next
// element waits for its load (or error) event.
func (a *app) activate(categories []string) {
	if len(categories) == 0 {
		return
	}
	var x jsx
	defer x.report("activate")
	take := func(el safejs.Value) {
		if contains(categories, x.attr(el, "data-consent")) && x.attr(el, "data-doui-done") == "" {
			x.call(el, "setAttribute", "data-doui-done", "1")
			a.queue = append(a.queue, el)
		}
	}
	x.each(x.call(a.doc, "querySelectorAll", "[data-consent]"), take)
	// The loader's held elements that the query cannot see: in shadow
	// roots. (Those no longer in the page stay held.)
	x.each(x.get(a.st, "held"), func(el safejs.Value) {
		if x.boolean(x.get(el, "isConnected")) {
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
			a.runScript(&x, el)
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

// runScript runs held script el. The browser never started it (its type,
// text/plain, kept it from running), so it prepares it again, as one just
// inserted, when it gets a src it did not have or new text: el runs where
// it is, the page's own element, with its attributes, listeners and nonce,
// and no element is created or moved before the tracker's request. (An
// SVG script, whose URL is an href, gets an HTML copy in its place.) One
// the page has taken out before its turn stays out: nothing loads it, and
// the queue goes on (waiting for its load would hold every later one for
// ever).
func (a *app) runScript(x *jsx, el safejs.Value) {
	if !x.boolean(x.get(el, "isConnected")) {
		return
	}
	svg := x.str(x.get(el, "tagName")) != "SCRIPT"
	live, src := el, x.attr(el, "data-src")
	if src == "" {
		src = x.attr(el, "src")
	}
	if svg {
		live, src = a.copyScript(x, el)
	} else if t := x.attr(el, "data-type"); t != "" {
		x.call(el, "setAttribute", "type", t) // e.g. data-type="module"
	} else {
		x.call(el, "removeAttribute", "type")
	}
	if src == "" {
		a.publish() // it runs at once: it may read Consent Mode or the flags
		x.set(live, "text", x.get(el, "text"))
		if svg {
			x.call(el, "replaceWith", live)
		}
		x.call(el, "removeAttribute", "data-type")
		return
	}
	x.set(live, "async", false)
	x.call(live, "removeAttribute", "src")
	var done safejs.Func
	done = a.callback(func([]safejs.Value) {
		done.Release()
		a.waiting = false
		a.next()
	})
	x.call(live, "addEventListener", "load", done)
	x.call(live, "addEventListener", "error", done)
	a.waiting = true
	if a.tt.Type() == safejs.TypeObject {
		x.call(live, "setAttribute", "src", x.call(a.tt, "createScriptURL", src))
	} else {
		x.call(live, "setAttribute", "src", src)
	}
	if svg {
		x.call(el, "replaceWith", live)
	}
	x.call(el, "removeAttribute", "data-src") // what held it, as a copy would not have
	x.call(el, "removeAttribute", "data-type")
	if x.err != nil {
		a.waiting = false
		done.Release()
	}
}

// copyScript makes the HTML copy of held SVG script el that will run, not
// yet in the page and without its URL or text (those are Trusted Types
// sinks: runScript sets them): el's attributes but those that hold it,
// marked as doui's. It returns the URL the copy is to load, "" for an
// inline script.
func (a *app) copyScript(x *jsx, el safejs.Value) (live safejs.Value, src string) {
	live = x.call(a.doc, "createElement", "script")
	x.each(x.get(el, "attributes"), func(at safejs.Value) {
		name := x.str(x.get(at, "name"))
		switch name {
		case "type", "src", "href", "data-src", "data-type", "data-consent", "data-doui-done":
			return
		}
		x.call(live, "setAttribute", name, x.str(x.get(at, "value")))
	})
	if t := x.attr(el, "data-type"); t != "" {
		x.set(live, "type", t) // e.g. data-type="module"
	}
	// The browser hides a nonce attribute after parsing; the property keeps
	// it, and a page whose CSP uses nonces needs it on the copy.
	if n := x.str(x.get(el, "nonce")); n != "" {
		x.set(live, "nonce", n)
	}
	src = x.attr(el, "data-src")
	if src == "" {
		src = x.attr(el, "src")
	}
	x.call(live, "setAttribute", "data-consent", x.attr(el, "data-consent"))
	x.call(live, "setAttribute", "data-doui-done", "1")
	return live, src
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
