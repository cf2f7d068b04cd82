package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store/storetest"
	bolt "go.etcd.io/bbolt"
)

// TestVerifyDetectsCountCacheDrift: the in-memory counters are checked
// against the file, so a cache that missed a write is caught by every
// test's invariant check.
func TestVerifyDetectsCountCacheDrift(t *testing.T) {
	page := storetest.TipPage("japan", "jr-pass", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, tt := range []struct {
		name  string
		drift func(db *DB)
		want  string
	}{
		{"wrong count", func(db *DB) { db.counts.set(page.ID, beforetrip.Counts{Likes: 5}, 1<<30) }, "the file says {Likes:1"},
		{"stray page", func(db *DB) {
			db.counts.set("countries/japan/tips/ghost", beforetrip.Counts{Comments: 2}, 1<<30)
		}, "the file has no counter"},
		{"written behind its back", func(db *DB) {
			// A raw write that skips putCounts leaves the cache behind.
			db.bolt.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bucketCounters).Delete([]byte(page.ID))
			})
		}, "count cache: page"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			alice := MustUser(t, db, "alice")
			if _, err := db.SetLike(context.Background(), page, alice.ID, true); err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, db)
			tt.drift(db)
			if err := db.Verify(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want a problem containing %q", err, tt.want)
			}
		})
	}
}

// TestPageStatsFollowEveryWrite: the counts GET /api/pages answers come
// from the cache; after each kind of write (likes, comments and their
// moderation, a reader review deleted with its page, an account deleted,
// a reopened file) anonymous and logged-in reads equal the counters in
// the file, at once.
func TestPageStatsFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/b.db"
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	page := storetest.TipPage("japan", "jr-pass", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	review := storetest.MustReview(t, db, alice, "japan", "r")
	want := func(step string, likes, comments int64) {
		t.Helper()
		for _, viewer := range []uint64{0, bob.ID} {
			got, err := db.PageStats(ctx, []string{page.ID, review.PageID()}, viewer)
			if err != nil {
				t.Fatal(err)
			}
			if s := got[page.ID]; s.Likes != likes || s.Comments != comments {
				t.Errorf("%s: viewer %d reads %+v, want %d likes %d comments", step, viewer, s, likes, comments)
			}
		}
		checkInvariants(t, db)
	}
	want("nothing yet", 0, 0)
	if _, err := db.SetLike(ctx, page, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetLike(ctx, page, bob.ID, true); err != nil {
		t.Fatal(err)
	}
	want("two likes", 2, 0)
	if got, _ := db.PageStats(ctx, []string{page.ID}, bob.ID); !got[page.ID].Liked {
		t.Error("bob's like is not marked liked for bob")
	}
	if _, err := db.SetLike(ctx, page, bob.ID, false); err != nil {
		t.Fatal(err)
	}
	want("an unlike", 1, 0)
	c := storetest.MustComment(t, db, page.ID, bob, 0, "hi", false)
	storetest.MustComment(t, db, page.ID, alice, 0, "hello", false)
	want("two comments", 1, 2)
	if _, err := db.UpdateComment(ctx, c.ID, func(c *beforetrip.Comment) error { c.Deleted = true; return nil }); err != nil {
		t.Fatal(err)
	}
	want("a deleted comment", 1, 1)
	storetest.MustComment(t, db, review.PageID(), bob, 0, "on the review", false)
	reviewPage := beforetrip.PageMeta{ID: review.PageID(), Section: beforetrip.SectionReviews, Country: "japan"}
	if _, err := db.SetLike(ctx, reviewPage, bob.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteReview(ctx, review.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.PageStats(ctx, []string{review.PageID()}, 0); got[review.PageID()] != (beforetrip.PageStats{}) {
		t.Errorf("a deleted review's page reads %+v", got[review.PageID()])
	}
	if _, err := db.DeleteAccount(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	want("alice's account deleted", 0, 0) // her like goes, her comment becomes an uncounted placeholder
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want("reopened", 0, 0)
}

// TestPageStatsUnderConcurrentLikes: many readers liking and unliking the
// same pages at once (batched commits, commit handlers racing each other)
// leave the cache equal to the file.
func TestPageStatsUnderConcurrentLikes(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	var users []*beforetrip.User
	for i := range 8 {
		users = append(users, MustUser(t, db, fmt.Sprint("u", i)))
	}
	pages := []beforetrip.PageMeta{
		storetest.TipPage("japan", "a", time.Time{}), storetest.TipPage("japan", "b", time.Time{}),
	}
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 40 {
				if _, err := db.SetLike(ctx, pages[(i+n)%2], u.ID, n%3 != 2); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	checkInvariants(t, db)
	got, err := db.PageStats(ctx, []string{pages[0].ID, pages[1].ID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	file, err := db.CountsOf(ctx, []string{pages[0].ID, pages[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if got[p.ID].Likes != file[p.ID].Likes {
			t.Errorf("%s: read %d likes, the file has %d", p.ID, got[p.ID].Likes, file[p.ID].Likes)
		}
	}
}
