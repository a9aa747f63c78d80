//go:build js && wasm

package main

import (
	"strconv"
	"strings"

	"github.com/doui-consent/doui/banner"
	"github.com/hack-pad/safejs"
)

// callback wraps fn for JavaScript: a panic in Go is reported to
// console.error instead of killing the runtime (after which every later
// click would throw), and the page keeps its trackers blocked.
func (a *app) callback(fn func(args []safejs.Value)) safejs.Func {
	return a.returning(func(args []safejs.Value) any {
		fn(args)
		return nil
	})
}

// returning is callback for functions whose result JavaScript reads; after
// a panic the result is undefined.
func (a *app) returning(fn func(args []safejs.Value) any) safejs.Func {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				msg := "doui: internal error"
				if e, ok := r.(error); ok {
					msg += ": " + e.Error()
				} else if s, ok := r.(string); ok {
					msg += ": " + s
				}
				consoleError(msg)
				result = nil
			}
		}()
		return fn(args)
	})
	if err != nil {
		consoleError("doui: " + err.Error())
	}
	return f
}

// installAPI replaces the loader's queue (an array) with the API object and
// runs what was queued, in order. These functions live as long as the page,
// so they are never released.
func (a *app) installAPI() {
	var x jsx
	defer x.report("installAPI")
	queued := x.get(a.win, "doui")
	api, err := safejs.ValueOf(map[string]any{})
	if err != nil {
		return
	}
	// push goes through web/start.js's armed path first (see arm).
	x.set(api, "push", x.call(a.run, "push", a.callback(func(args []safejs.Value) {
		for _, cmd := range args {
			a.command(cmd)
		}
	})))
	x.set(api, "open", a.callback(func([]safejs.Value) { a.openPreferences() }))
	x.set(api, "close", a.callback(func([]safejs.Value) { a.closePreferences() }))
	x.set(api, "consent", a.returning(func([]safejs.Value) any { return array(a.dec.Granted) }))
	x.set(api, "accept", a.callback(func(args []safejs.Value) {
		if len(args) == 0 {
			a.act(banner.Action{Kind: banner.AcceptAll})
			return
		}
		var cats []string
		for _, v := range args {
			if v.Type() == safejs.TypeObject { // doui.accept(['analytics', 'media'])
				cats = append(cats, x.strings(v)...)
			} else {
				cats = append(cats, x.str(v))
			}
		}
		a.act(banner.Action{Kind: banner.Allow, Categories: cats})
	}))
	x.set(api, "reject", a.callback(func([]safejs.Value) { a.act(banner.Action{Kind: banner.RejectAll}) }))
	x.set(api, "withdraw", a.callback(func([]safejs.Value) { a.act(banner.Action{Kind: banner.Withdraw}) }))
	x.set(api, "ready", true)
	x.set(a.win, "doui", api)
	// An empty push compiles it: the first click goes through it.
	x.call(api, "push")
	x.each(queued, func(cmd safejs.Value) { a.command(cmd) })
}

// command runs one queued command: [action, element?], or a function
// (called once doui is ready, like gtag's queue).
func (a *app) command(cmd safejs.Value) {
	var x jsx
	defer x.report("command")
	if cmd.Type() == safejs.TypeFunction {
		cmd.Invoke()
		return
	}
	name := x.str(x.call(cmd, "at", 0))
	switch name {
	case "preferences", "open":
		a.openPreferences()
	case "close":
		a.closePreferences()
	case "lang":
		// The loader has put the other language's words into the same
		// elements; show the state again in them.
		a.lang = x.str(x.get(a.st, "lang"))
		a.render()
		if x.boolean(x.get(a.query("preferences"), "open")) {
			a.setToggles(banner.MakeView(&a.cfg, a.dec))
		}
	default:
		// What the visitor ticked or which embed they allowed; banner says
		// what it means.
		var cats []string
		switch name {
		case "save":
			cats = a.checked()
		case "allow":
			cats = []string{x.attr(x.call(cmd, "at", 1), "data-doui-category")}
		}
		if action, ok := banner.ParseAction(name, cats); ok {
			a.act(action)
		}
	}
}

// checked lists the categories switched on in the preferences.
func (a *app) checked() []string {
	var x jsx
	defer x.report("checked")
	var out []string
	x.each(x.call(a.root, "querySelectorAll", "input[data-doui-category]"), func(el safejs.Value) {
		if x.boolean(x.get(el, "checked")) {
			out = append(out, x.attr(el, "data-doui-category"))
		}
	})
	return out
}

// act applies a visitor's action, taken now, and carries out its effects.
func (a *app) act(action banner.Action) {
	dec, rec, eff := banner.Apply(&a.cfg, a.dec, action, a.now(), a.id)
	a.dec = dec
	a.carryOut(eff, &rec)
}

// carryOut does what banner's Effects say, and stores rec, the record of
// the choice made (nil at a start without one). Trackers come first: a
// click on "accept" reaches the tracker's request before the decision is
// published, the record written or any of doui's own DOM work. That
// order is safe because what carryOut inserts runs later: an external
// script runs once it has loaded, in a later task, when all of this is
// done. Only an inline script runs at once, and activate publishes the
// decision before it inserts one.
func (a *app) carryOut(eff banner.Effects, rec *banner.Record) {
	var x jsx
	defer x.report("carryOut")
	a.unpublished = &eff
	if !eff.Reload {
		a.activate(eff.Activate)
	}
	a.publish()
	how := "stored"
	if rec != nil {
		a.store(*rec)
		how = rec.Method.String()
	}
	// A choice closes the dialog; the engine's start leaves open what the
	// visitor opened before it.
	if how != "stored" {
		a.closePreferences()
	}
	a.render()
	a.deleteCookies(eff.DeleteCookies)
	if how != "stored" {
		a.announce(eff.Granted)
	}
	a.dispatch(how)
	a.arm()
	if eff.Reload {
		// A fresh load of the page, not location.reload(): on a reload
		// Firefox gives each frame back the URL it last had, which would
		// fetch a frame that is held again now. The fragment goes: a URL
		// that differs from this one only there would not load anything.
		loc := x.get(a.win, "location")
		href, _, _ := strings.Cut(x.str(x.get(loc, "href")), "#")
		x.call(loc, "replace", href)
	}
}

// arm gives web/start.js's run what "accept all" would activate under the
// decision now in force (banner.Apply, pure, answers it now as it would at
// the click): a push of ["accept-all"] then starts those elements before
// the command enters Go, where act decides it again and finds them done.
// Every change of a.dec goes through carryOut, which calls arm, so what is
// armed is never a stale decision's. Not armed on a page that enforces
// Trusted Types (the policy's check reads a.dec, which is the old one at
// that moment) nor when the page is about to reload.
func (a *app) arm() {
	var armed any
	if a.tt.Type() != safejs.TypeObject {
		_, _, eff := banner.Apply(&a.cfg, a.dec, banner.Action{Kind: banner.AcceptAll}, 0, a.id)
		if len(eff.Activate) > 0 && !eff.Reload {
			armed = array(eff.Activate)
		}
	}
	if _, err := a.run.Call("arm", armed); err != nil {
		consoleError("doui: arm: " + err.Error())
	}
}

// publish hands the granted categories of the decision carryOut is
// carrying out to everything that reads them: the loader's host blocker
// and placeholders, the GA opt-out flags, Consent Mode and Tag Manager, as
// far as its effects say. Once: later calls do nothing.
func (a *app) publish() {
	if a.unpublished == nil {
		return
	}
	eff := *a.unpublished
	a.unpublished = nil
	var x jsx
	defer x.report("publish")
	x.set(a.st, "granted", array(eff.Granted))
	for _, f := range eff.GADisable {
		x.set(a.win, "ga-disable-"+f.ID, f.Disable)
	}
	if eff.ConsentMode != nil {
		cm := map[string]any{}
		for _, u := range eff.ConsentMode {
			cm[u.Type] = u.Value
		}
		if gtag := x.get(a.win, "gtag"); gtag.Type() == safejs.TypeFunction {
			gtag.Invoke("consent", "update", cm)
		}
	}
	if eff.Notify {
		if dl := x.get(a.win, "dataLayer"); dl.Type() == safejs.TypeObject {
			x.call(dl, "push", map[string]any{"event": "doui_consent_update", "doui_granted": array(eff.Granted)})
		}
	}
}

// store writes the record to the cookie and its localStorage mirror. On
// https the cookie is __Host-doui: the browser refuses one set with a
// Domain or a Path other than /, so no sibling subdomain or other path can
// plant or shadow it (the loader reads only that one, then localStorage).
// On http it is doui, for the site's server to read; doui itself reads the
// mirror there. If both are blocked the choice holds for this page and the
// visitor is asked again on the next one, which fails closed.
func (a *app) store(rec banner.Record) {
	var x jsx
	defer x.report("store")
	v := rec.Encode()
	a.stored = v
	cookie := "doui=" + v + "; Path=/; Max-Age=" + strconv.Itoa(a.cfg.LifetimeDays*86400) + "; SameSite=Lax"
	if x.str(x.get(x.get(a.win, "location"), "protocol")) == "https:" {
		cookie = "__Host-" + cookie + "; Secure"
	}
	a.setCookie(cookie)
	ls := a.storageGet(a.win, "localStorage")
	if ls.Type() == safejs.TypeObject {
		ls.Call("setItem", "doui", v) // a thrown QuotaExceededError is returned, not raised
	}
}

// storageGet reads a property whose getter may throw (document.cookie and
// localStorage throw SecurityError where storage is blocked). It goes
// through Reflect.get: syscall/js turns an exception thrown by a called
// function into an error, but one thrown by a property getter escapes
// the Go runtime and kills it.
func (a *app) storageGet(v safejs.Value, p string) safejs.Value {
	reflect, err := a.win.Get("Reflect")
	if err != nil {
		return safejs.Undefined()
	}
	r, err := reflect.Call("get", v, p)
	if err != nil {
		return safejs.Undefined()
	}
	return r
}

// setCookie writes document.cookie through Reflect.set, for the same reason.
func (a *app) setCookie(c string) {
	if reflect, err := a.win.Get("Reflect"); err == nil {
		reflect.Call("set", a.doc, "cookie", c)
	}
}

// deleteCookies removes every cookie of a refused service, on every domain
// and path it may have been set with.
func (a *app) deleteCookies(cookies []banner.Cookie) {
	if len(cookies) == 0 {
		return
	}
	var x jsx
	defer x.report("deleteCookies")
	loc := x.get(a.win, "location")
	host, path := x.str(x.get(loc, "hostname")), x.str(x.get(loc, "pathname"))
	var present []string
	for _, kv := range strings.Split(x.str(a.storageGet(a.doc, "cookie")), ";") {
		// document.cookie separates pairs with "; ": ASCII trimming is enough
		// (strings.TrimSpace would bring in the Unicode tables).
		if name, _, ok := strings.Cut(strings.TrimLeft(kv, " "), "="); ok {
			present = append(present, name)
		}
	}
	for _, ck := range cookies {
		domains, paths := banner.CookieTargets(ck, host, path)
		for _, name := range present {
			if !banner.MatchCookie(ck.Name, name) {
				continue
			}
			for _, d := range domains {
				for _, p := range paths {
					c := name + "=; Max-Age=0; Path=" + p
					if d != "" {
						c += "; Domain=" + d
					}
					a.setCookie(c)
				}
			}
		}
	}
}

// announce tells screen-reader users what was saved (a polite live region).
func (a *app) announce(granted []string) {
	var x jsx
	defer x.report("announce")
	msg := a.text("saved") + " "
	var labels []string
	for _, id := range granted {
		if c, ok := a.cfg.Category(id); ok && !c.Required {
			labels = append(labels, a.text("cat:"+id))
		}
	}
	if len(labels) == 0 {
		msg += a.text("savedNone")
	} else {
		msg += a.text("savedGranted") + strings.Join(labels, ", ")
	}
	x.set(a.query("status"), "textContent", msg)
}

// text is one of the interface strings the server put into doui.js.
func (a *app) text(key string) string {
	var x jsx
	defer x.report("text")
	return x.str(x.get(x.get(x.get(x.get(x.get(a.st, "D"), "e"), "t"), a.lang), key))
}

// dispatch fires doui:consent on window with the granted categories.
func (a *app) dispatch(how string) {
	var x jsx
	defer x.report("dispatch")
	ctor := x.get(a.win, "CustomEvent")
	detail := map[string]any{"granted": array(a.dec.Granted), "method": how, "gpc": a.dec.GPC, "fingerprint": a.cfg.Fingerprint}
	ev, err := ctor.New("doui:consent", map[string]any{"detail": detail})
	if err != nil {
		return
	}
	x.call(a.win, "dispatchEvent", ev)
}

// openPreferences shows the preferences as a modal dialog (native <dialog>:
// focus moves in, Tab stays in, Escape closes) and remembers what had focus.
func (a *app) openPreferences() {
	var x jsx
	defer x.report("openPreferences")
	dlg := a.query("preferences")
	if dlg.IsUndefined() || x.boolean(x.get(dlg, "open")) {
		return
	}
	a.setToggles(banner.MakeView(&a.cfg, a.dec))
	a.opener = x.get(a.doc, "activeElement")
	// It focuses the first choice that is not locked (only required ones
	// are, and the first other one carries autofocus: server/bundle.go),
	// not the close button.
	x.call(dlg, "showModal")
}

func (a *app) closePreferences() {
	var x jsx
	defer x.report("closePreferences")
	dlg := a.query("preferences")
	if dlg.IsUndefined() || !x.boolean(x.get(dlg, "open")) {
		return
	}
	x.call(dlg, "close")
}

// restoreFocus runs on the dialog's close event (button, Escape or a
// choice) and gives focus back to what opened it. When a choice hid the
// opener (the banner's button), focus goes to the reopen button if it is
// shown; otherwise the browser puts it back at the start of the page.
func (a *app) restoreFocus() {
	var x jsx
	defer x.report("restoreFocus")
	if a.opener.Type() == safejs.TypeObject && x.boolean(x.get(a.opener, "isConnected")) && x.boolean(x.call(a.opener, "checkVisibility")) {
		x.call(a.opener, "focus")
	} else if re := a.query("reopen"); !re.IsUndefined() && !x.boolean(x.get(re, "hidden")) {
		x.call(re, "focus")
	}
	a.opener = safejs.Null()
}

// listenDialog wires the preferences dialog's close event. The dialog
// element lives as long as the page (a language switch replaces its
// content, not the element), and so does the listener.
func (a *app) listenDialog() {
	var x jsx
	defer x.report("listenDialog")
	dlg := a.query("preferences")
	if dlg.IsUndefined() {
		return
	}
	x.call(dlg, "addEventListener", "close", a.callback(func([]safejs.Value) { a.restoreFocus() }))
}
