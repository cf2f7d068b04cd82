package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/bench/sitegen"
)

// BenchmarkServeLikeToPopular runs `beforetrip serve` on a generated
// 10k-page site (1000 with -short) and measures, through the real API, a
// like (PUT /api/likes answered) to the rebuilt popular page on disk (the
// live-reload event that lists /popular/), with the default debounce of 1 s.
// It then reports the memory the warm server holds after a GC (rss-MB) and
// the process's peak resident set (peak-rss-MB, VmHWM: the initial full
// build and every rebuild included).
//
// Run: go test ./cmd/beforetrip -run '^$' -bench ServeLikeToPopular -benchtime 10x
func BenchmarkServeLikeToPopular(b *testing.B) {
	pages := 10000
	if testing.Short() {
		pages = 1000
	}
	root := b.TempDir()
	theme, err := filepath.Abs("../../themes/default")
	if err != nil {
		b.Fatal(err)
	}
	if err := sitegen.Generate(sitegen.Options{Pages: pages, Out: root, Seed: 1, Theme: theme}); err != nil {
		b.Fatal(err)
	}
	// Benchmarks register many readers from one IP.
	f, err := os.OpenFile(filepath.Join(root, "config.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintln(f, "api:\n  limits: \"off\"")
	f.Close()
	start := time.Now()
	s := MustStartServeAt(b, root)
	b.Logf("serve up on a %d-page site in %s", pages, time.Since(start).Round(time.Millisecond))

	tips, err := filepath.Glob(filepath.Join(root, "content", "countries", "*", "tips", "*.md"))
	if err != nil || len(tips) < b.N {
		b.Fatalf("not enough tips: %v", err)
	}
	slices.Sort(tips)
	var lat []float64
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		tok := s.MustUser(b, fmt.Sprintf("bench%d", i))
		rel, _ := filepath.Rel(filepath.Join(root, "content"), strings.TrimSuffix(tips[i*7%len(tips)], ".md"))
		page := filepath.ToSlash(rel)
		b.StartTimer()
		t0 := time.Now()
		if code := s.api(b, "PUT", "/api/likes?page="+page, tok, nil, nil); code != 200 {
			b.Fatalf("like %s: %d", page, code)
		}
		s.waitFor(b, "/popular/")
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "like-to-popular-ms")

	debug.FreeOSMemory() // a GC, and freed pages back to the OS: RSS is what stays
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-inuse-MB")
	b.ReportMetric(float64(procKB("VmRSS:"))/1024, "rss-MB")
	b.ReportMetric(float64(procKB("VmHWM:"))/1024, "peak-rss-MB")
}

// procKB reads a field of /proc/self/status in KiB (VmRSS: the resident
// set, VmHWM: its peak); 0 elsewhere than Linux.
func procKB(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == field {
			var kb int64
			fmt.Sscan(f[1], &kb)
			return kb
		}
	}
	return 0
}
