package store

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// allocated is how many bytes fn allocates, averaged over n runs.
func allocated(n int, fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		fn()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n)
}

// TestReviewHead: checking that a reader review's page exists reads only
// its head. Issue 12's review stored 25 MB of HTML, and every
// /api/page?id=u-… decoded all of it (120 ms); ReviewHead allocates a few
// KiB whatever the body, and agrees with Review on every other field, also
// for rows stored in the older field order (body before created_at).
func TestReviewHead(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	u := MustUser(t, db, "kim")
	big := &beforetrip.Review{Country: "japan", Title: "big", Rating: 5, Body: strings.Repeat("[a] ", 5000),
		HTML:   strings.Repeat(`<a href="http://e.example/aaaaaaaaaa" rel="nofollow ugc noopener">a</a> `, 25<<20/72),
		Author: beforetrip.Author{ID: u.ID, Username: u.Username}}
	if err := db.CreateReview(ctx, big); err != nil {
		t.Fatal(err)
	}
	full, err := db.Review(ctx, big.ID)
	if err != nil {
		t.Fatal(err)
	}
	head, err := db.ReviewHead(ctx, big.ID)
	if err != nil {
		t.Fatal(err)
	}
	full.Body, full.HTML = "", ""
	if !sameReview(head, full) {
		t.Fatalf("head %+v, want %+v", head, full)
	}
	whole := allocated(1, func() { _, _ = db.Review(ctx, big.ID) })
	part := allocated(10, func() { _, _ = db.ReviewHead(ctx, big.ID) })
	if part > 64<<10 || whole < 25<<20 {
		t.Fatalf("ReviewHead allocates %d bytes, Review %d", part, whole)
	}
	if _, err := db.ReviewHead(ctx, big.ID+1); beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		t.Fatalf("unknown review: %v", err)
	}

	// The field order before issue 12: body and html before author and
	// created_at.
	old := storetest.MustReview(t, db, u, "korea", "old")
	row := `{"id":` + jsonOf(t, old.ID) + `,"country":"korea","title":"old","rating":4,"body":"b","html":"<p>b</p>",` +
		`"author":` + jsonOf(t, old.Author) + `,"created_at":` + jsonOf(t, old.CreatedAt) + `,"edited_at":null}`
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketReviews).Put(u64(old.ID), []byte(row))
	}); err != nil {
		t.Fatal(err)
	}
	head, err = db.ReviewHead(ctx, old.ID)
	old.Body, old.HTML = "", ""
	if err != nil || !sameReview(head, old) {
		t.Fatalf("old row: head %+v, %v; want %+v", head, err, old)
	}
}

func sameReview(a, b *beforetrip.Review) bool {
	return a.ID == b.ID && a.Country == b.Country && a.Title == b.Title && a.Rating == b.Rating &&
		a.Author == b.Author && a.CreatedAt.Equal(b.CreatedAt) && a.Body == b.Body && a.HTML == b.HTML &&
		(a.EditedAt == nil) == (b.EditedAt == nil)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
