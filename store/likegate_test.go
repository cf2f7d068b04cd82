package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
)

// TestLikeGateMixedFailures runs rounds of concurrent likes where some fail
// inside the batch (a deleted reader review's page), so bbolt re-runs the
// batch without them and then runs each alone: every call returns, the
// gate opens again, and the counts are exact.
func TestLikeGateMixedFailures(t *testing.T) {
	db := MustOpen(t)
	const users = 16
	var ids []uint64
	for i := range users {
		ids = append(ids, MustUser(t, db, fmt.Sprintf("gate%d", i)).ID)
	}
	good := storetest.TipPage("japan", "jr-pass", time.Now())
	gone := beforetrip.PageMeta{ID: "countries/japan/reviews/u-999", Section: beforetrip.SectionReviews,
		Country: "japan", Date: time.Now()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for round := range 20 {
		liked := round%2 == 0
		var wg sync.WaitGroup
		for i, uid := range ids {
			wg.Go(func() {
				if _, err := db.SetLike(ctx, good, uid, liked); err != nil {
					t.Errorf("round %d: like: %v", round, err)
				}
				if i%3 == 0 {
					_, err := db.SetLike(ctx, gone, uid, true)
					if beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
						t.Errorf("round %d: like of a missing review's page: %v, want not found", round, err)
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		stats, err := db.PageStats(ctx, []string{good.ID}, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if liked {
			want = users
		}
		if got := stats[good.ID].Likes; got != want {
			t.Fatalf("round %d: likes = %d, want %d", round, got, want)
		}
	}
	checkInvariants(t, db)
}

// TestLikeGateWaitsForCommit holds the gate as a committing batch does: a
// like waits for it (and gives up with its context), and goes through once
// the batch has left.
func TestLikeGateWaitsForCommit(t *testing.T) {
	db := MustOpen(t)
	u := MustUser(t, db, "waiter")
	page := storetest.TipPage("japan", "suica", time.Now())
	gen := db.likes.running(-1) // no real transaction has this ID

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := db.SetLike(ctx, page, u.ID, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("like while the gate is closed: %v, want the context's deadline", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.SetLike(context.Background(), page, u.ID, true)
		done <- err
	}()
	db.likes.leave(gen)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("like still waiting after the gate opened")
	}
	checkInvariants(t, db)
}
