package banner

// Begin is a page's first decision when the engine starts: the stored
// record r decides (Start), unless the visitor made a choice before the
// engine was ready. pending is the loader's raw record of that choice ("" if
// none; see DecodePending); when Resume accepts it, it is applied over the
// stored decision as if the engine had been there at the click, and dated
// then. made is the record to store for it, nil when nothing was chosen.
//
// Nothing has run on the page yet, so Effects.Activate is every granted
// category (required ones included) and Reload is false, whatever the
// stored record granted before: a refusal clicked before the engine never
// lets a stored grant run first.
func Begin(c *Config, r *Record, pending string, s Signals, now Millis, id string) (d Decision, made *Record, e Effects) {
	d, e = Start(c, r, s, now)
	if pending == "" {
		return d, nil, e
	}
	p, err := DecodePending(pending)
	if err != nil {
		return d, nil, e
	}
	a, at, ok := Resume(c, p, r, now)
	if !ok {
		return d, nil, e
	}
	d, rec, e := Apply(c, d, a, at, id)
	e.Activate = d.Granted
	e.Deactivate = nil
	e.Reload = false
	return d, &rec, e
}
