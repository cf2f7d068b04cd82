//go:build unix

package build

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"
)

// BenchmarkIndexOverhead10k: cold builds of the 10k site with the search
// index and without it (noIndex), in alternating pairs so that a shared
// machine's load weighs on both alike; index-cpu-% is what indexing adds
// to the build's CPU time (user+sys of the process), index-wall-% to its
// wall time, index-user-% to its user CPU alone (system time is mostly
// the kernel creating files, which varies several-fold between runs on a
// shared VM's disk). The target is ≤ 15 %. Both builds are made
// with Once, as the build command makes them, under Go's default garbage
// collector settings: the command's (TuneGC) bound the whole process, and
// this one holds more than a build (with them: +87 % user CPU where Go's
// defaults gave +55 % in the same hour).
func BenchmarkIndexOverhead10k(b *testing.B) {
	ts := MustBenchSite(b, 10000)
	var cpu, user, wall [2]time.Duration // with, without
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, off := range []bool{false, true} {
			b.StopTimer()
			os.RemoveAll(ts.Out)
			// Both builds cold: the render cache beside the output
			// would otherwise let the second build skip rendering.
			os.RemoveAll(filepath.Join(filepath.Dir(ts.Out), ".beforetrip-cache"))
			bl := MustBuilder(b, ts, nil, Once())
			bl.noIndex = off
			runtime.GC()
			u, s := cpuTime(b)
			t := time.Now()
			b.StartTimer()
			MustBuild(b, bl)
			wall[k] += time.Since(t)
			u2, s2 := cpuTime(b)
			user[k] += u2 - u
			cpu[k] += u2 + s2 - u - s
		}
	}
	b.ReportMetric(100*float64(cpu[0]-cpu[1])/float64(cpu[1]), "index-cpu-%")
	b.ReportMetric(100*float64(wall[0]-wall[1])/float64(wall[1]), "index-wall-%")
	b.ReportMetric(100*float64(user[0]-user[1])/float64(user[1]), "index-user-%")
	b.ReportMetric(cpu[0].Seconds()/float64(b.N), "cpu-s-with")
	b.ReportMetric(cpu[1].Seconds()/float64(b.N), "cpu-s-without")
	b.ReportMetric(user[0].Seconds()/float64(b.N), "user-s-with")
	b.ReportMetric(user[1].Seconds()/float64(b.N), "user-s-without")
}

// BenchmarkHeapAfterBuild10k: the heap a builder keeps after a cold
// build of the 10k site (what `serve` and `api` hold between builds):
// in use after a GC, the builder alive. With HEAP_PROFILE=FILE it writes
// an in-use heap profile there.
func BenchmarkHeapAfterBuild10k(b *testing.B) {
	ts := MustBenchSite(b, 10000)
	var inuse uint64
	for range b.N {
		os.RemoveAll(ts.Out)
		os.RemoveAll(filepath.Join(filepath.Dir(ts.Out), ".beforetrip-cache"))
		bl := MustBuilder(b, ts, nil)
		MustBuild(b, bl)
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		inuse += m.HeapInuse
		if f := os.Getenv("HEAP_PROFILE"); f != "" {
			out, err := os.Create(f)
			if err != nil {
				b.Fatal(err)
			}
			pprof.WriteHeapProfile(out)
			out.Close()
		}
		runtime.KeepAlive(bl)
	}
	b.ReportMetric(float64(inuse)/float64(b.N)/(1<<20), "heap-inuse-MB")
}

// cpuTime is the user and system time of this process so far.
func cpuTime(b *testing.B) (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
