package watch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/watch"
)

// testDebounce is the quiet period of the watchers of these tests (unless
// a test sets its own).
const testDebounce = 50 * time.Millisecond

// site is a temp folder with content/, themes/ and config.yaml, watched by a
// running Watcher whose batches arrive on C.
type site struct {
	Root string
	C    chan watch.Batch
	// Quiet is the watcher's debounce: a change is split into two batches
	// only where its events paused for at least that long, or for the save
	// debounce after a batch of one file.
	Quiet     time.Duration
	sentinels int
}

// MustWatch creates a small site in a temp folder and starts a Watcher on it.
func MustWatch(tb testing.TB, opts ...watch.Option) *site {
	tb.Helper()
	root := tb.TempDir()
	for _, f := range []string{
		"content/_index.md",
		"content/countries/japan/_index.md",
		"content/countries/japan/tips/jr-pass.md",
		"themes/default/layouts/page.html",
	} {
		MustWrite(tb, filepath.Join(root, f), "x")
	}
	MustWrite(tb, filepath.Join(root, "config.yaml"), "title: t\n")
	s := &site{Root: root, C: make(chan watch.Batch, 100), Quiet: testDebounce}
	w, err := watch.New(
		// As serve: the content folder and the theme folder (theme_dir).
		[]string{filepath.Join(root, "content"), filepath.Join(root, "themes", "default")},
		filepath.Join(root, "config.yaml"),
		func(b watch.Batch) { s.C <- b },
		append([]watch.Option{watch.WithDebounce(testDebounce)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
	return s
}

// P returns the absolute path of a site-relative path.
func (s *site) P(rel string) string { return filepath.Join(s.Root, filepath.FromSlash(rel)) }

// Next waits for the next batch.
func (s *site) Next(tb testing.TB) watch.Batch {
	tb.Helper()
	select {
	case b := <-s.C:
		return b
	case <-time.After(5 * time.Second):
		tb.Fatal("no batch within 5s")
		return watch.Batch{}
	}
}

// Collect writes a sentinel file after a change and gathers the batches up
// to the one holding it: events arrive in order, so everything the change
// caused comes first. It returns their paths without the sentinel, sorted
// and unique, and whether any batch had Config set.
//
// A change is one batch unless the test paused between its steps for
// longer than the quiet period, as a loaded machine does; it may be split
// only at such a pause: a batch must begin a whole quiet period after the
// last event of the one before. A file may then be in two batches (created
// before the pause, written after).
func (s *site) Collect(tb testing.TB) (paths []string, config bool) {
	tb.Helper()
	s.sentinels++
	sentinel := s.P(fmt.Sprintf("content/sentinel-%d.md", s.sentinels))
	MustWrite(tb, sentinel, "s")
	var prev watch.Batch
	for n := 1; ; n++ {
		b := s.Next(tb)
		if b.Last.Before(b.First) {
			tb.Errorf("batch %d: Last %v before First %v", n, b.Last, b.First)
		}
		if n > 1 {
			gap, quiet := b.First.Sub(prev.Last), s.Quiet
			if len(prev.Paths)+boolInt(prev.Config) <= 1 {
				quiet = min(quiet, watch.DefaultSaveDebounce)
			}
			if gap < quiet {
				tb.Fatalf("batch %d began %v after the last event of batch %d, within the %v quiet period", n, gap, n-1, quiet)
			}
			tb.Logf("batch %d (%d paths) after a pause of %v", n, len(b.Paths), gap)
		}
		config = config || b.Config
		done := false
		for _, p := range b.Paths {
			if p == sentinel {
				done = true
			} else {
				paths = append(paths, p)
			}
		}
		if done {
			slices.Sort(paths)
			return slices.Compact(paths), config
		}
		prev = b
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MustWrite writes a file, creating its folders.
func MustWrite(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func TestEditorSaves(t *testing.T) {
	const tip = "content/countries/japan/tips/jr-pass.md"
	tests := []struct {
		name string
		save func(t *testing.T, s *site)
		want []string // site-relative
	}{
		{"write in place", func(t *testing.T, s *site) {
			MustWrite(t, s.P(tip), "new")
		}, []string{tip}},
		{"vim backupcopy=no", func(t *testing.T, s *site) {
			dir := filepath.Dir(s.P(tip))
			MustWrite(t, filepath.Join(dir, "4913"), "")
			must(t, os.Remove(filepath.Join(dir, "4913")))
			MustWrite(t, filepath.Join(dir, ".jr-pass.md.swp"), "swap")
			must(t, os.Rename(s.P(tip), s.P(tip)+"~"))
			MustWrite(t, s.P(tip), "new")
			must(t, os.Remove(s.P(tip)+"~"))
			must(t, os.Remove(filepath.Join(dir, ".jr-pass.md.swp")))
		}, []string{tip}},
		{"jetbrains safe write", func(t *testing.T, s *site) {
			MustWrite(t, s.P(tip)+"___jb_tmp___", "new")
			must(t, os.Rename(s.P(tip), s.P(tip)+"___jb_old___"))
			must(t, os.Rename(s.P(tip)+"___jb_tmp___", s.P(tip)))
			must(t, os.Remove(s.P(tip)+"___jb_old___"))
		}, []string{tip}},
		{"temp then rename over", func(t *testing.T, s *site) {
			MustWrite(t, s.P(tip)+".tmp", "new")
			must(t, os.Rename(s.P(tip)+".tmp", s.P(tip)))
		}, []string{tip}},
		{"emacs", func(t *testing.T, s *site) {
			dir := filepath.Dir(s.P(tip))
			must(t, os.Symlink("user@host", filepath.Join(dir, ".#jr-pass.md")))
			MustWrite(t, filepath.Join(dir, "#jr-pass.md#"), "autosave")
			MustWrite(t, s.P(tip), "new")
			must(t, os.Remove(filepath.Join(dir, ".#jr-pass.md")))
		}, []string{tip}},
		{"delete", func(t *testing.T, s *site) {
			must(t, os.Remove(s.P(tip)))
		}, []string{tip}},
		{"rename", func(t *testing.T, s *site) {
			must(t, os.Rename(s.P(tip), s.P("content/countries/japan/tips/rail.md")))
		}, []string{tip, "content/countries/japan/tips/rail.md"}},
		{"theme edit", func(t *testing.T, s *site) {
			MustWrite(t, s.P("themes/default/layouts/page.html"), "new")
		}, []string{"themes/default/layouts/page.html"}},
		{"new folder with files", func(t *testing.T, s *site) {
			MustWrite(t, s.P("content/countries/korea/_index.md"), "k")
			MustWrite(t, s.P("content/countries/korea/tips/t-money.md"), "t")
			MustWrite(t, s.P("content/countries/korea/tips/한국어.md"), "t")
		}, []string{"content/countries/korea/_index.md", "content/countries/korea/tips/t-money.md",
			"content/countries/korea/tips/한국어.md"}},
		{"folder moved in", func(t *testing.T, s *site) {
			outside := filepath.Join(s.Root, "outside", "france")
			MustWrite(t, filepath.Join(outside, "_index.md"), "f")
			MustWrite(t, filepath.Join(outside, "tips", "metro.md"), "m")
			must(t, os.Rename(outside, s.P("content/countries/france")))
		}, []string{"content/countries/france/_index.md", "content/countries/france/tips/metro.md"}},
		{"folder removed", func(t *testing.T, s *site) {
			must(t, os.RemoveAll(s.P("content/countries/japan")))
		}, []string{"content/countries/japan/_index.md", tip}},
		{"folder renamed away", func(t *testing.T, s *site) {
			must(t, os.Rename(s.P("content/countries/japan"), filepath.Join(s.Root, "japan-old")))
		}, []string{"content/countries/japan/_index.md", tip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustWatch(t)
			tt.save(t, s)
			got, config := s.Collect(t)
			var want []string
			for _, w := range tt.want {
				want = append(want, s.P(w))
			}
			slices.Sort(want)
			if !slices.Equal(got, want) || config {
				t.Errorf("got paths %q config %v, want %q", got, config, want)
			}
		})
	}
}

func TestIgnoredOnly(t *testing.T) {
	s := MustWatch(t)
	dir := s.P("content/countries/japan/tips")
	for _, name := range []string{".jr-pass.md.swp", ".jr-pass.md.swx", "jr-pass.md~", "4913",
		".DS_Store", "draft.tmp", "#x.md#", "a.md___jb_tmp___", "a.md___jb_old___"} {
		MustWrite(t, filepath.Join(dir, name), "junk")
	}
	MustWrite(t, s.P("content/.git/index"), "git") // hidden folders are not watched
	// Events arrive in order: had the debris counted, it would be in the
	// first batch (or an earlier one), before the sentinel.
	MustWrite(t, filepath.Join(dir, "sentinel.md"), "s")
	b := s.Next(t)
	if want := []string{filepath.Join(dir, "sentinel.md")}; !slices.Equal(b.Paths, want) {
		t.Errorf("got %q, want only %q", b.Paths, want)
	}
}

func TestNewFolderIsWatched(t *testing.T) {
	s := MustWatch(t)
	MustWrite(t, s.P("content/countries/korea/_index.md"), "k")
	s.Collect(t)
	MustWrite(t, s.P("content/countries/korea/reviews/seoul.md"), "r")
	if got, _ := s.Collect(t); !slices.Equal(got, []string{s.P("content/countries/korea/reviews/seoul.md")}) {
		t.Errorf("got %q, want only the new review", got)
	}
}

// TestRootReplaced: a watched folder itself removed and made again (a
// theme copied back over, `mv` of another theme into place, a checkout
// that recreates content/) is watched again, and its files are reported.
func TestRootReplaced(t *testing.T) {
	s := MustWatch(t)
	theme := s.P("themes/default")
	page := s.P("themes/default/layouts/page.html")
	must(t, os.RemoveAll(theme))
	if got, _ := s.Collect(t); !slices.Equal(got, []string{page}) {
		t.Fatalf("removal: got %q, want the theme's file", got)
	}
	MustWrite(t, page, "back")
	if got, _ := s.Collect(t); !slices.Equal(got, []string{page}) {
		t.Fatalf("recreated: got %q, want the theme's file", got)
	}
	MustWrite(t, page, "edited")
	if got, _ := s.Collect(t); !slices.Equal(got, []string{page}) {
		t.Fatalf("edit after: got %q, want the theme's file", got)
	}
	// Replaced by a rename, as `mv other-theme default` does.
	MustWrite(t, s.P("themes/other/layouts/page.html"), "other")
	s.Collect(t)
	must(t, os.RemoveAll(theme))
	must(t, os.Rename(s.P("themes/other"), theme))
	s.Collect(t)
	MustWrite(t, page, "edited again")
	if got, _ := s.Collect(t); !slices.Equal(got, []string{page}) {
		t.Fatalf("edit after mv: got %q, want the theme's file", got)
	}
}

func TestConfigReplacedByRename(t *testing.T) {
	s := MustWatch(t)
	MustWrite(t, s.P("config.yaml.tmp"), "title: new\n")
	must(t, os.Rename(s.P("config.yaml.tmp"), s.P("config.yaml")))
	b := s.Next(t)
	if !b.Config || len(b.Paths) != 0 {
		t.Errorf("got config %v paths %q, want config only", b.Config, b.Paths)
	}
	// The watch survives the rename: a second edit is seen too.
	MustWrite(t, s.P("config.yaml"), "title: again\n")
	if b := s.Next(t); !b.Config {
		t.Error("second config edit not seen")
	}
}

// A batch of one file (an editor's save) leaves after the save debounce;
// one of two files waits for the full debounce.
func TestLoneSaveIsQuick(t *testing.T) {
	const debounce = time.Second
	s := MustWatch(t, watch.WithDebounce(debounce), watch.WithMaxWait(time.Minute))
	tip := s.P("content/countries/japan/tips/jr-pass.md")
	MustWrite(t, tip, "new")
	b := s.Next(t)
	if waited := time.Since(b.Last); !slices.Equal(b.Paths, []string{tip}) || waited >= debounce {
		t.Errorf("a lone save: got %q %v after its last event, want only the tip before %v", b.Paths, waited, debounce)
	}
	// A folder moved in: two files in one event, so no stall of this test
	// can split them.
	outside := filepath.Join(s.Root, "outside", "france")
	MustWrite(t, filepath.Join(outside, "_index.md"), "f")
	MustWrite(t, filepath.Join(outside, "tips", "metro.md"), "m")
	must(t, os.Rename(outside, s.P("content/countries/france")))
	b = s.Next(t)
	if waited := time.Since(b.Last); len(b.Paths) != 2 || waited < debounce {
		t.Errorf("two files: got %q %v after the last event, want both after at least %v", b.Paths, waited, debounce)
	}
}

func TestMassChangeIsOneBatch(t *testing.T) {
	s := MustWatch(t, watch.WithDebounce(200*time.Millisecond), watch.WithMaxWait(time.Minute))
	s.Quiet = 200 * time.Millisecond
	var want []string
	for i := range 300 {
		p := s.P(fmt.Sprintf("content/countries/c%03d/tips/t.md", i))
		MustWrite(t, p, "x")
		want = append(want, p)
	}
	slices.Sort(want)
	// One batch on a machine that does not stall this test for 200 ms
	// between two writes; Collect allows a split only at such a pause (CI
	// saw 49 of the 300 in a first batch).
	if got, _ := s.Collect(t); !slices.Equal(got, want) {
		t.Fatalf("batches hold %d paths, want the %d written", len(got), len(want))
	}
}
