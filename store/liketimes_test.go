package store

import (
	"context"
	"encoding/binary"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store/storetest"
	bolt "go.etcd.io/bbolt"
)

// fakeClock is a clock that stands still, so like times are known.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func mustLikesSince(tb testing.TB, db *DB, since time.Time) map[string]int64 {
	tb.Helper()
	got, err := db.LikesSince(context.Background(), since)
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func mustLike(tb testing.TB, db *DB, page beforetrip.PageMeta, user uint64, liked bool) {
	tb.Helper()
	if _, err := db.SetLike(context.Background(), page, user, liked); err != nil {
		tb.Fatal(err)
	}
}

// TestMigrateLikeTimes: a schema 6 file (like rows without times) opens
// as schema 7: its likes count as old (in no window) but still count in
// the all-time numbers, and new likes are timed.
func TestMigrateLikeTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "beforetrip.db")
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	db, err := Open(path, WithClock(clock.now))
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	page := storetest.TipPage("japan", "jr-pass", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	mustLike(t, db, page, alice.ID, true)
	// Turn the file back into schema 6: like rows hold the byte 1, no
	// likes_by_time bucket.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketLikesByPage).Put(pageUserKey(page.ID, alice.ID), []byte{1}); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bucketLikesByTime); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(6))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, WithClock(clock.now))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketLikesByPage).Get(pageUserKey(page.ID, alice.ID)); len(v) != 8 || binary.BigEndian.Uint64(v) != 0 {
			t.Errorf("migrated like row = %x, want 8 zero bytes", v)
		}
		if v := tx.Bucket(bucketMeta).Get(keySchema); uint64FromBytes(v) < 7 {
			t.Errorf("schema version %x, want 7 or later", v)
		}
		return nil
	})
	checkInvariants(t, db)
	if got := mustLikesSince(t, db, time.Time{}); len(got) != 0 {
		t.Errorf("an untimed like is in a window: %v", got)
	}
	mustLike(t, db, page, bob.ID, true)
	if got, want := mustLikesSince(t, db, beforetrip.WindowStart(clock.now())), map[string]int64{page.ID: 1}; !maps.Equal(got, want) {
		t.Errorf("window after a new like: %v, want %v", got, want)
	}
	stats, err := db.PageStats(context.Background(), []string{page.ID}, alice.ID)
	if err != nil || stats[page.ID].Likes != 2 || !stats[page.ID].Liked {
		t.Errorf("stats after migration = %+v, %v; want 2 likes, liked by alice", stats[page.ID], err)
	}
	// The old like can still be taken back.
	mustLike(t, db, page, alice.ID, false)
	checkInvariants(t, db)
}
