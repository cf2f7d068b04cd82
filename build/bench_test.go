package build

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/beforetrip/beforetrip/bench/sitegen"
)

// benchSites caches generated sites per size for the benchmarks of one run.
var benchSites sync.Map

// MustBenchSite generates (once per size) a site with n tips and reviews
// with the bench engineer's generator, ~900 words per page.
func MustBenchSite(b *testing.B, n int) testSite {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "beforetrip-buildbench-"+strconv.Itoa(n))
	if _, ok := benchSites.Load(n); !ok {
		if _, err := os.Stat(filepath.Join(dir, "content", "_index.md")); err != nil {
			if err := sitegen.Generate(sitegen.Options{Pages: n, Out: dir, Seed: 1, Theme: "../themes/default"}); err != nil {
				b.Fatal(err)
			}
		}
		benchSites.Store(n, true)
	}
	return testSite{Content: filepath.Join(dir, "content"), Theme: "../themes/default", Out: filepath.Join(b.TempDir(), "public")}
}

func benchmarkFullBuild(b *testing.B, n int) {
	ts := MustBenchSite(b, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		os.RemoveAll(ts.Out)
		bl := MustBuilder(b, ts, nil)
		b.StartTimer()
		MustBuild(b, bl)
	}
}

// BenchmarkFullBuild1k and 10k: a cold build (empty output folder).
func BenchmarkFullBuild1k(b *testing.B)  { benchmarkFullBuild(b, 1000) }
func BenchmarkFullBuild10k(b *testing.B) { benchmarkFullBuild(b, 10000) }

// BenchmarkRebuildOneFile10k: one tip's body edited, Rebuild until the
// file is on disk.
func BenchmarkRebuildOneFile10k(b *testing.B) {
	ts := MustBenchSite(b, 10000)
	bl := MustBuilder(b, ts, nil)
	MustBuild(b, bl)
	var file string
	for path, p := range bl.files {
		if p != nil && p.Kind == "tip" {
			file = path
			break
		}
	}
	orig := MustRead(b, file)
	defer os.WriteFile(file, []byte(orig), 0o644)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		MustWrite(b, file, strings.Replace(orig, "\n\n", "\n\nEdit "+strconv.Itoa(i)+".\n\n", 1))
		b.StartTimer()
		res, err := bl.Rebuild(context.Background(), Changes{Files: []string{file}})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Written) == 0 {
			b.Fatal("nothing written")
		}
	}
}

// BenchmarkWarmBuild10k: a full build over an unchanged output folder by
// a new Builder (a new process) without the render cache: everything is
// rendered, nothing written.
func BenchmarkWarmBuild10k(b *testing.B) {
	ts := MustBenchSite(b, 10000)
	noCache := func(c *Config) { c.NoRenderCache = true }
	MustBuild(b, MustBuilder(b, ts, noCache))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := MustBuild(b, MustBuilder(b, ts, noCache))
		if len(res.Written) != 0 {
			b.Fatalf("warm build wrote %d files", len(res.Written))
		}
	}
}

// BenchmarkRestartBuild10k: the same with the render cache (a restart of
// build, serve or api over unchanged content): tips and reviews are
// neither converted nor rendered again.
func BenchmarkRestartBuild10k(b *testing.B) {
	ts := MustBenchSite(b, 10000)
	MustBuild(b, MustBuilder(b, ts, nil))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := MustBuild(b, MustBuilder(b, ts, nil))
		if len(res.Written) != 0 || res.Cached < 10000 {
			b.Fatalf("restart wrote %d files, %d from the cache", len(res.Written), res.Cached)
		}
	}
}
