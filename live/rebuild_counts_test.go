package live_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/live"
)

// Count changes (likes, comments, reviews from the API): how the worker
// coalesces them, bounds their wait and rests between count builds.

func TestDataChangesAreCoalesced(t *testing.T) {
	s := MustSite(t)
	w := MustRun(t, s.Config, live.WithDebounce(100*time.Millisecond), live.WithMaxWait(10*time.Second))
	pages := []string{"countries/japan/tips/jr-pass", "countries/japan/tips/suica", "countries/japan"}
	for i := range 3000 {
		w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: pages[i%len(pages)]})
	}
	r := w.Next(t)
	if r.Err != nil || len(r.Data) != len(pages) || len(r.Files) != 0 {
		t.Fatalf("got data %v files %v err %v, want the %d pages once", r.Data, r.Files, r.Err, len(pages))
	}
	// Nothing else was pending: the next build holds only the next change.
	tip := s.P("content/countries/japan/tips/suica.md")
	MustWrite(t, tip, fmt.Sprintf(tipMD, "Suica", "x"))
	w.FilesChanged([]string{tip}, time.Now())
	if r := w.Next(t); len(r.Data) != 0 || r.Seq != 3 {
		t.Errorf("second build: seq %d data %v, want seq 3 and no data", r.Seq, r.Data)
	}
}

func TestDataMaxWait(t *testing.T) {
	s := MustSite(t)
	// The debounce never expires while changes keep coming every 10 ms:
	// only the max wait can start a build before the storm ends.
	w := MustRun(t, s.Config, live.WithDebounce(time.Second), live.WithMaxWait(300*time.Millisecond))
	ctx, stop := context.WithCancel(context.Background())
	stormDone := make(chan struct{})
	go func() {
		defer close(stormDone)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan"})
			}
		}
	}()
	r := w.Next(t) // fails after its timeout if the storm holds the build back
	stop()
	<-stormDone
	if r.Err != nil || len(r.Data) != 1 {
		t.Errorf("got data %v err %v", r.Data, r.Err)
	}
}

func TestCountRebuildsRest(t *testing.T) {
	s := MustSite(t)
	const k = 50
	w := MustRun(t, s.Config, live.WithDebounce(time.Millisecond), live.WithMaxWait(time.Minute),
		live.WithCountsCooldown(k))
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/jr-pass"})
	first := w.Next(t)
	if first.Err != nil || !first.DataOnly() {
		t.Fatalf("first like build: data-only %v err %v", first.DataOnly(), first.Err)
	}
	rest := first.Done.Add(k * first.Done.Sub(first.Started))
	// Likes and comments during the rest wait for its end, then go as one
	// build.
	pages := []string{"countries/japan/tips/jr-pass", "countries/japan/tips/suica", "countries/japan"}
	for i := range 300 {
		kind := []beforetrip.ChangeKind{beforetrip.ChangeLikes, beforetrip.ChangeComments}[i%2]
		w.Notify(beforetrip.Change{Kind: kind, Page: pages[i%len(pages)]})
	}
	second := w.Next(t)
	if second.Err != nil || len(second.Data) != 2*len(pages) {
		t.Fatalf("second build: data %v err %v, want each page's likes and comments once", second.Data, second.Err)
	}
	if second.Started.Before(rest) {
		t.Errorf("count build started %v before the rest after a %v build ended",
			rest.Sub(second.Started), first.Done.Sub(first.Started))
	}
}

// The rest never holds a count past the max wait: a count is at most
// max_wait stale, whatever the last build cost.
func TestCountRestEndsAtMaxWait(t *testing.T) {
	s := MustSite(t)
	const maxWait = 300 * time.Millisecond
	w := MustRun(t, s.Config, live.WithDebounce(time.Millisecond), live.WithMaxWait(maxWait),
		live.WithCountsCooldown(1e6))
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/jr-pass"})
	if r := w.Next(t); r.Err != nil || !r.DataOnly() {
		t.Fatalf("first like build: data-only %v err %v", r.DataOnly(), r.Err)
	}
	sent := time.Now()
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/suica"})
	r := w.Next(t) // fails after its timeout if the like waits for the rest
	if r.Err != nil || len(r.Data) != 1 {
		t.Fatalf("second like build: data %v err %v", r.Data, r.Err)
	}
	if waited := r.Started.Sub(sent); waited < maxWait {
		t.Errorf("the like waited %v, want the max wait %v (the rest holds it until then)", waited, maxWait)
	}
}

func TestReviewsSkipTheCountRest(t *testing.T) {
	s := MustSite(t)
	// A rest of a million times the last build (at least 1,000 s for a
	// build of 1 ms): counts alone would not build again within the test's
	// timeout.
	w := MustRun(t, s.Config, live.WithDebounce(time.Millisecond), live.WithMaxWait(time.Hour),
		live.WithCountsCooldown(1e6))
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/jr-pass"})
	if r := w.Next(t); r.Err != nil || !r.DataOnly() {
		t.Fatalf("like build: data-only %v err %v", r.DataOnly(), r.Err)
	}
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/suica"})
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeReview, Page: "countries/japan/reviews/u-1", Country: "japan"})
	r := w.Next(t) // fails after its timeout if the review waits for the rest
	if r.Err != nil || len(r.Data) != 2 {
		t.Errorf("got data %v err %v, want the review and the waiting like together", r.Data, r.Err)
	}
	// A file change is not held back either.
	tip := s.P("content/countries/japan/tips/suica.md")
	MustWrite(t, tip, fmt.Sprintf(tipMD, "Suica", "rested"))
	w.FilesChanged([]string{tip}, time.Now())
	if r := w.Next(t); r.Err != nil || len(r.Files) != 1 {
		t.Errorf("file build: files %v err %v", r.Files, r.Err)
	}
}
