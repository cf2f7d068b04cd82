package storetest

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func mustLikesSince(tb testing.TB, db Store, since time.Time) map[string]int64 {
	tb.Helper()
	got, err := db.LikesSince(context.Background(), since)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func mustLike(tb testing.TB, db Store, page beforetrip.PageMeta, user uint64, liked bool) {
	tb.Helper()
	if _, err := db.SetLike(context.Background(), page, user, liked); err != nil {
		tb.Fatal(err)
	}
}

// testLikesSince: the window counts the standing likes made in it; a
// repeated like keeps its first time, an unlike (or a like again later)
// moves it, and account and review deletion take their likes' times along.
func (b Backend) testLikesSince(t *testing.T) {
	ctx := context.Background()
	clock := &Clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	db := b.openClock(t, clock.Now)
	alice, bob, carol := MustUser(t, db, "alice"), MustUser(t, db, "bob"), MustUser(t, db, "carol")
	pa := TipPage("japan", "a", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	pb := TipPage("japan", "b", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC))
	start := clock.Now()
	mustLike(t, db, pa, alice.ID, true) // day 0
	clock.Advance(10 * 24 * time.Hour)
	mustLike(t, db, pa, bob.ID, true) // day 10
	mustLike(t, db, pb, bob.ID, true)
	clock.Advance(10 * 24 * time.Hour)
	mustLike(t, db, pa, alice.ID, true) // day 20: already liked, keeps day 0
	mustLike(t, db, pb, carol.ID, true)
	b.check(t, db)
	tests := []struct {
		since time.Time
		want  map[string]int64
	}{
		{start, map[string]int64{pa.ID: 2, pb.ID: 2}},
		{start.Add(time.Second), map[string]int64{pa.ID: 1, pb.ID: 2}},
		{start.Add(15 * 24 * time.Hour), map[string]int64{pb.ID: 1}},
		{start.Add(21 * 24 * time.Hour), map[string]int64{}},
	}
	for _, tt := range tests {
		if got := mustLikesSince(t, db, tt.since); !maps.Equal(got, tt.want) {
			t.Errorf("LikesSince(%s) = %v, want %v", tt.since, got, tt.want)
		}
	}
	// Unlike and like again: the like now dates from day 20.
	mustLike(t, db, pa, alice.ID, false)
	mustLike(t, db, pa, alice.ID, true)
	if got, want := mustLikesSince(t, db, start.Add(15*24*time.Hour)), map[string]int64{pa.ID: 1, pb.ID: 1}; !maps.Equal(got, want) {
		t.Errorf("after unlike and like: %v, want %v", got, want)
	}
	if _, err := db.DeleteAccount(ctx, carol.ID); err != nil {
		t.Fatal(err)
	}
	r := MustReview(t, db, bob, "japan", "r")
	mustLike(t, db, beforetrip.PageMeta{ID: r.PageID(), Section: beforetrip.SectionReviews, Country: "japan"}, alice.ID, true)
	if err := db.DeleteReview(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if got, want := mustLikesSince(t, db, start.Add(15*24*time.Hour)), map[string]int64{pa.ID: 1}; !maps.Equal(got, want) {
		t.Errorf("after deleting carol and the review: %v, want %v", got, want)
	}
	b.check(t, db)
}
