package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func MustReview(tb testing.TB, db Store, u *beforetrip.User, country, title string) *beforetrip.Review {
	tb.Helper()
	r := &beforetrip.Review{Country: country, Title: title, Rating: 4, Body: "body of " + title,
		Author: beforetrip.Author{ID: u.ID, Username: u.Username}}
	if err := db.CreateReview(context.Background(), r); err != nil {
		tb.Fatalf("review %q: %v", title, err)
	}
	return r
}

func ReviewIDs(rs []beforetrip.Review) []uint64 {
	ids := make([]uint64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func (b Backend) testReviewsQuery(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	a1 := MustReview(t, db, alice, "japan", "a1")
	b1 := MustReview(t, db, bob, "japan", "b1")
	a2 := MustReview(t, db, alice, "korea", "a2")
	a3 := MustReview(t, db, alice, "japan", "a3")
	if a1.ID == 0 || a1.CreatedAt.IsZero() {
		t.Fatalf("review = %+v: want ID and CreatedAt", a1)
	}
	tests := []struct {
		name string
		q    beforetrip.ReviewQuery
		want []uint64
	}{
		{"all", beforetrip.ReviewQuery{}, []uint64{a3.ID, a2.ID, b1.ID, a1.ID}},
		{"japan", beforetrip.ReviewQuery{Country: "japan"}, []uint64{a3.ID, b1.ID, a1.ID}},
		{"alice", beforetrip.ReviewQuery{AuthorID: alice.ID}, []uint64{a3.ID, a2.ID, a1.ID}},
		{"alice in japan", beforetrip.ReviewQuery{AuthorID: alice.ID, Country: "japan"}, []uint64{a3.ID, a1.ID}},
		{"nobody", beforetrip.ReviewQuery{Country: "peru"}, []uint64{}},
	}
	for _, tt := range tests {
		for _, limit := range []int{1, 2, 10} {
			t.Run(fmt.Sprintf("%s/limit=%d", tt.name, limit), func(t *testing.T) {
				q := tt.q
				q.Limit = limit
				got := []uint64{}
				for range 10 {
					page, err := db.Reviews(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, ReviewIDs(page.Reviews)...)
					if page.Next == "" {
						break
					}
					q.Cursor = page.Next
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			})
		}
	}
	all, err := db.ReaderReviews(ctx)
	if err != nil || fmt.Sprint(ReviewIDs(all)) != fmt.Sprint([]uint64{a3.ID, a2.ID, b1.ID, a1.ID}) {
		t.Errorf("ReaderReviews = %v, %v", ReviewIDs(all), err)
	}
	b.check(t, db)
}

func (b Backend) testReviewErrors(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	valid := beforetrip.Review{Country: "japan", Title: "t", Rating: 3, Author: beforetrip.Author{ID: alice.ID}}
	tests := []struct {
		name   string
		change func(r *beforetrip.Review)
	}{
		{"no country", func(r *beforetrip.Review) { r.Country = "" }},
		{"country with slash", func(r *beforetrip.Review) { r.Country = "a/b" }},
		{"no title", func(r *beforetrip.Review) { r.Title = " " }},
		{"long title", func(r *beforetrip.Review) { r.Title = strings.Repeat("x", beforetrip.MaxReviewTitleLen+1) }},
		{"rating 0", func(r *beforetrip.Review) { r.Rating = 0 }},
		{"rating 6", func(r *beforetrip.Review) { r.Rating = 6 }},
		{"long body", func(r *beforetrip.Review) { r.Body = strings.Repeat("x", beforetrip.MaxReviewBodyLen+1) }},
		{"no author", func(r *beforetrip.Review) { r.Author.ID = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid
			tt.change(&r)
			wantCode(t, db.CreateReview(ctx, &r), beforetrip.EINVALID)
		})
	}
	_, err := db.Review(ctx, 1)
	wantCode(t, err, beforetrip.ENOTFOUND)
	wantCode(t, db.DeleteReview(ctx, 1), beforetrip.ENOTFOUND)
	_, err = db.Reviews(ctx, beforetrip.ReviewQuery{Cursor: "%%"})
	wantCode(t, err, beforetrip.EINVALID)
}

func (b Backend) testUpdateReview(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	r := MustReview(t, db, alice, "japan", "old")
	now := time.Now().UTC()
	got, err := db.UpdateReview(ctx, r.ID, func(r *beforetrip.Review) error {
		r.Title, r.Rating, r.EditedAt = "new", 5, &now
		return nil
	})
	if err != nil || got.Title != "new" || got.Rating != 5 {
		t.Fatalf("update = %+v, %v", got, err)
	}
	stored, _ := db.Review(ctx, r.ID)
	if stored.Title != "new" || stored.EditedAt == nil {
		t.Errorf("stored = %+v", stored)
	}
	_, err = db.UpdateReview(ctx, r.ID, func(r *beforetrip.Review) error { r.Rating = 9; return nil })
	wantCode(t, err, beforetrip.EINVALID)
	if _, err = db.UpdateReview(ctx, r.ID, func(r *beforetrip.Review) error { r.Country = "korea"; return nil }); err == nil {
		t.Error("moving a review to another country succeeded")
	}
	_, err = db.UpdateReview(ctx, 99, func(*beforetrip.Review) error { return nil })
	wantCode(t, err, beforetrip.ENOTFOUND)
	b.check(t, db)
}

// TestDeleteReviewCascades removes a liked, commented review and checks
// nothing of its page is left while its neighbours are untouched.
func (b Backend) testDeleteReviewCascades(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	r := MustReview(t, db, alice, "japan", "doomed")
	keep := MustReview(t, db, alice, "japan", "kept")
	meta := func(r *beforetrip.Review) beforetrip.PageMeta {
		return beforetrip.PageMeta{ID: r.PageID(), Kind: beforetrip.KindReaderReview, Section: beforetrip.SectionReviews, Country: r.Country, Date: r.CreatedAt}
	}
	for _, rv := range []*beforetrip.Review{r, keep} {
		for _, u := range []*beforetrip.User{alice, bob} {
			if _, err := db.SetLike(ctx, meta(rv), u.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		c := MustComment(t, db, rv.PageID(), bob, 0, "nice", false)
		MustComment(t, db, rv.PageID(), alice, c.ID, "thanks", false)
		MustComment(t, db, rv.PageID(), bob, 0, "waiting", true)
	}
	if err := db.DeleteReview(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	b.check(t, db)
	_, err := db.Review(ctx, r.ID)
	wantCode(t, err, beforetrip.ENOTFOUND)
	counts, _ := db.PageCounts(ctx)
	if _, ok := counts[r.PageID()]; ok {
		t.Errorf("deleted review still has counts %+v", counts[r.PageID()])
	}
	if got := counts[keep.PageID()]; got != (beforetrip.Counts{Likes: 2, Comments: 2}) {
		t.Errorf("kept review counts = %+v, want 2 likes and 2 comments", got)
	}
	pop, _ := db.Popular(ctx, beforetrip.PopularQuery{})
	if len(pop) != 1 || pop[0].ID != keep.PageID() {
		t.Errorf("popular = %+v, want only the kept review", pop)
	}
	queue, _ := db.PendingComments(ctx, "", 10)
	if len(queue.Comments) != 1 || queue.Comments[0].Page != keep.PageID() {
		t.Errorf("pending queue = %+v, want only the kept review's", queue.Comments)
	}
	reviews, _ := db.Reviews(ctx, beforetrip.ReviewQuery{AuthorID: alice.ID})
	if len(reviews.Reviews) != 1 {
		t.Errorf("alice's reviews = %d, want 1", len(reviews.Reviews))
	}
}
