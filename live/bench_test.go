package live_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/bench/sitegen"
	"github.com/beforetrip/beforetrip/build"
	"github.com/beforetrip/beforetrip/live"
	"github.com/beforetrip/beforetrip/watch"
)

// benchPages is the size of the generated site; -short uses 1000.
func benchPages() int {
	if testing.Short() {
		return 1000
	}
	return 10000
}

// MustGenSite generates a bench/gensite site in a temp folder.
func MustGenSite(tb testing.TB, pages int) *testSite {
	tb.Helper()
	root := tb.TempDir()
	theme, err := filepath.Abs("../themes/default")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sitegen.Generate(sitegen.Options{Pages: pages, Out: root, Seed: 1, Theme: theme}); err != nil {
		tb.Fatal(err)
	}
	return &testSite{Root: root, Content: filepath.Join(root, "content"), Theme: theme,
		Out: filepath.Join(root, "public")}
}

// MustFindTip returns the path of one generated tip.
func MustFindTip(tb testing.TB, s *testSite) string {
	tb.Helper()
	tips, err := filepath.Glob(filepath.Join(s.Content, "countries", "*", "tips", "*.md"))
	if err != nil || len(tips) == 0 {
		tb.Fatalf("no tips in the generated site: %v", err)
	}
	slices.Sort(tips)
	return tips[len(tips)/2]
}

// BenchmarkSaveToDisk measures, on a generated site (10k pages), the path
// of an editor's save through the real watcher and the worker to the
// re-rendered files on disk. Metrics (medians):
//   - event-ms: from the moment the watcher hands over its batch (after its
//     100 ms quiet window) to the build being published;
//   - fsevent-ms: from the first fsnotify event of the save, including the
//     quiet window;
//   - build-ms: the incremental Rebuild alone.
//
// Run: go test ./live -run '^$' -bench SaveToDisk -benchtime 20x
func BenchmarkSaveToDisk(b *testing.B) {
	s := MustGenSite(b, benchPages())
	handed := make(chan time.Time, 100)
	var worker *live.Worker
	w, err := watch.New([]string{s.Content}, "", func(batch watch.Batch) {
		handed <- time.Now()
		worker.FilesChanged(batch.Paths, batch.First)
	})
	if err != nil {
		b.Fatal(err)
	}
	worker = live.NewWorker(func() (*build.Builder, error) { return build.New(s.Config()) }, quiet)
	results, unsub := worker.Subscribe()
	defer unsub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go worker.Run(ctx)
	go w.Run(ctx)
	first := mustResult(b, results)
	b.Logf("initial full build: %d pages in %s", first.Build.Pages, first.Build.Duration)

	tip := MustFindTip(b, s)
	orig, err := os.ReadFile(tip)
	if err != nil {
		b.Fatal(err)
	}
	rel, _ := filepath.Rel(s.Content, strings.TrimSuffix(tip, ".md"))
	outFile := filepath.Join(s.Out, rel, "index.html")
	var event, fsevent, buildMs []float64
	b.ResetTimer()
	for i := range b.N {
		marker := fmt.Sprintf("bench-marker-%d", i)
		body := strings.Replace(string(orig), "\n---\n", "\n---\n"+marker+"\n\n", 1)
		if err := os.WriteFile(tip, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
		r := mustResult(b, results)
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		h := <-handed
		event = append(event, ms(r.Done.Sub(h)))
		fsevent = append(fsevent, ms(r.Done.Sub(r.Since)))
		buildMs = append(buildMs, ms(r.Done.Sub(r.Started)))
		b.StopTimer()
		if data, _ := os.ReadFile(outFile); !strings.Contains(string(data), marker) {
			b.Fatalf("%s lacks the edit", outFile)
		}
		b.StartTimer()
	}
	b.ReportMetric(median(event), "event-ms")
	b.ReportMetric(median(fsevent), "fsevent-ms")
	b.ReportMetric(median(buildMs), "build-ms")
}

// BenchmarkWarmMemory reports the heap the worker's builder holds for a
// generated site after a full build and a few rebuilds (the bulk of a
// running server's memory), after a GC.
func BenchmarkWarmMemory(b *testing.B) {
	s := MustGenSite(b, benchPages())
	worker := live.NewWorker(func() (*build.Builder, error) { return build.New(s.Config()) }, quiet)
	results, unsub := worker.Subscribe()
	defer unsub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go worker.Run(ctx)
	mustResult(b, results)
	tip := MustFindTip(b, s)
	for range b.N {
		worker.FilesChanged([]string{tip}, time.Now())
		mustResult(b, results)
	}
	debug.FreeOSMemory() // a GC, and freed pages back to the OS: RSS is what stays
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-inuse-MB")
	b.ReportMetric(float64(rssBytes())/(1<<20), "rss-MB")
}

// quiet keeps build logs out of benchmark output.
var quiet = live.WithLogger(slog.New(slog.DiscardHandler))

func mustResult(tb testing.TB, ch <-chan live.Result) live.Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	r, err := live.WaitBuild(ctx, ch, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if r.Err != nil {
		tb.Fatal(r.Err)
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// rssBytes reads the process's resident set size from /proc (Linux); 0
// elsewhere.
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			var kb int64
			fmt.Sscan(f[1], &kb)
			return kb * 1024
		}
	}
	return 0
}
