package build

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// testSite is a copy of testdata/site and the theme in a temp folder.
type testSite struct {
	Content, Theme, Out string
}

// MustSite copies the fixture site and the default theme into a temp
// folder. The widget's JS and CSS (owned and changed by another engineer)
// are replaced by fixed files so golden pages do not depend on them.
func MustSite(tb testing.TB) testSite {
	tb.Helper()
	dir := tb.TempDir()
	ts := testSite{Content: filepath.Join(dir, "content"), Theme: filepath.Join(dir, "theme"), Out: filepath.Join(dir, "public")}
	MustCopyDir(tb, "testdata/site/content", ts.Content)
	MustCopyDir(tb, "../themes/default", ts.Theme)
	MustWrite(tb, filepath.Join(ts.Theme, "static/js/widget.js"), "/* widget test double */\n")
	MustWrite(tb, filepath.Join(ts.Theme, "static/css/widget.css"), "/* widget test double */\n")
	// The widget engineer appends widget_* strings; keep one fixed key so
	// golden pages do not change with theirs.
	for _, lang := range []string{"en", "ko"} {
		file := filepath.Join(ts.Theme, "i18n", lang+".yaml")
		var keep []string
		for _, line := range strings.Split(MustRead(tb, file), "\n") {
			if !strings.HasPrefix(line, "widget_") {
				keep = append(keep, line)
			}
		}
		MustWrite(tb, file, strings.Join(keep, "\n")+"\nwidget_like: \"♥ "+lang+"\"\n")
	}
	return ts
}

// Path returns the absolute path of a content file given relative to content/.
func (ts testSite) Path(rel string) string { return filepath.Join(ts.Content, filepath.FromSlash(rel)) }

// MustCopyDir copies a folder tree.
func MustCopyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// MustWrite writes a file, creating its folder.
func MustWrite(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// MustRead reads a file.
func MustRead(tb testing.TB, path string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// MustBuilder returns a Builder for ts; edit adjusts the config.
func MustBuilder(tb testing.TB, ts testSite, edit func(*Config), opts ...Option) *Builder {
	tb.Helper()
	cfg := Config{ContentDir: ts.Content, ThemeDir: ts.Theme, OutDir: ts.Out,
		BaseURL: "https://example.org/", Title: "beforetrip test", Language: "en"}
	if edit != nil {
		edit(&cfg)
	}
	b, err := New(cfg, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustBuild runs a full build.
func MustBuild(tb testing.TB, b *Builder) *Result {
	tb.Helper()
	res, err := b.Build(context.Background())
	if err != nil {
		tb.Fatalf("build: %v", err)
	}
	return res
}

// MustBuildError runs a full build that must fail with content errors.
func MustBuildError(tb testing.TB, b *Builder) Errors {
	tb.Helper()
	_, err := b.Build(context.Background())
	var errs Errors
	if !errors.As(err, &errs) {
		tb.Fatalf("err = %v, want content errors", err)
	}
	return errs
}

// MustRebuild runs an incremental build.
func MustRebuild(tb testing.TB, b *Builder, ch Changes) *Result {
	tb.Helper()
	res, err := b.Rebuild(context.Background(), ch)
	if err != nil {
		tb.Fatalf("rebuild: %v", err)
	}
	return res
}

// memData is an in-memory beforetrip.SiteData: the builder's view of the
// store, for tests of the builder only (the real store is tested in store/).
type memData struct {
	mu      sync.Mutex
	counts  map[string]beforetrip.Counts
	reviews []beforetrip.Review
	likedAt map[string][]time.Time // like times, for LikesSince
}

// likeAt records one more like of page id, made at t.
func (m *memData) likeAt(id string, t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string]beforetrip.Counts{}
	}
	if m.likedAt == nil {
		m.likedAt = map[string][]time.Time{}
	}
	c := m.counts[id]
	c.Likes++
	m.counts[id] = c
	m.likedAt[id] = append(m.likedAt[id], t)
}

func (m *memData) LikesSince(_ context.Context, since time.Time) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int64{}
	for id, ts := range m.likedAt {
		for _, t := range ts {
			if !t.Before(since) {
				out[id]++
			}
		}
	}
	return out, nil
}

func (m *memData) PageCounts(context.Context) (map[string]beforetrip.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]beforetrip.Counts, len(m.counts))
	for k, v := range m.counts {
		out[k] = v
	}
	return out, nil
}

func (m *memData) ReaderReviews(context.Context) ([]beforetrip.Review, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]beforetrip.Review(nil), m.reviews...), nil
}

func (m *memData) CountsOf(_ context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]beforetrip.Counts{}
	for _, id := range ids {
		if c := m.counts[id]; c != (beforetrip.Counts{}) {
			out[id] = c
		}
	}
	return out, nil
}

func (m *memData) ReaderReview(_ context.Context, id uint64) (*beforetrip.Review, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.reviews {
		if r.ID == id {
			return &r, nil
		}
	}
	return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
}

func (m *memData) setCounts(id string, c beforetrip.Counts) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string]beforetrip.Counts{}
	}
	m.counts[id] = c
}
