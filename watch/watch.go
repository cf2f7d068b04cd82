// Package watch turns file-system events under the site's content and theme
// folders (and the config file) into debounced batches of changed paths.
//
// It watches folders recursively with fsnotify, adds watches for folders as
// they appear (reporting the files they already hold), forgets folders that
// are removed or renamed away (reporting the files they held), ignores editor
// debris (beforetrip.Debris) and coalesces bursts — a save that is really four
// events, a git checkout that touches hundreds of files — into one Batch.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/fsnotify/fsnotify"
)

// Batch is one coalesced burst of changes.
type Batch struct {
	// Paths are the absolute, cleaned paths of files under the watched
	// folders that were created, written, removed or renamed (the old name
	// of a rename is "removed"), unique and sorted. A path may no longer
	// exist: that is how removals are reported.
	Paths []string
	// Config is true when the config file changed.
	Config bool
	// Rescan is true when the kernel dropped events (queue overflow): the
	// receiver cannot trust Paths to be complete and should rebuild all.
	Rescan bool
	// First and Last are when the first and the last event of the batch
	// arrived; the batch was sent one quiet period after Last (or at the
	// max wait after First). The quiet period is the save debounce for a
	// batch of one file (or the config alone), the debounce otherwise.
	First, Last time.Time
}

// Default timings. An editor's save touches one file (its temporaries and
// backups are ignored) in steps microseconds apart, so a batch of one file
// is sent after 10 ms of quiet: the edit is on disk in about the time its
// rebuild takes. As soon as a second file joins, the batch waits for 100 ms
// of quiet, long enough for git's bursts (a checkout touching hundreds of
// files is one batch). The max wait bounds the delay when events never stop
// (a build tool writing into content/ in a loop).
//
// The cost of the short window: a tool that writes one file in pieces more
// than 10 ms apart gets a build of the partial file. The rebuild worker
// holds such a build's error back while the rest of the write arrives
// (live.WithSettle), so the failure is not shown; the last good site stays
// served meanwhile.
const (
	DefaultSaveDebounce = 10 * time.Millisecond
	DefaultDebounce     = 100 * time.Millisecond
	DefaultMaxWait      = time.Second
)

// Option configures a Watcher.
type Option func(*Watcher)

// WithDebounce sets the quiet period after the last event before a batch of
// several files is sent.
func WithDebounce(d time.Duration) Option { return func(w *Watcher) { w.debounce = d } }

// WithSaveDebounce sets the quiet period for a batch of one file (or the
// config file alone); it is capped at the debounce.
func WithSaveDebounce(d time.Duration) Option { return func(w *Watcher) { w.saveDebounce = d } }

// WithMaxWait bounds how long after the first event of a batch it is sent,
// however busy the folder.
func WithMaxWait(d time.Duration) Option { return func(w *Watcher) { w.maxWait = d } }

// WithLogger sets the logger (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(w *Watcher) { w.log = l } }

// Watcher watches folders recursively and one config file. Create it with
// New and start it with Run.
type Watcher struct {
	fs           *fsnotify.Watcher
	roots        []string
	configFile   string
	sink         func(Batch)
	saveDebounce time.Duration
	debounce     time.Duration
	maxWait      time.Duration
	log          *slog.Logger

	// Owned by Run's goroutine after New returns.
	dirs    map[string]bool     // watched folders under roots
	gone    map[string]bool     // folders removed: their late duplicate events are not files
	files   map[string]struct{} // known files under roots, to report a removed folder's files
	pending map[string]struct{}
	config  bool
	rescan  bool
	first   time.Time
	last    time.Time
}

// New watches every folder under roots (recursively) and configFile (may be
// "" for none; its folder is watched so editors that replace the file by a
// rename are seen). sink receives each batch from Run's goroutine and must
// not block for long: events queue in the kernel meanwhile. Watches are in
// place when New returns, so changes made before Run starts are reported.
func New(roots []string, configFile string, sink func(Batch), opts ...Option) (*Watcher, error) {
	w := &Watcher{
		sink:         sink,
		saveDebounce: DefaultSaveDebounce,
		debounce:     DefaultDebounce,
		maxWait:      DefaultMaxWait,
		log:          slog.Default(),
		dirs:         map[string]bool{},
		gone:         map[string]bool{},
		files:        map[string]struct{}{},
		pending:      map[string]struct{}{},
	}
	for _, o := range opts {
		o(w)
	}
	w.saveDebounce = min(w.saveDebounce, w.debounce)
	if w.maxWait < w.debounce {
		w.maxWait = w.debounce
	}
	var err error
	if w.fs, err = fsnotify.NewWatcher(); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			w.fs.Close()
			return nil, fmt.Errorf("watch: %s: %w", r, err)
		}
		w.roots = append(w.roots, abs)
		if err := w.addTree(abs, false); err != nil {
			w.fs.Close()
			return nil, err
		}
		// The parent too (its other entries are not under a root, so
		// ignored): a root removed and made again, or replaced by a
		// rename, is seen coming back and watched again.
		if err := w.fs.Add(filepath.Dir(abs)); err != nil {
			w.fs.Close()
			return nil, fmt.Errorf("watch: folder of %s: %w", abs, err)
		}
	}
	if configFile != "" {
		if w.configFile, err = filepath.Abs(configFile); err != nil {
			w.fs.Close()
			return nil, fmt.Errorf("watch: %s: %w", configFile, err)
		}
		if dir := filepath.Dir(w.configFile); !w.dirs[dir] {
			if err := w.fs.Add(dir); err != nil {
				w.fs.Close()
				return nil, fmt.Errorf("watch: config folder %s: %w", dir, err)
			}
		}
	}
	return w, nil
}

// Run delivers batches until ctx is done, then closes the watches. It sends
// what is pending when ctx ends only if the batch is already due; a stopping
// server has no use for it.
func (w *Watcher) Run(ctx context.Context) error {
	defer w.fs.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.fs.Events:
			if !ok {
				return nil
			}
			if w.handle(ev) {
				now := time.Now()
				if w.first.IsZero() {
					w.first = now
				}
				w.last = now
				timer.Reset(time.Until(w.deadline()))
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.log.Warn("watch: events lost; rebuilding everything", "err", err)
				w.rescan = true
				if w.first.IsZero() {
					w.first = time.Now()
				}
				w.last = time.Now()
				timer.Reset(time.Until(w.deadline()))
				continue
			}
			w.log.Warn("watch: error", "err", err)
		case <-timer.C:
			w.flush()
		}
	}
}

// deadline is when the pending batch is due.
func (w *Watcher) deadline() time.Time {
	quiet := w.debounce
	if !w.rescan && len(w.pending)+boolInt(w.config) <= 1 {
		quiet = w.saveDebounce
	}
	d := w.last.Add(quiet)
	if m := w.first.Add(w.maxWait); m.Before(d) {
		return m
	}
	return d
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (w *Watcher) flush() {
	if len(w.pending) == 0 && !w.config && !w.rescan {
		return
	}
	b := Batch{Config: w.config, Rescan: w.rescan, First: w.first, Last: w.last}
	b.Paths = make([]string, 0, len(w.pending))
	for p := range w.pending {
		b.Paths = append(b.Paths, p)
	}
	sort.Strings(b.Paths)
	clear(w.pending)
	w.config, w.rescan = false, false
	w.first, w.last = time.Time{}, time.Time{}
	w.log.Debug("watch: batch", "paths", len(b.Paths), "config", b.Config, "rescan", b.Rescan)
	w.sink(b)
}

// handle records one event and reports whether it counts as a change.
func (w *Watcher) handle(ev fsnotify.Event) bool {
	p := filepath.Clean(ev.Name)
	if ev.Op == fsnotify.Chmod {
		// touch, chmod, Spotlight, backup tools: the bytes did not change.
		return false
	}
	if p == w.configFile {
		w.config = true
		return true
	}
	if !w.underRoot(p) || w.ignoredPath(p) {
		return false
	}
	switch {
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		return w.removed(p)
	case ev.Has(fsnotify.Create):
		fi, err := os.Lstat(p)
		if err != nil {
			// Gone again already (a temporary that slipped the filters):
			// report it, the receiver sees it missing.
			return w.removed(p)
		}
		if fi.IsDir() {
			delete(w.gone, p)
			before := len(w.pending)
			if err := w.addTree(p, true); err != nil {
				w.log.Warn("watch: new folder", "err", err)
			}
			return len(w.pending) > before
		}
		w.files[p] = struct{}{}
		w.pending[p] = struct{}{}
		return true
	case ev.Has(fsnotify.Write):
		w.files[p] = struct{}{}
		w.pending[p] = struct{}{}
		return true
	}
	return false
}

// removed records that p (a file or a folder) is gone.
func (w *Watcher) removed(p string) bool {
	if w.gone[p] {
		// inotify reports a removed folder up to three times (from its
		// parent, from itself, from a watched child's view).
		return false
	}
	if !w.dirs[p] {
		delete(w.files, p)
		w.pending[p] = struct{}{}
		return true
	}
	// A folder removed or renamed away: inotify keeps the watches of its
	// subfolders under the stale names, so drop them, and report every file
	// it held (the receiver cannot list a folder that is gone).
	prefix := p + string(filepath.Separator)
	for d := range w.dirs {
		if d == p || strings.HasPrefix(d, prefix) {
			if err := w.fs.Remove(d); err != nil && !errors.Is(err, fsnotify.ErrNonExistentWatch) {
				w.log.Debug("watch: unwatch", "dir", d, "err", err)
			}
			delete(w.dirs, d)
			w.gone[d] = true
		}
	}
	for f := range w.files {
		if strings.HasPrefix(f, prefix) {
			delete(w.files, f)
			w.pending[f] = struct{}{}
		}
	}
	return true
}

// addTree watches root and every folder below it. With emit, the files found
// are reported as created: they may have been written before the watch was
// in place (mkdir -p a/b && cp … races the watcher, and a folder moved in
// from elsewhere arrives full).
func (w *Watcher) addTree(root string, emit bool) error {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked: its events follow
			}
			return err
		}
		if p != root && beforetrip.Debris(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if w.dirs[p] {
				return nil
			}
			if err := w.fs.Add(p); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return filepath.SkipDir
				}
				return err
			}
			w.dirs[p] = true
			delete(w.gone, p)
			return nil
		}
		w.files[p] = struct{}{}
		if emit {
			w.pending[p] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("watch: %s: %w", root, err)
	}
	return nil
}

func (w *Watcher) underRoot(p string) bool {
	for _, r := range w.roots {
		if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// ignoredPath reports whether any element of p below its root is ignored:
// the base name for files, and hidden folders such as .git on the way.
func (w *Watcher) ignoredPath(p string) bool {
	for _, r := range w.roots {
		rel, err := filepath.Rel(r, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		if rel == "." {
			return false
		}
		for _, part := range strings.Split(rel, string(filepath.Separator)) {
			if beforetrip.Debris(part) {
				return true
			}
		}
		return false
	}
	return false
}
