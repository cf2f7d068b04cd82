package build

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestBackgroundPublishTakesTurns: a background batch (a data-only
// rebuild in a server) hands the processor to waiting goroutines between
// the files it publishes, instead of holding it until the last one (in a
// like storm, the likes a commit had woken waited 6 ms for a processor
// while the publishing workers held both). With one processor, a
// goroutine waiting to run must see the publish half done at most.
func TestBackgroundPublishTakesTurns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const n = 300
	for _, background := range []bool{true, false} {
		w := newWriter(t.TempDir())
		bt, err := w.begin(false)
		if err != nil {
			t.Fatal(err)
		}
		bt.background = background
		for i := range n {
			if err := bt.stage(fmt.Sprintf("f%03d.html", i), bytes.NewBufferString("<p>page</p>")); err != nil {
				t.Fatal(err)
			}
		}
		// The probe waits, yielding, until the first file is in place,
		// then counts the files published by the time it runs again.
		seen := make(chan int, 1)
		go func() {
			for published(t, w.dir) == 0 {
				runtime.Gosched()
			}
			seen <- published(t, w.dir)
		}()
		if _, _, err := bt.publish(nil); err != nil {
			t.Fatal(err)
		}
		got := <-seen
		t.Logf("background %v: the probe saw %d of %d files", background, got, n)
		if background && got > n/2 {
			t.Errorf("background publish: a waiting goroutine ran only after %d of %d files", got, n)
		}
	}
}

// published counts the pages in dir; -1 when it cannot be read (the probe
// goroutine calls it, so it reports with Error, not Fatal).
func published(t *testing.T, dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Error(err)
		return -1
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") && !strings.HasPrefix(e.Name(), tmpPrefix) {
			n++
		}
	}
	return n
}
