package live

import (
	"log/slog"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build"
)

// Default data-change timings (config rebuild.debounce and rebuild.max_wait).
const (
	DefaultDebounce = time.Second
	DefaultMaxWait  = 5 * time.Second
)

// DefaultSettle is how long a build that failed on changed files waits for
// more file changes before it reports the error (WithSettle): the watcher's
// quiet period for a burst of several files.
const DefaultSettle = 100 * time.Millisecond

// DefaultCountsCooldown is the factor k of WithCountsCooldown: a count
// rebuild that took D is followed by at least 2×D of rest, so a like storm
// spends at most a third of the time rebuilding.
const DefaultCountsCooldown = 2.0

// Result is one finished build.
type Result struct {
	Seq   int  // 1 for the first reported build of the worker (see WithSettle)
	Full  bool // a full Build (start, config change, lost events) rather than a Rebuild
	Due   bool // started because a scheduled page's date came (possibly with other work)
	Files []string
	Data  []beforetrip.Change
	// Build is the builder's report; nil when Err is set.
	Build *build.Result
	// Err is why the build failed (build.Errors for invalid content). The
	// output folder still holds the last good site.
	Err error
	// Since is when the earliest change this build covers happened (for
	// file changes, the first file-system event); Started and Done frame
	// the build itself.
	Since, Started, Done time.Time
}

// DataOnly reports whether the build was caused only by data changes from
// the API (no file, config or full build).
func (r Result) DataOnly() bool {
	return !r.Full && len(r.Files) == 0 && len(r.Data) > 0
}

// Changed returns the output paths the build wrote or removed.
func (r Result) Changed() []string {
	if r.Build == nil {
		return nil
	}
	return append(append([]string(nil), r.Build.Written...), r.Build.Removed...)
}

// Option configures a Worker.
type Option func(*Worker)

// WithDebounce sets how long data changes wait after the last one.
func WithDebounce(d time.Duration) Option { return func(w *Worker) { w.debounce = d } }

// WithMaxWait bounds how long data changes wait after the first one.
func WithMaxWait(d time.Duration) Option { return func(w *Worker) { w.maxWait = d } }

// WithCountsCooldown sets k of the duty cycle that keeps count rebuilds
// from crowding out the API: after a data-only build that took D, a build
// whose pending changes are all like and comment counts starts no sooner
// than k×D after it ended, even when the debounce would start it earlier,
// but never later than the max wait after the first of them (the bound on
// how stale a count may get stays the one configured). A like storm over thousands of pages re-renders each of
// them (seconds of CPU and hundreds of megabytes written, which also slows
// every fsync of the store), so without a rest the API would share the
// machine with rebuilds back to back. File, config and reader review
// changes are not held back. 0 turns the rest off; default
// DefaultCountsCooldown.
func WithCountsCooldown(k float64) Option {
	return func(w *Worker) { w.countsCooldown = max(k, 0) }
}

// WithSettle sets how long a build that failed on changed files waits for
// more file changes before it reports the error. A file caught while it is
// being written (a tool that writes in pieces, the first file of a git
// checkout seen between its creation and its bytes) fails the build as an
// empty or truncated page; the rest of the write arrives as another change
// moments later. If one comes within d, the failed build is dropped
// unreported and the worker builds again with both, so editors and open
// tabs never see an error the next build takes back. 0 reports at once;
// default DefaultSettle.
func WithSettle(d time.Duration) Option { return func(w *Worker) { w.settle = max(d, 0) } }

// WithLogger sets the logger (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(w *Worker) { w.log = l } }

// WithHook adds a function called after every build, in order, on the
// worker's goroutine and before subscribers hear of it: reloading the API's
// page index, telling browser tabs. It must not call back into the worker
// synchronously.
func WithHook(f func(Result)) Option { return func(w *Worker) { w.hooks = append(w.hooks, f) } }

// NewBuilder makes a builder from the current configuration. The worker
// calls it at start and after every config change.
type NewBuilder func() (*build.Builder, error)
