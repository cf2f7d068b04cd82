package live_test

import (
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/live"
)

// Pending is what shutdown reports as left for the next start.
func TestPendingCountsQueuedWork(t *testing.T) {
	s := MustSite(t)
	w := MustRun(t, s.Config, live.WithDebounce(time.Hour), live.WithMaxWait(time.Hour))
	if files, data, full := w.Pending(); files != 0 || data != 0 || full {
		t.Fatalf("after the first build: pending files %d data %d full %t, want none", files, data, full)
	}
	for range 3 {
		w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan"})
	}
	w.Notify(beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: "countries/japan/tips/jr-pass"})
	if files, data, full := w.Pending(); files != 0 || data != 2 || full {
		t.Fatalf("pending files %d data %d full %t, want 2 data changes (a page once however many likes)", files, data, full)
	}
}
