package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
)

// reviewMeta is the PageMeta the API passes for a reader review's page id.
func reviewMeta(id, country string) beforetrip.PageMeta {
	return beforetrip.PageMeta{ID: id, Kind: beforetrip.KindReaderReview,
		Section: beforetrip.SectionReviews, Country: country}
}

// TestReaderReviewPageWrites: likes and comments of a reader review's page
// need the review, checked inside the writing transaction.
func TestReaderReviewPageWrites(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	alice := MustUser(t, db, "alice")
	live := storetest.MustReview(t, db, alice, "japan", "live")
	gone := storetest.MustReview(t, db, alice, "japan", "gone")
	if err := db.DeleteReview(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, page string
		code       string // "" for success
	}{
		{"live review", live.PageID(), ""},
		{"deleted review", gone.PageID(), beforetrip.ENOTFOUND},
		{"never created", "countries/japan/reviews/u-999", beforetrip.ENOTFOUND},
		{"review of another country", fmt.Sprintf("countries/korea/reviews/u-%d", live.ID), beforetrip.ENOTFOUND},
		// Not the canonical reader-review form: a static page slug.
		{"leading zero", fmt.Sprintf("countries/japan/reviews/u-0%d", gone.ID), ""},
		{"static review page", "countries/japan/reviews/kyoto-in-autumn", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			country, _, _ := beforetrip.SplitPageID(tt.page)
			_, err := db.SetLike(ctx, reviewMeta(tt.page, country), alice.ID, true)
			wantCode(t, err, tt.code)
			c := &beforetrip.Comment{Page: tt.page, Body: "hi", Author: beforetrip.Author{ID: alice.ID}}
			wantCode(t, db.CreateComment(ctx, c), tt.code)
			// Unliking never needs the review: it cannot leave anything behind.
			n, err := db.SetLike(ctx, reviewMeta(tt.page, country), alice.ID, false)
			if err != nil || n != 0 {
				t.Fatalf("unlike = %d, %v; want 0, nil", n, err)
			}
		})
	}
	counts, err := db.PageCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := counts[gone.PageID()]; ok {
		t.Errorf("deleted review's page has %+v", c)
	}
	checkInvariants(t, db)
}

// TestDeleteReviewRace likes and comments a review's page while the review
// is deleted: whatever the order of the commits, nothing of the page is
// left once everything returned.
func TestDeleteReviewRace(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	users := make([]*beforetrip.User, 8)
	for i := range users {
		users[i] = MustUser(t, db, fmt.Sprintf("racer%d", i))
	}
	for round := range 20 {
		r := storetest.MustReview(t, db, users[0], "japan", fmt.Sprintf("round %d", round))
		page := r.PageID()
		var wg sync.WaitGroup
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if i%2 == 0 {
					err = db.CreateComment(ctx, &beforetrip.Comment{Page: page, Body: "racing", Author: beforetrip.Author{ID: u.ID}})
				} else {
					_, err = db.SetLike(ctx, reviewMeta(page, "japan"), u.ID, true)
				}
				if err != nil && beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
					t.Errorf("write: %v", err)
				}
			}()
		}
		if err := db.DeleteReview(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		counts, err := db.PageCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := counts[page]; ok {
			t.Fatalf("round %d: deleted review %s still has %+v", round, page, c)
		}
	}
	checkInvariants(t, db)
}
