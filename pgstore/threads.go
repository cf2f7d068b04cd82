package pgstore

import (
	"context"
	"fmt"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// LockPage makes a page's thread read-only (no new comments but from
// moderators) or writable again; audited. Locking twice is not an error.
func (db *DB) LockPage(ctx context.Context, actor beforetrip.Author, page string, locked bool) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if err := beforetrip.CheckPageKey(page); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		action := "unlock"
		var err error
		if locked {
			action = "lock"
			_, err = tx.Exec(ctx, `INSERT INTO page_locks (page, by_id, by_name, locked_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (page) DO UPDATE SET by_id = excluded.by_id, by_name = excluded.by_name, locked_at = excluded.locked_at`,
				page, int64(actor.ID), actor.Username, db.now().UTC())
		} else {
			_, err = tx.Exec(ctx, "DELETE FROM page_locks WHERE page = $1", page)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, db.now, actor, action, "page "+page, "")
	})
	return wrap(err, "lock %q", page)
}

// LockedPages lists the pages whose thread is locked, in ID order.
func (db *DB) LockedPages(ctx context.Context) ([]string, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT page FROM page_locks ORDER BY page COLLATE "C"`)
	if err != nil {
		return nil, wrap(err, "locked pages")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if out == nil {
		out = []string{}
	}
	return out, wrap(err, "locked pages")
}

// PinComment pins a visible top-level comment at the top of its thread
// (replacing the page's previous pin) or unpins it; audited.
func (db *DB) PinComment(ctx context.Context, actor beforetrip.Author, id uint64, pinned bool) (*beforetrip.Comment, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out *beforetrip.Comment
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		c, err := getComment(ctx, tx, id, true)
		if err != nil {
			return err
		}
		var prev int64
		err = tx.QueryRow(ctx, "SELECT comment_id FROM page_pins WHERE page = $1 FOR UPDATE", c.Page).Scan(&prev)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		action := "unpin"
		if pinned {
			action = "pin"
			if c.ParentID != 0 || !c.Counted() {
				return beforetrip.Invalid("id", "Only a visible top-level comment can be pinned.")
			}
			if prev != 0 && uint64(prev) != id {
				if err := setPinned(ctx, tx, uint64(prev), false); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO page_pins (page, comment_id) VALUES ($1, $2)
				ON CONFLICT (page) DO UPDATE SET comment_id = excluded.comment_id`, c.Page, int64(id)); err != nil {
				return err
			}
		} else if uint64(prev) == id {
			if _, err := tx.Exec(ctx, "DELETE FROM page_pins WHERE page = $1", c.Page); err != nil {
				return err
			}
		}
		c.Pinned = pinned
		if err := putComment(ctx, tx, c, false, c.Counted(), c.Pending); err != nil {
			return err
		}
		out = c
		return audit(ctx, tx, db.now, actor, action, fmt.Sprintf("comment %d", id), "")
	})
	if err != nil {
		return nil, wrap(err, "pin comment %d", id)
	}
	return out, nil
}

// setPinned sets a comment's pinned flag.
func setPinned(ctx context.Context, tx pgx.Tx, id uint64, pinned bool) error {
	c, err := getComment(ctx, tx, id, true)
	if err != nil {
		return err
	}
	c.Pinned = pinned
	return putComment(ctx, tx, c, false, c.Counted(), c.Pending)
}
