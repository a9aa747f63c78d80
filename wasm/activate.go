//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
)

// activate runs the elements held back for the given categories, in
// document order (web/start.js's run: the DOM steps are in JavaScript,
// where they cost a click's tracker no crossing between wasm and
// JavaScript; which categories is banner's decision). An inline script
// publishes the decision before it runs (a.pub).
func (a *app) activate(categories []string) {
	if len(categories) == 0 {
		return
	}
	tt := safejs.Null()
	if a.tt.Type() == safejs.TypeObject {
		tt = a.tt
	}
	if _, err := a.run.Invoke(array(categories), tt, a.pub); err != nil {
		consoleError("doui: activate: " + err.Error())
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
