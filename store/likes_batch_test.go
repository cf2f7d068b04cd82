package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// TestConcurrentSameLikeCountedOnce: concurrent likes of one (user, page)
// pair land in one bbolt Batch transaction; the second must see the first's
// row. (A nil value made Get report the fresh row as absent, so the pair was
// counted once per request.)
func TestConcurrentSameLikeCountedOnce(t *testing.T) {
	db := MustOpen(t)
	u := MustUser(t, db, "twice")
	page := beforetrip.PageMeta{ID: "countries/japan/tips/jr-pass", Section: "tips", Country: "japan", Date: time.Now()}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.SetLike(context.Background(), page, u.ID, true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stats, err := db.PageStats(context.Background(), []string{page.ID}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := stats[page.ID].Likes; got != 1 {
		t.Errorf("likes = %d, want 1", got)
	}
	checkInvariants(t, db)
}
