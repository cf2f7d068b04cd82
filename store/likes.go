package store

import (
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// MaxStatsIDs bounds one PageStats call (the widget asks for one list page).
const MaxStatsIDs = 100

// SetLike likes or unlikes page for userID and returns the page's like
// count afterwards. The two like rows, the page's counter and its popular
// index entries change in one transaction. It runs through bbolt's Batch,
// which may call the closure more than once, so the closure re-reads every
// state it depends on and only assigns the result. Liking the page of a
// reader review that does not exist (deleted meanwhile) is ENOTFOUND.
// Likes arriving while a like batch commits wait for it and share the next
// one (likeGate).
func (db *DB) SetLike(ctx context.Context, page beforetrip.PageMeta, userID uint64, liked bool) (int64, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	if err := beforetrip.CheckPageKey(page.ID); err != nil {
		return 0, err
	}
	if !beforetrip.ValidPageLabel(page.Section) || !beforetrip.ValidPageLabel(page.Country) {
		return 0, beforetrip.Invalid("page", "malformed section or country")
	}
	if userID == 0 {
		return 0, beforetrip.Invalid("user", "user required")
	}
	if err := db.likes.enter(ctx); err != nil {
		return 0, err
	}
	var count int64
	var gen uint64
	err := db.bolt.Batch(func(tx *bolt.Tx) error {
		gen = db.likes.running(tx.ID())
		count = 0
		if _, err := activeUser(tx, userID); err != nil {
			return err
		}
		if liked {
			// Unliking a deleted review's page is a harmless no-op.
			if err := livePage(tx, page.ID); err != nil {
				return err
			}
		}
		c, err := setLike(tx, db.pop, page, userID, liked, db.now())
		count = c
		return err
	})
	db.likes.leave(gen)
	if err != nil {
		return 0, wrap(err, "like %q", page.ID)
	}
	return count, nil
}

// present is the value of likes_by_user and likes_by_time rows. It must
// not be empty: bbolt's Get returns nil for an empty value written earlier
// in the same transaction, and a Batch runs many likes in one transaction.
var present = []byte{1}

// setLike applies one like or unlike made at now; liking twice counts
// once and keeps the first like's time.
func setLike(tx *bolt.Tx, pop *popIndex, page beforetrip.PageMeta, userID uint64, liked bool, now time.Time) (int64, error) {
	byPage := tx.Bucket(bucketLikesByPage)
	pk := pageUserKey(page.ID, userID)
	old, err := getCounts(tx, page.ID)
	if err != nil {
		return 0, err
	}
	has := byPage.Get(pk) != nil
	if has == liked {
		// Nothing to count, but a changed date or section still moves
		// the page inside the popular index.
		return old.Likes, reindex(tx, pop, page, old.Likes, old.Likes)
	}
	delta := int64(1)
	if liked {
		if err := putLike(tx, page.ID, userID, now); err != nil {
			return 0, err
		}
	} else {
		delta = -1
		if err := dropLike(tx, page.ID, userID); err != nil {
			return 0, err
		}
	}
	c, err := addCounts(tx, page.ID, delta, 0)
	if err != nil {
		return 0, err
	}
	return c.Likes, reindex(tx, pop, page, old.Likes, c.Likes)
}

// PageStats returns the counts of up to MaxStatsIDs pages and whether viewer
// (0 = anonymous) likes each. Pages without likes or comments get zeros.
func (db *DB) PageStats(ctx context.Context, ids []string, viewer uint64) (map[string]beforetrip.PageStats, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if len(ids) > MaxStatsIDs {
		return nil, beforetrip.Invalid("ids", "at most %d page IDs", MaxStatsIDs)
	}
	for _, id := range ids {
		if err := beforetrip.CheckPageKey(id); err != nil {
			return nil, beforetrip.Invalid("ids", "malformed page ID %q", id)
		}
	}
	out := make(map[string]beforetrip.PageStats, len(ids))
	db.counts.stats(ids, out)
	if viewer == 0 {
		return out, nil
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		byPage := tx.Bucket(bucketLikesByPage)
		for _, id := range ids {
			if byPage.Get(pageUserKey(id, viewer)) != nil {
				s := out[id]
				s.Liked = true
				out[id] = s
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "page stats")
	}
	return out, nil
}
