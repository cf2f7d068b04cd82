package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkWriteTree is the file-system floor of a cold build: 11,000 pages,
// each index.html (24 KB, the mean page size at 10k) in its own folder as
// the builder lays them out, written directly or through a temp file +
// rename as the builder publishes. It reports system CPU per tree, the part
// of a cold build that varies most on a shared VM.
func BenchmarkWriteTree(b *testing.B) {
	const files = 11000
	data := make([]byte, 24<<10)
	modes := []struct {
		name  string
		write func(dir string) error
	}{
		{"direct", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "index.html"), data, 0o644)
		}},
		{"temp-rename", func(dir string) error {
			f, err := os.CreateTemp(dir, ".bt-tmp-*")
			if err != nil {
				return err
			}
			_, werr := f.Write(data)
			if werr == nil {
				werr = f.Chmod(0o644)
			}
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return werr
			}
			return os.Rename(f.Name(), filepath.Join(dir, "index.html"))
		}},
	}
	for _, m := range modes {
		b.Run("mode="+m.name, func(b *testing.B) {
			root := b.TempDir()
			var sys time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				tree := filepath.Join(root, fmt.Sprint("tree", i))
				s0 := systemTime(b)
				b.StartTimer()
				for f := range files {
					dir := filepath.Join(tree, "countries", fmt.Sprint("c", f%50), "tips", fmt.Sprint("p", f))
					if err := os.MkdirAll(dir, 0o755); err != nil {
						b.Fatal(err)
					}
					if err := m.write(dir); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				sys += systemTime(b) - s0
				if err := os.RemoveAll(tree); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(sys)/float64(b.N)/float64(time.Millisecond), "sys-ms/op")
		})
	}
}

// systemTime is the process's system CPU time so far.
func systemTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Stime.Nano())
}
