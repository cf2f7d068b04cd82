package live_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/build"
	"github.com/beforetrip/beforetrip/live"
)

// testSite is a copy of testdata/site plus the real theme in a temp folder.
type testSite struct {
	Root, Content, Theme, Out string
}

// MustSite copies the fixture site and ../themes/default into a temp folder.
func MustSite(tb testing.TB) *testSite {
	tb.Helper()
	root := tb.TempDir()
	MustCopyDir(tb, "testdata/site", root)
	MustCopyDir(tb, "../themes/default", filepath.Join(root, "themes", "default"))
	return &testSite{
		Root:    root,
		Content: filepath.Join(root, "content"),
		Theme:   filepath.Join(root, "themes", "default"),
		Out:     filepath.Join(root, "public"),
	}
}

// P returns the absolute path of a site-relative path.
func (s *testSite) P(rel string) string { return filepath.Join(s.Root, filepath.FromSlash(rel)) }

// Read returns an output file's content ("" if it does not exist).
func (s *testSite) Read(tb testing.TB, outRel string) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(s.Out, filepath.FromSlash(outRel)))
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	return string(data)
}

// Config returns the builder configuration of the site.
func (s *testSite) Config() build.Config {
	return build.Config{ContentDir: s.Content, ThemeDir: s.Theme, OutDir: s.Out,
		BaseURL: "http://127.0.0.1:1313/", Title: "beforetrip test", Language: "en", LiveReload: true}
}

// MustCopyDir copies a folder tree (os.CopyFS: dst may exist, its files
// may not).
func MustCopyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		tb.Fatal(err)
	}
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

// runningWorker is a Worker running on a test site, with its results.
type runningWorker struct {
	*live.Worker
	Results  <-chan live.Result
	Builders *atomic.Int32 // how many builders were made
}

// MustRun starts a worker for s with a builder made from cfg() each time and
// waits for its first (full) build.
func MustRun(tb testing.TB, cfg func() build.Config, opts ...live.Option) *runningWorker {
	tb.Helper()
	var n atomic.Int32
	w := live.NewWorker(func() (*build.Builder, error) {
		n.Add(1)
		return build.New(cfg())
	}, opts...)
	ch, unsub := w.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	tb.Cleanup(func() { cancel(); <-done; unsub() })
	rw := &runningWorker{Worker: w, Results: ch, Builders: &n}
	if r := rw.Next(tb); r.Err != nil || !r.Full || r.Seq != 1 {
		tb.Fatalf("first build: seq %d full %v err %v", r.Seq, r.Full, r.Err)
	}
	return rw
}

// Next waits for the next build result.
func (w *runningWorker) Next(tb testing.TB) live.Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := live.WaitBuild(ctx, w.Results, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// contains reports whether s contains every one of subs.
func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
