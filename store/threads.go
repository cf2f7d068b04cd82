package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// lockRecord is a read-only thread: who locked it and when.
type lockRecord struct {
	By beforetrip.Author `json:"by"`
	At time.Time         `json:"at"`
}

// LockPage makes a page's thread read-only (no new comments but from
// moderators) or writable again; audited. Locking twice is not an error.
func (db *DB) LockPage(ctx context.Context, actor beforetrip.Author, page string, locked bool) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if err := beforetrip.CheckPageKey(page); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPageLocks)
		action := "unlock"
		if locked {
			action = "lock"
			v, err := json.Marshal(lockRecord{By: actor, At: db.now().UTC()})
			if err != nil {
				return err
			}
			if err := b.Put([]byte(page), v); err != nil {
				return err
			}
		} else if err := b.Delete([]byte(page)); err != nil {
			return err
		}
		return audit(tx, db.now, actor, action, "page "+page, "")
	})
	return wrap(err, "lock %q", page)
}

// PageLocked reports whether a page's thread is locked.
func (db *DB) PageLocked(ctx context.Context, page string) (bool, error) {
	if err := ctxErr(ctx); err != nil {
		return false, err
	}
	var locked bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		locked = tx.Bucket(bucketPageLocks).Get([]byte(page)) != nil
		return nil
	})
	return locked, wrap(err, "lock of %q", page)
}

// LockedPages lists the locked threads' pages.
func (db *DB) LockedPages(ctx context.Context) ([]string, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := []string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPageLocks).ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, wrap(err, "locked pages")
}

// openThread refuses a new comment on a locked thread unless its writer
// moderates.
func openThread(tx *bolt.Tx, page string, moderator bool) error {
	if !moderator && tx.Bucket(bucketPageLocks).Get([]byte(page)) != nil {
		return beforetrip.Errorf(beforetrip.EFORBIDDEN, "This thread is locked: it takes no new comments.")
	}
	return nil
}

// PinComment pins a public, top-level comment at the top of its thread
// (replacing the page's previous pin) or unpins it; audited.
func (db *DB) PinComment(ctx context.Context, actor beforetrip.Author, id uint64, pinned bool) (*beforetrip.Comment, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out *beforetrip.Comment
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		c, err := getComment(tx, id)
		if err != nil {
			return err
		}
		pins := tx.Bucket(bucketPagePins)
		action := "unpin"
		if pinned {
			action = "pin"
			if c.ParentID != 0 || !c.Counted() {
				return beforetrip.Invalid("id", "Only a visible top-level comment can be pinned.")
			}
			if prev := pins.Get([]byte(c.Page)); prev != nil && binaryID(prev) != id {
				if err := setPinned(tx, binaryID(prev), false); err != nil {
					return err
				}
			}
			if err := pins.Put([]byte(c.Page), u64(id)); err != nil {
				return err
			}
		} else if prev := pins.Get([]byte(c.Page)); prev != nil && binaryID(prev) == id {
			if err := pins.Delete([]byte(c.Page)); err != nil {
				return err
			}
		}
		if err := setPinned(tx, id, pinned); err != nil {
			return err
		}
		if out, err = getComment(tx, id); err != nil {
			return err
		}
		return audit(tx, db.now, actor, action, fmt.Sprintf("comment %d", id), "")
	})
	if err != nil {
		return nil, wrap(err, "pin comment %d", id)
	}
	return out, nil
}

// setPinned rewrites a comment's Pinned flag; counters do not change.
func setPinned(tx *bolt.Tx, id uint64, pinned bool) error {
	c, err := getComment(tx, id)
	if err != nil {
		return err
	}
	c.Pinned = pinned
	return putComment(tx, c, c.Counted(), c.Pending)
}

// unpin drops a comment's pin when it stops being visible.
func unpin(tx *bolt.Tx, c *beforetrip.Comment) error {
	if !c.Pinned || c.Counted() {
		return nil
	}
	c.Pinned = false
	return tx.Bucket(bucketPagePins).Delete([]byte(c.Page))
}
