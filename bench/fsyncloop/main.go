//go:build linux

// Command fsyncloop times commits shaped like bbolt's on the disk of a
// folder, with no store and no server: the floor under a durable like.
// A bbolt commit writes its dirty pages, fdatasyncs, writes the meta page
// and fdatasyncs again; a group of ~60 likes dirties ~100 pages spread over
// the file (bench/RESULTS.md, section hlk). With -renamer a goroutine
// meanwhile rewrites 30 KB files by temp file and rename, as a rebuild
// publishes pages.
//
//	go run ./bench/fsyncloop -dir bench/out -pages 100 -random
//	go run ./bench/fsyncloop -dir bench/out -pages 100 -random -renamer
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

const (
	pageSize = 4096
	fileSize = 32 << 20 // written once in full: no holes, so no block allocation
)

func main() {
	dir := flag.String("dir", os.TempDir(), "folder on the disk to measure")
	n := flag.Int("n", 500, "commits")
	pages := flag.Int("pages", 100, "4 KiB pages written per commit")
	random := flag.Bool("random", false, "pages at random offsets (as bbolt's freelist hands them out), not contiguous")
	renamer := flag.Bool("renamer", false, "rewrite 30 KB files by temp file + rename meanwhile")
	flag.Parse()
	f, err := os.CreateTemp(*dir, "fsyncloop-*.db")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	if err := prefill(f); err != nil {
		log.Fatal(err)
	}
	if *renamer {
		stop, err := renameLoop(*dir)
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
	}
	var data, commit []time.Duration
	for i := range *n {
		d, c, err := commitOnce(f, i, *pages, *random)
		if err != nil {
			log.Fatal(err)
		}
		data, commit = append(data, d), append(commit, c)
	}
	fmt.Printf("pages + fdatasync:      %s\n", quantiles(data))
	fmt.Printf("commit (2 fdatasyncs):  %s\n", quantiles(commit))
}

// prefill writes the whole file and syncs it.
func prefill(f *os.File) error {
	chunk := make([]byte, 1<<20)
	for off := int64(0); off < fileSize; off += int64(len(chunk)) {
		if _, err := f.WriteAt(chunk, off); err != nil {
			return err
		}
	}
	return f.Sync()
}

// commitOnce writes pages pages (page i*pages.. or random ones) and
// fdatasyncs, then writes one of the two meta pages and fdatasyncs; it
// returns the time to the first sync and to the second.
func commitOnce(f *os.File, i, pages int, random bool) (data, commit time.Duration, err error) {
	buf := make([]byte, pageSize)
	const slots = fileSize/pageSize - 2
	start := time.Now()
	for p := range pages {
		slot := (i*pages + p) % slots
		if random {
			slot = rand.IntN(slots)
		}
		if _, err := f.WriteAt(buf, int64(2+slot)*pageSize); err != nil {
			return 0, 0, err
		}
	}
	if err := syscall.Fdatasync(int(f.Fd())); err != nil {
		return 0, 0, err
	}
	data = time.Since(start)
	if _, err := f.WriteAt(buf, int64(i%2)*pageSize); err != nil {
		return 0, 0, err
	}
	if err := syscall.Fdatasync(int(f.Fd())); err != nil {
		return 0, 0, err
	}
	return data, time.Since(start), nil
}

// renameLoop rewrites 160 files of 30 KB in a folder under dir, each by
// temp file and rename, until the returned stop is called.
func renameLoop(dir string) (stop func(), err error) {
	sub, err := os.MkdirTemp(dir, "fsyncloop-rename-")
	if err != nil {
		return nil, err
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		body := make([]byte, 30_000)
		for i := 0; ; i++ {
			select {
			case <-quit:
				return
			default:
			}
			name := filepath.Join(sub, fmt.Sprintf("page%d.html", i%160))
			if err := os.WriteFile(name+".tmp", body, 0o644); err != nil {
				log.Fatal(err)
			}
			if err := os.Rename(name+".tmp", name); err != nil {
				log.Fatal(err)
			}
		}
	}()
	return func() { close(quit); <-done; os.RemoveAll(sub) }, nil
}

// quantiles formats p50, p90, p99 and the maximum of ds.
func quantiles(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) string {
		return fmt.Sprintf("%.2f ms", float64(s[int(q*float64(len(s)-1))])/1e6)
	}
	return fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s", at(0.5), at(0.9), at(0.99), at(1))
}
