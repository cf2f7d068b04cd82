package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store/storetest"
	bolt "go.etcd.io/bbolt"
)

// TestMigrateUnseen: a schema 7 file (no Unseen marks) opens as schema 8
// with exactly its pending, never edited items marked unseen, so their
// approval still reports FirstShown and nothing else ever does again.
func TestMigrateUnseen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "beforetrip.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alice, mod := MustUser(t, db, "alice"), MustUser(t, db, "mod")
	held := storetest.MustComment(t, db, storetest.JapanTip, alice, 0, "held since posted", true)
	edited := storetest.MustComment(t, db, storetest.JapanTip, alice, 0, "shown, edited, back in the queue", false)
	shown := storetest.MustComment(t, db, storetest.JapanTip, alice, 0, "public", false)
	rv := &beforetrip.Review{Country: "japan", Title: "held", Rating: 4, Author: beforetrip.Author{ID: alice.ID, Username: "alice"}, Pending: true}
	if err := db.CreateReview(ctx, rv); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if _, err := db.UpdateComment(ctx, edited.ID, func(c *beforetrip.Comment) error {
		c.Body, c.HTML, c.EditedAt, c.Pending = "edited", "<p>edited</p>", &now, true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Turn the file back into schema 7: rows without "unseen".
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, c := range []*beforetrip.Comment{held, edited, shown} {
			c, err := getComment(tx, c.ID)
			if err != nil {
				return err
			}
			c.Unseen = false
			if err := putComment(tx, c, c.Counted(), c.Pending); err != nil {
				return err
			}
		}
		r, err := getReview(tx, rv.ID)
		if err != nil {
			return err
		}
		r.Unseen = false
		v, _ := json.Marshal(r)
		if err := tx.Bucket(bucketReviews).Put(u64(r.ID), v); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(7))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkInvariants(t, db)
	for _, tc := range []struct {
		kind beforetrip.ItemKind
		id   uint64
		want bool
	}{
		{beforetrip.ItemComment, held.ID, true},
		{beforetrip.ItemComment, edited.ID, false},
		{beforetrip.ItemComment, shown.ID, false},
		{beforetrip.ItemReview, rv.ID, true},
	} {
		if tc.id == shown.ID {
			if _, err := db.Decide(ctx, beforetrip.Author{ID: mod.ID, Username: "mod"}, tc.kind, tc.id, beforetrip.Reject, ""); err != nil {
				t.Fatal(err)
			}
		}
		res, err := db.Decide(ctx, beforetrip.Author{ID: mod.ID, Username: "mod"}, tc.kind, tc.id, beforetrip.Approve, "")
		if err != nil || res.FirstShown != tc.want {
			t.Errorf("approve %s %d after the migration: FirstShown %v, %v; want %v", tc.kind, tc.id, res.FirstShown, err, tc.want)
		}
	}
	checkInvariants(t, db)
}
