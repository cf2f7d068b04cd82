package build

import (
	"runtime"
	"syscall"
	"testing"
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
