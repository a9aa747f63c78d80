package banner

// Millis is a moment as Unix milliseconds, like JavaScript's Date.now(),
// which is where the wasm gets the clock; as a length of time it is a number
// of milliseconds (FutureSkew, PendingMaxAge).
//
// banner keeps clear of package time on purpose: on js/wasm, importing it at
// all costs the wasm about 37 KB brotli (it pulls internal/godebug, runtime
// metrics, sync.Map and syscall's JavaScript file system), and every visitor
// who makes a choice downloads the wasm. The engine only compares moments
// and adds whole seconds, minutes and days, which plain integers do exactly.
//
// Every Millis that can come from outside (a cookie, the loader's
// sessionStorage) is bounded by Decode and DecodePending to below 10^15
// (the year 33000), so the sums banner forms with them and the clock (a
// moment plus at most 100 years) never overflow.
type Millis int64

// Units of Millis.
const (
	Second Millis = 1000
	Minute        = 60 * Second
	Day           = 24 * 60 * Minute
)

// floorSecond rounds m down to a whole second, as time.Time's Unix and
// Truncate did when banner used them: Go's / rounds toward zero, which
// before 1970 would round up.
func floorSecond(m Millis) Millis {
	r := m % Second
	if r < 0 {
		r += Second
	}
	return m - r
}
