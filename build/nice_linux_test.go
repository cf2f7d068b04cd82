package build

import (
	"context"
	"runtime"
	"sync"
	"syscall"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestBackground: a data-only rebuild worker runs on a thread of lower
// priority, and that priority dies with the worker instead of passing to
// other goroutines.
func TestBackground(t *testing.T) {
	// getpriority(2) answers 20 - nice.
	prio := func() int {
		p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
		if err != nil {
			t.Fatal(err)
		}
		return 20 - p
	}
	base := prio()
	got := make(chan int)
	go func() {
		background()
		got <- prio()
	}()
	if n, want := <-got, max(base, backgroundNice); n != want {
		t.Errorf("worker nice = %d, want %d", n, want)
	}
	if base >= backgroundNice {
		t.Skipf("the tests run at nice %d: nothing to tell apart", base)
	}
	// Goroutines started afterwards run on ordinary threads.
	for range 20 {
		done := make(chan int)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			done <- prio()
		}()
		if n := <-done; n == backgroundNice {
			t.Fatal("a later goroutine ran on the background thread")
		}
	}
}

// niceLog is a SiteData that records the nice value of the thread each
// count read runs on: reads happen on the build's own goroutine.
type niceLog struct {
	*memData
	mu   sync.Mutex
	seen []int
}

func (n *niceLog) record() {
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		panic(err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seen = append(n.seen, 20-p)
}

func (n *niceLog) take() []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.seen
	n.seen = nil
	return s
}

func (n *niceLog) PageCounts(ctx context.Context) (map[string]beforetrip.Counts, error) {
	n.record()
	return n.memData.PageCounts(ctx)
}

func (n *niceLog) CountsOf(ctx context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	n.record()
	return n.memData.CountsOf(ctx, ids)
}

// TestBackgroundBuilds: with WithBackground a full build and a data
// rebuild run their own steps (here: reading counts) on a thread of lower
// priority, not only their render workers, and the caller's thread keeps
// its priority. Without it they run at the caller's (full builds used to
// run at normal priority in serve and api: bench/likes.sh, issue 20).
func TestBackgroundBuilds(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid())
	if err != nil {
		t.Fatal(err)
	}
	base := 20 - p
	if base >= backgroundNice {
		t.Skipf("the tests run at nice %d: nothing to tell apart", base)
	}
	like := beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/jr-pass"}
	for _, bg := range []bool{true, false} {
		ts := MustSite(t)
		data := &niceLog{memData: &memData{}}
		opts := []Option{WithSiteData(data)}
		want := base
		if bg {
			opts, want = append(opts, WithBackground()), backgroundNice
		}
		b := MustBuilder(t, ts, nil, opts...)
		MustBuild(t, b)
		MustRebuild(t, b, Changes{Data: []beforetrip.Change{like}})
		seen := data.take()
		if len(seen) < 2 {
			t.Fatalf("background %v: %d count reads, want a full build's and a rebuild's", bg, len(seen))
		}
		for i, n := range seen {
			if n != want {
				t.Errorf("background %v: count read %d at nice %d, want %d", bg, i, n, want)
			}
		}
		if p, _ := syscall.Getpriority(syscall.PRIO_PROCESS, syscall.Gettid()); 20-p != base {
			t.Errorf("background %v: the caller's thread is at nice %d after the builds, want %d", bg, 20-p, base)
		}
	}
}
