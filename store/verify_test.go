package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// TestVerifyDetects breaks one derived structure at a time behind the
// store's back and checks that Verify names the problem: a Verify that
// always passed would make every other test's invariant check worthless.
func TestVerifyDetects(t *testing.T) {
	page := storetest.TipPage("japan", "jr-pass", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name   string
		breakf func(tx *bolt.Tx) error
		want   string
	}{
		{"counter off by one", func(tx *bolt.Tx) error {
			_, err := addCounts(tx, page.ID, 1, 0)
			return err
		}, "counters: page"},
		{"comment counter off", func(tx *bolt.Tx) error {
			_, err := addCounts(tx, page.ID, 0, -1)
			return err
		}, "counters: page"},
		{"like without mirror", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketLikesByUser).Delete(userPageKey(1, page.ID))
		}, "likes_by_user: missing"},
		{"like time without its index row", func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketLikesByTime).Cursor().First()
			return tx.Bucket(bucketLikesByTime).Delete(k)
		}, "likes_by_time: missing"},
		{"stray like time row", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketLikesByTime).Put(likeTimeKey(5, page.ID, 7), present)
		}, "likes_by_time: stray key"},
		{"like row without a time", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketLikesByPage).Put(pageUserKey(page.ID, 1), present)
		}, "is not 8 bytes"},
		{"record of an unliked page", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketPages).Put([]byte("countries/japan/tips/other"), []byte(`{"section":"tips","country":"japan"}`))
		}, "has a record"},
		{"liked page without record", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketPages).Delete([]byte(page.ID))
		}, "has no record"},
		{"user index", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketUserNames).Put([]byte("ghost"), u64(9))
		}, "users_by_name: stray key"},
		{"token index", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSessionTokens).Delete([]byte("t1"))
		}, "sessions_by_token: missing"},
		{"pending queue", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketPending).Put(u64(1), []byte(page.ID))
		}, "comments_pending: stray key"},
		{"review index", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketReviewCountry).Delete(join([]byte("japan"), u64(1)))
		}, "reviews_by_country: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := MustOpen(t)
			alice := MustUser(t, db, "alice")
			storetest.MustSession(t, db, "s1", alice.ID, "t1")
			if _, err := db.SetLike(ctx, page, alice.ID, true); err != nil {
				t.Fatal(err)
			}
			storetest.MustComment(t, db, page.ID, alice, 0, "hi", false)
			storetest.MustReview(t, db, alice, "japan", "r")
			checkInvariants(t, db)
			if err := db.bolt.Update(tt.breakf); err != nil {
				t.Fatal(err)
			}
			err := db.Verify()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want a problem containing %q", err, tt.want)
			}
		})
	}
}

// TestVerifyDetectsPopularDrift: the in-memory popular index is checked
// against the file: a page moved behind the store's back, one the file
// does not like, and one missing are each named.
func TestVerifyDetectsPopularDrift(t *testing.T) {
	page := storetest.TipPage("japan", "jr-pass", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rec := pageRecord{Section: page.Section, Country: page.Country, Date: page.Date}
	for _, tt := range []struct {
		name  string
		drift func(x *popIndex)
		want  string
	}{
		{"wrong count", func(x *popIndex) { x.set(page.ID, rec, 5, 1<<30) }, "file says 1 likes"},
		{"stray page", func(x *popIndex) { x.set("countries/japan/tips/ghost", rec, 2, 1<<30) }, "popular: stray page"},
		{"missing page", func(x *popIndex) { x.set(page.ID, rec, 0, 1<<30) }, "popular: missing liked page"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			alice := MustUser(t, db, "alice")
			if _, err := db.SetLike(context.Background(), page, alice.ID, true); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, db)
			tt.drift(db.pop)
			if err := db.Verify(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want a problem containing %q", err, tt.want)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	db := MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]error{
		"CreateUser": db.CreateUser(ctx, &beforetrip.User{Username: "a", Email: "a@x"}),
		"SetLike": func() error {
			_, err := db.SetLike(ctx, storetest.TipPage("japan", "x", time.Time{}), 1, true)
			return err
		}(),
		"Comments": func() error {
			_, err := db.Comments(ctx, beforetrip.CommentQuery{Page: "x"})
			return err
		}(),
	}
	for name, err := range calls {
		if err == nil || beforetrip.ErrorCode(err) != beforetrip.EINTERNAL {
			t.Errorf("%s with a canceled context: %v, want an internal error", name, err)
		}
	}
}
