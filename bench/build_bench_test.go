// Package bench holds whole-program benchmarks of the site builder on
// generated sites (package sitegen). Run them with
//
//	go test ./bench -run '^$' -bench . -benchtime 3x
//	go test ./bench -run '^$' -bench . -short   # skips the 10k-page site
//
// Benchmarks never run in `go test ./...` without -bench. The scripts
// build.sh and api.sh measure the binary (wall clock, RSS) instead.
package bench

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/bench/sitegen"
	"github.com/beforetrip/beforetrip/build"
)

// sizes are the site sizes (tips + reviews) benchmarked; the largest is
// skipped with -short.
var sizes = []int{1000, 10000}

func BenchmarkBuild(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			site := MustSite(b, n)
			ctx := context.Background()
			var pages int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := os.RemoveAll(site.out()); err != nil {
					b.Fatal(err)
				}
				bl := site.MustBuilder(b)
				b.StartTimer()
				res, err := bl.Build(ctx)
				if err != nil {
					b.Fatal(err)
				}
				pages = res.Pages
			}
			b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkBuildUnchanged is a full build by a fresh Builder over an
// existing, identical output: everything renders, nothing is rewritten.
func BenchmarkBuildUnchanged(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			site := MustSite(b, n)
			ctx := context.Background()
			if _, err := site.MustBuilder(b).Build(ctx); err != nil {
				b.Fatal(err)
			}
			var pages int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := site.MustBuilder(b).Build(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Written) > 0 {
					b.Fatalf("unchanged site: %d files rewritten, e.g. %s", len(res.Written), res.Written[0])
				}
				pages = res.Pages
			}
			b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkRebuildOneFile edits one tip and rebuilds incrementally: the
// editor's save-to-disk latency. edit=body appends a sentence (only the tip
// itself shows it); edit=title renames the tip, which every list, tag page
// and feed showing it must follow. The file write is not timed. ms-median
// is the median wall time of a rebuild, cpu-ms-median the median CPU time
// the process used during it (every thread), which a loaded machine
// changes much less.
func BenchmarkRebuildOneFile(b *testing.B) {
	edits := []struct {
		name string
		edit func(orig []byte, i int) []byte
	}{
		{"body", func(orig []byte, i int) []byte {
			return fmt.Appendf(slices.Clip(orig), "\nEdited in run %d: *still* worth it.\n", i)
		}},
		{"title", func(orig []byte, i int) []byte {
			return bytes.Replace(orig, []byte("\ntitle: \""), fmt.Appendf(nil, "\ntitle: \"Edit %d: ", i), 1)
		}},
	}
	for _, n := range sizes {
		for _, e := range edits {
			b.Run(fmt.Sprintf("pages=%d/edit=%s", n, e.name), func(b *testing.B) {
				benchRebuild(b, MustSite(b, n), e.edit)
			})
		}
	}
}

func benchRebuild(b *testing.B, site generatedSite, edit func([]byte, int) []byte) {
	ctx := context.Background()
	bl := site.MustBuilder(b)
	if _, err := bl.Build(ctx); err != nil {
		b.Fatal(err)
	}
	tip := site.MustFirstTip(b)
	orig, err := os.ReadFile(tip)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.WriteFile(tip, orig, 0o644) })
	took := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	rendered, written := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.WriteFile(tip, edit(orig, i), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, startCPU := time.Now(), processCPU()
		res, err := bl.Rebuild(ctx, build.Changes{Files: []string{tip}})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		cpu = append(cpu, processCPU()-startCPU)
		rendered += res.Rendered
		written += len(res.Written)
		if len(res.Written) == 0 {
			b.Fatalf("edit %d of %s wrote nothing", i, tip)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	slices.Sort(cpu)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms-median")
	b.ReportMetric(float64(cpu[len(cpu)/2])/float64(time.Millisecond), "cpu-ms-median")
	b.ReportMetric(float64(rendered)/float64(b.N), "rendered/op")
	b.ReportMetric(float64(written)/float64(b.N), "written/op")
}

// generatedSite is a site written by sitegen, shared by the benchmarks of
// one size within this test binary.
type generatedSite struct {
	dir, theme string
}

func (s generatedSite) out() string { return filepath.Join(s.dir, "public") }

// MustBuilder returns a fresh Builder for the site, as `beforetrip build` would.
func (s generatedSite) MustBuilder(tb testing.TB) *build.Builder {
	tb.Helper()
	bl, err := build.New(s.config())
	if err != nil {
		tb.Fatal(err)
	}
	return bl
}

// config is the build configuration `beforetrip build` would use.
func (s generatedSite) config() build.Config {
	return build.Config{
		ContentDir: filepath.Join(s.dir, "content"),
		ThemeDir:   s.theme,
		OutDir:     s.out(),
		BaseURL:    "http://127.0.0.1:1313/",
		Title:      "beforetrip bench",
		Language:   "en",
	}
}

// MustFirstTip returns the path of the first tip in file-name order.
func (s generatedSite) MustFirstTip(tb testing.TB) string {
	tb.Helper()
	tips, err := filepath.Glob(filepath.Join(s.dir, "content", "countries", "*", "tips", "*.md"))
	if err != nil || len(tips) == 0 {
		tb.Fatalf("no tips in %s: %v", s.dir, err)
	}
	slices.Sort(tips)
	return tips[0]
}

// sites caches generated sites per size: generating 10k pages takes seconds
// and the content is read-only for all benchmarks but the one-file edit,
// which restores its file.
var sites = map[int]generatedSite{}

// MustSite returns a generated site of n pages (seed 1), generating it once
// per test binary. 10k pages and more are skipped with -short.
func MustSite(tb testing.TB, n int) generatedSite {
	tb.Helper()
	if n >= 10000 && testing.Short() {
		tb.Skipf("-short: skipping the %d-page site", n)
	}
	if s, ok := sites[n]; ok {
		return s
	}
	root, err := sitegen.ModuleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("beforetrip-bench-%d-", n))
	if err != nil {
		tb.Fatal(err)
	}
	s := generatedSite{dir: dir, theme: filepath.Join(root, "themes", "default")}
	if err := sitegen.Generate(sitegen.Options{Pages: n, Out: dir, Seed: 1, Theme: s.theme}); err != nil {
		tb.Fatal(err)
	}
	sites[n] = s
	return s
}

// cleanups run after all benchmarks (servers, stores, temp folders).
var cleanups []func()

// TestMain removes the generated sites and stops servers after all
// benchmarks ran.
func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	for _, s := range sites {
		_ = os.RemoveAll(s.dir)
	}
	os.Exit(code)
}

// BenchmarkRebuildCounts is the rebuild the live worker runs after likes:
// pages=N/liked=one is one like on one tip, liked=all a like storm that
// changed the count of every tip and review (what 64 connections liking
// random pages for 5 s do to a 10k site). rendered/op and written/op show
// how many outputs a count change costs.
func BenchmarkRebuildCounts(b *testing.B) {
	for _, n := range sizes {
		for _, storm := range []bool{false, true} {
			name := "one"
			if storm {
				name = "all"
			}
			b.Run(fmt.Sprintf("pages=%d/liked=%s", n, name), func(b *testing.B) {
				site := MustSite(b, n)
				data := &countsData{counts: map[string]beforetrip.Counts{}}
				ctx := context.Background()
				bl, err := build.New(site.config(), build.WithSiteData(data))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := bl.Build(ctx); err != nil {
					b.Fatal(err)
				}
				ids := site.MustItemIDs(b)
				if !storm {
					ids = ids[:1]
				}
				rendered, written := 0, 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					changes := make([]beforetrip.Change, len(ids))
					for j, id := range ids {
						data.like(id)
						changes[j] = beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: id}
					}
					b.StartTimer()
					res, err := bl.Rebuild(ctx, build.Changes{Data: changes})
					if err != nil {
						b.Fatal(err)
					}
					rendered += res.Rendered
					written += len(res.Written)
				}
				b.ReportMetric(float64(rendered)/float64(b.N), "rendered/op")
				b.ReportMetric(float64(written)/float64(b.N), "written/op")
			})
		}
	}
}

// countsData is a SiteData of counts only, as the store would answer.
type countsData struct {
	mu     sync.Mutex
	counts map[string]beforetrip.Counts
}

func (d *countsData) like(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.counts[id]
	c.Likes++
	d.counts[id] = c
}

// LikesSince: the benchmarks' likes are all older than the window.
func (d *countsData) LikesSince(context.Context, time.Time) (map[string]int64, error) {
	return map[string]int64{}, nil
}

func (d *countsData) PageCounts(context.Context) (map[string]beforetrip.Counts, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.counts), nil
}

func (d *countsData) CountsOf(_ context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]beforetrip.Counts{}
	for _, id := range ids {
		if c, ok := d.counts[id]; ok {
			out[id] = c
		}
	}
	return out, nil
}

func (d *countsData) ReaderReviews(context.Context) ([]beforetrip.Review, error) { return nil, nil }

func (d *countsData) ReaderReview(context.Context, uint64) (*beforetrip.Review, error) {
	return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "no reader reviews")
}

// MustItemIDs returns the page IDs of every tip and review, read from the
// content folder (countries/<c>/<section>/<slug>.md → its page ID).
func (s generatedSite) MustItemIDs(tb testing.TB) []string {
	tb.Helper()
	var ids []string
	for _, section := range []string{"tips", "reviews"} {
		files, err := filepath.Glob(filepath.Join(s.dir, "content", "countries", "*", section, "*.md"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, f := range files {
			rel, err := filepath.Rel(filepath.Join(s.dir, "content"), f)
			if err != nil {
				tb.Fatal(err)
			}
			ids = append(ids, strings.TrimSuffix(filepath.ToSlash(rel), ".md"))
		}
	}
	if len(ids) == 0 {
		tb.Fatalf("no tips or reviews in %s", s.dir)
	}
	slices.Sort(ids)
	return ids
}

// BenchmarkRestartFirstEdit is serve started again over unchanged content
// and then one tip's body edited: the restart keeps the published search
// index without building it (build/searchkeep.go). prepared=false: the
// first edit's Rebuild builds the index before updating it; prepared=true:
// PrepareRebuild built it first, as the live worker does when idle
// (prepare-ms-median). ms-median is that first edit, restart-ms-median the
// restart's full build. Not timed: putting the output back as the restart
// finds it (a full build publishing the unedited index).
func BenchmarkRestartFirstEdit(b *testing.B) {
	for _, prepared := range []bool{false, true} {
		b.Run(fmt.Sprintf("prepared=%v", prepared), func(b *testing.B) {
			benchRestartEdit(b, MustSite(b, 10000), prepared)
		})
	}
}

func benchRestartEdit(b *testing.B, site generatedSite, prepared bool) {
	ctx := context.Background()
	tip := site.MustFirstTip(b)
	orig, err := os.ReadFile(tip)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.WriteFile(tip, orig, 0o644) })
	var took, restart, prepare []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.WriteFile(tip, orig, 0o644); err != nil {
			b.Fatal(err)
		}
		if _, err := site.MustBuilder(b).Build(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		bl := site.MustBuilder(b)
		res, err := bl.Build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !res.IndexKept {
			b.Fatal("the restart built the search index")
		}
		restart = append(restart, time.Since(start))
		if prepared {
			start = time.Now()
			if err := bl.PrepareRebuild(); err != nil {
				b.Fatal(err)
			}
			prepare = append(prepare, time.Since(start))
		}
		b.StopTimer()
		if err := os.WriteFile(tip, fmt.Appendf(slices.Clip(orig), "\nEdited in run %d.\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start = time.Now()
		if _, err := bl.Rebuild(ctx, build.Changes{Files: []string{tip}}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	for _, m := range []struct {
		unit string
		d    []time.Duration
	}{{"ms-median", took}, {"restart-ms-median", restart}, {"prepare-ms-median", prepare}} {
		if len(m.d) > 0 {
			slices.Sort(m.d)
			b.ReportMetric(float64(m.d[len(m.d)/2])/float64(time.Millisecond), m.unit)
		}
	}
}
