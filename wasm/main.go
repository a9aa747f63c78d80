//go:build js && wasm

// Command wasm is doui's browser side, built with GOOS=js GOARCH=wasm. It
// takes over from the loader (doui.js; window.__doui, the hand-over between
// them, is documented at the top of web/loader.js): reads the config and
// what the visitor did before it arrived, asks package banner for every
// decision, and carries banner's Effects out in the DOM: hides the banner,
// stores the record, runs the trackers the visitor allowed, deletes the
// cookies of the ones withdrawn. It decides nothing itself. It never imports
// policyjson or encoding/json: every byte here is downloaded by every
// visitor who makes a choice.
package main

import (
	"errors"

	"github.com/doui-consent/doui/banner"
	"github.com/hack-pad/safejs"
)

func main() {
	// Go's runtime start, with the browser compiling each of its functions
	// at its first call, is a long task by itself on a phone's CPU; the
	// engine's own start goes on in a later task (a repeat visit at 4×
	// CPU, 8 alternate visits each: go.run's task 205 → 150 ms median,
	// total blocking time 506 → 431 ms). The loader answers clicks
	// meanwhile.
	yield()
	a, err := newApp()
	if err != nil {
		// Fail closed: nothing was activated, the loader's banner stays
		// and answers its controls; st.failed says why, as for a wasm
		// that never came.
		msg := "doui: cannot start: " + err.Error()
		consoleError(msg)
		if st, err := safejs.Global().Get("__doui"); err == nil && st.Type() == safejs.TypeObject {
			st.Set("failed", msg)
		}
		return
	}
	a.start()
	select {} // the callbacks run on this goroutine's runtime from now on
}

// app is the one value that owns the browser side's state.
type app struct {
	win, doc, st safejs.Value // window, document, window.__doui
	cfg          banner.Config
	lang         string
	dec          banner.Decision // the decision in force on this page
	id           string          // consent id of the stored record, kept across changes
	stored       string          // the stored record as this page last read or wrote it
	run          safejs.Value    // web/start.js's run: activation's DOM steps
	pub          safejs.Func     // calls publish: run calls it before an inline script
	opener       safejs.Value    // what had focus when the preferences opened
	root         safejs.Value    // the loader's markup root
	tt           safejs.Value    // the doui-engine Trusted Types policy, if the page has Trusted Types
	unpublished  *banner.Effects // effects of the decision being carried out, until publish hands them on
}

func newApp() (*app, error) {
	var x jsx
	a := &app{win: safejs.Global(), opener: safejs.Null()}
	a.doc = x.get(a.win, "document")
	a.st = x.get(a.win, "__doui")
	// run stays in Go's hands only (start.js made it for the wasm).
	a.run = x.get(a.st, "r")
	x.set(a.st, "r", safejs.Undefined())
	if a.run.Type() != safejs.TypeFunction && x.err == nil {
		return nil, errors.New("window.__doui.r (web/start.js's run) is missing")
	}
	a.pub = a.callback(func([]safejs.Value) { a.publish() })
	a.cfg = readConfig(&x, x.get(x.get(x.get(a.st, "D"), "e"), "c"))
	a.lang = x.str(x.get(a.st, "lang"))
	if x.err != nil {
		return nil, x.err
	}
	// From now on the loader queues clicks for the engine instead of
	// answering them itself. Not before: an engine that cannot start
	// leaves the loader answering them.
	x.set(a.st, "e", true)
	return a, x.err
}

// readConfig reads the banner.Config the server wrote into doui.js; the
// field names are the JSON tags of banner.Config.
func readConfig(x *jsx, c safejs.Value) banner.Config {
	cfg := banner.Config{
		Fingerprint:  x.str(x.get(c, "fp")),
		Version:      x.str(x.get(c, "ver")),
		LifetimeDays: x.integer(x.get(c, "days")),
		GPC:          x.boolean(x.get(c, "gpc")),
	}
	x.each(x.get(c, "cats"), func(cv safejs.Value) {
		cat := banner.Category{
			ID:          x.str(x.get(cv, "id")),
			Required:    x.boolean(x.get(cv, "req")),
			ConsentMode: x.strings(x.get(cv, "cm")),
		}
		x.each(x.get(cv, "svc"), func(sv safejs.Value) {
			svc := banner.Service{
				Name:           x.str(x.get(sv, "name")),
				Hosts:          x.strings(x.get(sv, "hosts")),
				MeasurementIDs: x.strings(x.get(sv, "ga")),
			}
			x.each(x.get(sv, "cookies"), func(kv safejs.Value) {
				svc.Cookies = append(svc.Cookies, banner.Cookie{
					Name:   x.str(x.get(kv, "name")),
					Domain: x.str(x.get(kv, "domain")),
					Path:   x.str(x.get(kv, "path")),
				})
			})
			cat.Services = append(cat.Services, svc)
		})
		cfg.Categories = append(cfg.Categories, cat)
	})
	return cfg
}

// start makes the page's first decision, carries it out, and replaces the
// loader's command queue with the API, replaying what was queued. A choice
// the visitor made before the engine was ready (the loader's raw record of
// it, from this page or the previous one) is part of that first decision:
// nothing stored runs before it is taken into account.
func (a *app) start() {
	var x jsx
	defer x.report("start")
	var rec *banner.Record
	a.stored = x.str(x.get(a.st, "rec"))
	if r, err := banner.Decode(a.stored); err == nil {
		rec = &r
		a.id = r.ID
	}
	if a.id == "" {
		a.id = a.randomID()
	}
	nav := x.get(a.win, "navigator")
	gpc := x.boolean(x.get(nav, "globalPrivacyControl"))
	pending := x.str(x.get(a.st, "p"))
	dec, made, eff := banner.Begin(&a.cfg, rec, pending, banner.Signals{GPC: gpc}, a.now(), a.id)
	a.dec = dec
	if pending != "" {
		x.set(a.st, "p", "")
		if ss := a.storageGet(a.win, "sessionStorage"); ss.Type() == safejs.TypeObject {
			ss.Call("removeItem", "doui-p")
		}
	}
	a.trustedTypes()
	a.root = a.waitRoot()
	a.render()
	a.listenDialog()
	// The first DOM work is a task's worth; give the page a turn before
	// the rest (clicks meanwhile stay queued).
	yield()
	a.carryOut(eff, made)
	a.warm()
	a.watchAdded()
	a.watchStored()
	a.installAPI()
	a.checkPlacement()
}

// warm runs, on throwaway values, the code a click on "accept" runs
// before its tracker's request that the engine's start may not have run:
// the browser compiles a wasm function at its first call, which put ~10 ms
// between a click and its tracker before this existed. Nothing here
// changes any state: ParseAction and Apply are pure, and no element
// carries the category "\x00".
func (a *app) warm() {
	action, _ := banner.ParseAction("accept-all", nil)
	_, rec, _ := banner.Apply(&a.cfg, a.dec, action, a.now(), a.id)
	_ = rec.Encode()
	a.activate([]string{"\x00"})
}

// yield lets the browser run other tasks (input, paint) and resumes in a
// later one. Only for main and start: it blocks the goroutine, which must
// not be a JS callback's.
func yield() {
	done := make(chan struct{})
	fn, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		close(done)
		return nil
	})
	if err != nil {
		return
	}
	defer fn.Release()
	if _, err := safejs.Global().Call("setTimeout", fn, 0); err == nil {
		<-done
	}
}

// waitRoot returns the loader's markup root. The loader inserts it as soon
// as <body> exists, which is normally long before the wasm arrives; if the
// wasm won the race, render() is repeated when the root appears.
func (a *app) waitRoot() safejs.Value {
	var x jsx
	defer x.report("waitRoot")
	root := x.get(a.st, "root")
	if !root.IsUndefined() && !root.IsNull() {
		return root
	}
	var fn safejs.Func
	fn = a.callback(func([]safejs.Value) {
		var x jsx
		defer x.report("waitRoot (DOMContentLoaded)")
		r := x.get(a.st, "root")
		if r.IsUndefined() || r.IsNull() {
			return
		}
		a.root = r
		a.render()
		a.listenDialog()
		fn.Release()
	})
	x.call(a.doc, "addEventListener", "DOMContentLoaded", fn)
	return safejs.Null()
}

// render shows the state of a.dec: banner, GPC notes, toggles, the reopen
// button.
func (a *app) render() {
	if a.root.IsNull() {
		return
	}
	var x jsx
	defer x.report("render")
	view := banner.MakeView(&a.cfg, a.dec)
	x.set(a.query("banner"), "hidden", !view.ShowBanner)
	x.each(x.call(a.root, "querySelectorAll", `[data-doui="gpc-note"]`), func(el safejs.Value) {
		x.set(el, "hidden", !view.GPCNote)
	})
	// An open dialog shows what the visitor ticked, not yet saved.
	if !x.boolean(x.get(a.query("preferences"), "open")) {
		a.setToggles(view)
	}
	// The small reopen button shows only when the page has no
	// "Cookie settings" link of its own and the banner is not up.
	own := false
	x.each(x.call(a.doc, "querySelectorAll", `[data-doui-action="preferences"]`), func(el safejs.Value) {
		inside := x.call(a.root, "contains", el)
		if b, _ := inside.Bool(); !b {
			own = true
		}
	})
	x.set(a.query("reopen"), "hidden", own || view.ShowBanner)
}

func (a *app) setToggles(view banner.View) {
	var x jsx
	defer x.report("setToggles")
	for _, t := range view.Toggles {
		el := x.call(a.root, "querySelector", `input[data-doui-category="`+t.ID+`"]`)
		if el.IsNull() || el.IsUndefined() {
			continue
		}
		x.set(el, "checked", t.On)
		x.set(el, "disabled", t.Locked)
	}
}

// query finds one of doui's own elements by its data-doui hook.
func (a *app) query(hook string) safejs.Value {
	var x jsx
	el := x.call(a.root, "querySelector", `[data-doui="`+hook+`"]`)
	if x.err != nil || el.IsNull() {
		return safejs.Undefined()
	}
	return el
}

// randomID makes a consent id from crypto.getRandomValues.
func (a *app) randomID() string {
	var x jsx
	u8 := x.get(a.win, "Uint8Array")
	arr, err := u8.New(16)
	if err != nil {
		return ""
	}
	x.call(x.get(a.win, "crypto"), "getRandomValues", arr)
	b := make([]byte, 16)
	if _, err := safejs.CopyBytesToGo(b, arr); err != nil || x.err != nil {
		return ""
	}
	return banner.NewID(b)
}

// now is the browser's clock, Date.now(). Package time stays out of the
// wasm (see banner.Millis); a clock that cannot be read is 0, which makes
// every stored record look made in the future: asked again, fail closed.
func (a *app) now() banner.Millis {
	var x jsx
	ms, err := x.call(x.get(a.win, "Date"), "now").Float()
	if err != nil || x.err != nil {
		return 0
	}
	return banner.Millis(ms)
}

func consoleError(msg string) {
	console, err := safejs.Global().Get("console")
	if err == nil {
		console.Call("error", msg)
	}
}

// trustedTypes makes doui-engine, the Trusted Types policy through which
// the engine gives a held script its URL on a page that enforces Trusted
// Types (it refuses a plain string there). Only a URL whose host the policy
// lists for a category granted now passes; anything else becomes "",
// which loads nothing: the policy lets nothing through that the admin did
// not declare, so it is no gadget for an injected script. Held inline
// scripts have no such check and do not run on such a page (reported on
// the console). The policy object stays in Go, out of the page's reach.
func (a *app) trustedTypes() {
	var x jsx
	defer x.report("trustedTypes")
	tt := x.get(a.win, "trustedTypes")
	if tt.Type() != safejs.TypeObject {
		return
	}
	// Only a page that enforces them needs the policy (elsewhere a script
	// from any host runs as the page marked it): a plain string given to a
	// detached script's src is refused exactly there (and loads nothing).
	probe := x.call(a.doc, "createElement", "script")
	if x.err != nil {
		return
	}
	if _, err := probe.Call("setAttribute", "src", "about:blank"); err == nil {
		return
	}
	check := a.returning(func(args []safejs.Value) any {
		var x jsx
		defer x.report("trustedTypes (createScriptURL)")
		if len(args) == 0 {
			return ""
		}
		url := x.str(args[0])
		if id, ok := banner.URLCategory(&a.cfg, url); ok && a.dec.Grants(id) {
			return url
		}
		return ""
	})
	opts, err := safejs.ValueOf(map[string]any{})
	if err != nil {
		return
	}
	x.set(opts, "createScriptURL", check)
	// A page whose CSP does not list doui-engine refuses the name: held
	// scripts then fail to run there, and say so.
	if p, err := tt.Call("createPolicy", "doui-engine", opts); err == nil {
		a.tt = p
	} else {
		consoleError("doui: Trusted Types: cannot create the policy doui-engine (add it to the CSP's trusted-types): " + err.Error())
	}
}
