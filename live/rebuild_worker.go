package live

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build"
)

// Worker runs builds one at a time on one goroutine (Run), which owns the
// builder. Everything else only queues work, without blocking: file changes
// (FilesChanged, built at once: editors want instant feedback), config
// changes (a new builder and a full build) and data changes announced by the
// API (Notify: debounced and coalesced into one incremental build).
type Worker struct {
	newBuilder     NewBuilder
	debounce       time.Duration
	maxWait        time.Duration
	countsCooldown float64
	settle         time.Duration
	log            *slog.Logger
	hooks          []func(Result)
	wake           chan struct{}

	mu        sync.Mutex
	pending   job
	dataFirst time.Time // first and last data change of the pending batch
	dataLast  time.Time
	// countsRest is when the rest after the last data-only build ends
	// (WithCountsCooldown).
	countsRest time.Time
	subs       map[chan Result]struct{}
}

// NewWorker returns a worker whose first build, when Run starts, is a full
// build with a builder from newBuilder.
func NewWorker(newBuilder NewBuilder, opts ...Option) *Worker {
	w := &Worker{
		newBuilder:     newBuilder,
		debounce:       DefaultDebounce,
		maxWait:        DefaultMaxWait,
		countsCooldown: DefaultCountsCooldown,
		settle:         DefaultSettle,
		log:            slog.Default(),
		wake:           make(chan struct{}, 1),
		subs:           map[chan Result]struct{}{},
	}
	for _, o := range opts {
		o(w)
	}
	if w.maxWait < w.debounce {
		w.maxWait = w.debounce
	}
	w.pending.newBuilder = true
	w.pending.full = true
	w.pending.at(time.Now())
	return w
}

// Notify queues a data change from the API. It never blocks.
func (w *Worker) Notify(c beforetrip.Change) {
	now := time.Now()
	w.mu.Lock()
	if len(w.pending.data) == 0 {
		w.dataFirst = now
	}
	w.dataLast = now
	w.pending.addData(c)
	w.pending.at(now)
	w.mu.Unlock()
	w.signal()
}

// FilesChanged queues changed paths under the content or theme folder;
// they are built as soon as the worker is free. at is when the first
// file-system event of the batch arrived.
func (w *Worker) FilesChanged(paths []string, at time.Time) {
	if len(paths) == 0 {
		return
	}
	w.mu.Lock()
	for _, p := range paths {
		w.pending.addFile(p)
	}
	w.pending.at(at)
	w.mu.Unlock()
	w.signal()
}

// ConfigChanged queues a new builder (the config is read again by the
// NewBuilder function) and a full build.
func (w *Worker) ConfigChanged(at time.Time) {
	w.mu.Lock()
	w.pending.newBuilder = true
	w.pending.full = true
	w.pending.at(at)
	w.mu.Unlock()
	w.signal()
}

// RebuildAll queues a full build with the current builder (used when the
// watcher lost events).
func (w *Worker) RebuildAll(at time.Time) {
	w.mu.Lock()
	w.pending.full = true
	w.pending.at(at)
	w.mu.Unlock()
	w.signal()
}

// Pending reports the work queued and not yet built: changed files and
// data changes, and whether a full build is due. Once Run has returned it
// is what the next start's full build covers (shutdown logs it).
func (w *Worker) Pending() (files, data int, full bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending.files), len(w.pending.data), w.pending.full
}

func (w *Worker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Subscribe returns a channel that receives every build result from now on,
// and a function to stop. A subscriber that falls 64 results behind misses
// results rather than holding up builds.
func (w *Worker) Subscribe() (<-chan Result, func()) {
	ch := make(chan Result, 64)
	w.mu.Lock()
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

// take removes the work that is due from the queue. When only debounced
// data changes wait, it returns no job and when they become due: after
// the debounce or the max wait, and for count changes alone not before
// the rest after the last data-only build.
func (w *Worker) take(now time.Time) (job, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := &w.pending
	if p.empty() {
		return job{}, time.Time{}
	}
	if !p.newBuilder && !p.full && !p.due && len(p.files) == 0 {
		due := w.dataLast.Add(w.debounce)
		maxDue := w.dataFirst.Add(w.maxWait)
		if maxDue.Before(due) {
			due = maxDue
		}
		if !p.reviews && w.countsRest.After(due) {
			due = w.countsRest
			if maxDue.Before(due) {
				due = maxDue
			}
		}
		if now.Before(due) {
			return job{}, due
		}
	}
	j := *p
	*p = job{}
	return j, time.Time{}
}

// Run builds until ctx is done. A build in progress when ctx ends is
// finished (its files are half published otherwise) before Run returns.
func (w *Worker) Run(ctx context.Context) error {
	var (
		b     *build.Builder
		seq   int
		carry job // work of failed builds, retried with the next one
		// publish is when the earliest page the last build held back
		// (a future date) is due: the worker rebuilds then by itself.
		publish time.Time
	)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		if !publish.IsZero() && !time.Now().Before(publish) {
			w.mu.Lock()
			w.pending.due = true
			w.pending.at(publish)
			w.mu.Unlock()
			publish = time.Time{}
		}
		j, due := w.take(time.Now())
		if j.empty() && b != nil {
			// Idle: what a restart left for the first edit is done now.
			if err := b.PrepareRebuild(); err != nil {
				w.log.Warn("live: preparing the next rebuild", "err", err)
			}
			j, due = w.take(time.Now())
		}
		if j.empty() {
			if !publish.IsZero() && (due.IsZero() || publish.Before(due)) {
				due = publish
			}
			var wait <-chan time.Time
			if !due.IsZero() {
				// At most an hour at a time: timers count monotonic time,
				// which stands still while the machine sleeps, and a
				// schedule is in wall-clock time. The loop looks again.
				timer.Reset(min(time.Until(due), time.Hour))
				wait = timer.C
			}
			select {
			case <-ctx.Done():
				return nil
			case <-w.wake:
			case <-wait:
			}
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		j.merge(carry)
		carry = job{}
		res := w.build(context.WithoutCancel(ctx), &b, j)
		if b != nil {
			publish, _ = b.NextScheduled()
		}
		if res.Err != nil {
			carry = j
			if len(j.files) > 0 && w.filesFollow(ctx) {
				w.log.Debug("live: build failed while files were still changing; building again", "err", res.Err)
				continue
			}
		}
		seq++
		res.Seq = seq
		if res.DataOnly() {
			w.rest(res)
		}
		w.publish(res)
	}
}

// filesFollow waits up to the settle time for more file, config or full
// build work and reports whether any came (WithSettle).
func (w *Worker) filesFollow(ctx context.Context) bool {
	if w.settle <= 0 {
		return false
	}
	timer := time.NewTimer(w.settle)
	defer timer.Stop()
	for {
		w.mu.Lock()
		more := len(w.pending.files) > 0 || w.pending.newBuilder || w.pending.full
		w.mu.Unlock()
		if more {
			return true
		}
		// A wake for a data change is not lost: Run looks at the queue
		// before it waits again.
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return false
		case <-w.wake:
		}
	}
}

// build runs one job, replacing *b when the job asks for a new builder.
func (w *Worker) build(ctx context.Context, b **build.Builder, j job) Result {
	res := Result{Since: j.since, Started: time.Now(), Full: j.full || *b == nil, Due: j.due}
	for f := range j.files {
		res.Files = append(res.Files, f)
	}
	sort.Strings(res.Files)
	for c := range j.data {
		res.Data = append(res.Data, c)
	}
	sort.Slice(res.Data, func(i, k int) bool {
		a, c := res.Data[i], res.Data[k]
		if a.Page != c.Page {
			return a.Page < c.Page
		}
		return a.Kind < c.Kind
	})
	if j.newBuilder || *b == nil {
		nb, err := w.newBuilder()
		if err != nil {
			res.Err, res.Done = err, time.Now()
			return res
		}
		*b = nb
		res.Full = true
	}
	if res.Full {
		res.Build, res.Err = (*b).Build(ctx)
	} else {
		res.Build, res.Err = (*b).Rebuild(ctx, build.Changes{Files: res.Files, Data: res.Data})
	}
	res.Done = time.Now()
	if res.Err != nil {
		res.Build = nil
	}
	return res
}

// rest starts the pause after a data-only build (WithCountsCooldown).
func (w *Worker) rest(res Result) {
	// Clamped to a day: a huge k would overflow the conversion.
	d := time.Duration(min(w.countsCooldown*float64(res.Done.Sub(res.Started)), float64(24*time.Hour)))
	w.mu.Lock()
	w.countsRest = res.Done.Add(d)
	w.mu.Unlock()
}

func (w *Worker) publish(res Result) {
	if res.Err != nil {
		w.log.Error("live: build failed; serving the last good site", "err", res.Err,
			"files", len(res.Files), "data", len(res.Data), "full", res.Full)
	} else {
		w.log.Info("live: built", "seq", res.Seq, "full", res.Full, "due", res.Due,
			"files", len(res.Files), "data", len(res.Data),
			"written", len(res.Build.Written), "removed", len(res.Build.Removed),
			"ms", res.Done.Sub(res.Started).Milliseconds())
	}
	for _, h := range w.hooks {
		h(res)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- res:
		default:
			w.log.Warn("live: subscriber too slow; result dropped", "seq", res.Seq)
		}
	}
}

// WaitBuild waits on ch for the next result that matches ok, or fails when
// ctx ends. Tests and start-up code use it instead of sleeping.
func WaitBuild(ctx context.Context, ch <-chan Result, ok func(Result) bool) (Result, error) {
	for {
		select {
		case r := <-ch:
			if ok == nil || ok(r) {
				return r, nil
			}
		case <-ctx.Done():
			return Result{}, errors.Join(errors.New("live: no matching build"), ctx.Err())
		}
	}
}
