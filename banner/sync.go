package banner

// Sync is the decision when the stored record changes under a page that is
// already running: another tab of the site saved or withdrew a choice, or
// the page comes back from the back/forward cache after a choice made on
// another page. The stored record r (nil when there is none or it does not
// decode) decides, as at Start; cur is the decision the page ran under
// until now. What the record grants and cur did not is activated; what cur
// granted and the record refuses is withdrawn as if the visitor had done it
// here: its cookies deleted and the page reloaded, since anything may have
// run under the grant (see Effects.Reload).
func Sync(c *Config, cur Decision, r *Record, s Signals, now Millis) (Decision, Effects) {
	d, e := Start(c, r, s, now)
	e.Activate = nil
	for _, id := range d.Granted {
		if !contains(cur.Granted, id) {
			e.Activate = append(e.Activate, id)
		}
	}
	for _, id := range cur.Granted {
		if !contains(d.Granted, id) {
			e.Deactivate = append(e.Deactivate, id)
		}
	}
	if len(e.Deactivate) > 0 {
		e.Reload = true
		e.DeleteCookies = RefusedCookies(c, d.Granted)
	}
	return d, e
}
