package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// CreateComment stores c (assigning ID and CreatedAt) for an active user,
// on a live page whose thread is open; a reply's parent must be a comment
// of the same page that the author may see.
func (db *DB) CreateComment(ctx context.Context, c *beforetrip.Comment) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	row := *c
	row.Deleted, row.EditedAt, row.Pinned, row.Moderation = false, nil, false, beforetrip.NewModeration(row.Pending)
	if err := row.Validate(); err != nil {
		return err
	}
	if c.Author.ID == 0 {
		return beforetrip.Invalid("author", "author required")
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		writer, err := activeUser(ctx, tx, row.Author.ID)
		if err != nil {
			return err
		}
		if err := livePage(ctx, tx, row.Page); err != nil {
			return err
		}
		if err := openThread(ctx, tx, row.Page, writer.Role.CanModerate()); err != nil {
			return err
		}
		if err := replyable(ctx, tx, &row, writer.Role.CanModerate()); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('comments', 'id'))").Scan(&id); err != nil {
			return err
		}
		row.ID, row.CreatedAt = uint64(id), time.Now().UTC()
		return putComment(ctx, tx, &row, true, false, false)
	})
	if err != nil {
		return wrap(err, "create comment on %q", c.Page)
	}
	*c = row
	return nil
}

// Comment returns one comment; ENOTFOUND if unknown.
func (db *DB) Comment(ctx context.Context, id uint64) (*beforetrip.Comment, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	c, err := getComment(ctx, db.pool, id, false)
	if err != nil {
		return nil, wrap(err, "comment %d", id)
	}
	return c, nil
}

// Comments lists a page's comments that the viewer may see, newest first
// (or oldest first), with whether the thread is locked.
func (db *DB) Comments(ctx context.Context, q beforetrip.CommentQuery) (*beforetrip.CommentPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if err := beforetrip.CheckPageKey(q.Page); err != nil {
		return nil, err
	}
	cursor, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	limit := beforetrip.PageLimit(q.Limit, beforetrip.DefaultCommentLimit, beforetrip.MaxCommentLimit)
	page := &beforetrip.CommentPage{Comments: []beforetrip.Comment{}}
	order, bound := "id < $2 ORDER BY id DESC", below(cursor)
	if q.Oldest {
		order, bound = "id > $2 ORDER BY id", above(cursor)
	}
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM page_locks WHERE page = $1)", q.Page).Scan(&page.Locked); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, doc FROM comments WHERE page = $1
			AND (public OR $3 OR ($4 <> 0 AND author_id = $4)) AND `+order+` LIMIT $5`,
			q.Page, bound, q.Moderator, int64(q.Viewer), limit+1)
		if err != nil {
			return err
		}
		page.Comments, err = collectComments(rows)
		return err
	})
	if err != nil {
		return nil, wrap(err, "comments of %q", q.Page)
	}
	if len(page.Comments) > limit {
		page.Comments = page.Comments[:limit]
		page.Next = encodeCursor(page.Comments[limit-1].ID)
	}
	return page, nil
}

// UpdateComment loads comment id, calls fn and stores the result; the
// page's comment counter follows the comment's visibility.
func (db *DB) UpdateComment(ctx context.Context, id uint64, fn beforetrip.CommentUpdate) (*beforetrip.Comment, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out *beforetrip.Comment
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		c, err := getComment(ctx, tx, id, true)
		if err != nil {
			return err
		}
		old := *c
		if err := fn(c); err != nil {
			return err
		}
		if c.ID != old.ID || c.Page != old.Page || c.ParentID != old.ParentID ||
			c.Author != old.Author || !c.CreatedAt.Equal(old.CreatedAt) {
			return errors.New("update changed an immutable field (id, page, parent, author, created_at)")
		}
		if c.Deleted {
			c.Body, c.HTML = "", ""
		} else if err := c.Validate(); err != nil {
			return err
		}
		out = c
		return putComment(ctx, tx, c, false, old.Counted(), old.Pending)
	})
	if err != nil {
		return nil, wrap(err, "update comment %d", id)
	}
	return out, nil
}

// PendingComments lists comments awaiting approval, oldest first.
func (db *DB) PendingComments(ctx context.Context, cursor string, limit int) (*beforetrip.CommentPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	limit = beforetrip.PageLimit(limit, beforetrip.DefaultCommentLimit, beforetrip.MaxCommentLimit)
	rows, err := db.pool.Query(ctx, "SELECT id, doc FROM comments WHERE pending AND id > $1 ORDER BY id LIMIT $2",
		above(after), limit+1)
	if err != nil {
		return nil, wrap(err, "pending comments")
	}
	page := &beforetrip.CommentPage{}
	if page.Comments, err = collectComments(rows); err != nil {
		return nil, wrap(err, "pending comments")
	}
	if len(page.Comments) > limit {
		page.Comments = page.Comments[:limit]
		page.Next = encodeCursor(page.Comments[limit-1].ID)
	}
	return page, nil
}

// putComment writes c (inserting it when isNew) and moves the page's
// comment counter when c's counted state changed; a comment that stops
// being shown loses its pin.
func putComment(ctx context.Context, tx pgx.Tx, c *beforetrip.Comment, isNew, wasCounted, wasPending bool) error {
	if c.Pinned && !c.Counted() {
		c.Pinned = false
		if _, err := tx.Exec(ctx, "DELETE FROM page_pins WHERE page = $1 AND comment_id = $2", c.Page, int64(c.ID)); err != nil {
			return err
		}
	}
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if isNew {
		_, err = tx.Exec(ctx, `INSERT INTO comments (id, page, author_id, pending, public, counted, doc)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, int64(c.ID), c.Page, int64(c.Author.ID), c.Pending, c.Public(), c.Counted(), v)
	} else {
		_, err = tx.Exec(ctx, `UPDATE comments SET author_id = $2, pending = $3, public = $4, counted = $5, doc = $6
			WHERE id = $1`, int64(c.ID), int64(c.Author.ID), c.Pending, c.Public(), c.Counted(), v)
	}
	if err != nil {
		return err
	}
	if counted := c.Counted(); counted != wasCounted {
		delta := int64(1)
		if !counted {
			delta = -1
		}
		if _, _, err := addCounts(ctx, tx, c.Page, 0, delta); err != nil {
			return err
		}
	}
	return nil
}

// replyable checks a reply's parent: a comment of the same page that the
// author may see.
func replyable(ctx context.Context, tx pgx.Tx, c *beforetrip.Comment, moderator bool) error {
	if c.ParentID == 0 {
		return nil
	}
	errNoParent := beforetrip.Invalid("parent_id", "no such comment on this page")
	parent, err := getComment(ctx, tx, c.ParentID, false)
	if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
		return errNoParent
	}
	if err != nil {
		return err
	}
	if parent.Page != c.Page || !parent.VisibleTo(c.Author.ID, moderator) {
		return errNoParent
	}
	return nil
}

// openThread refuses new comments on a locked page, except a moderator's.
func openThread(ctx context.Context, tx pgx.Tx, page string, moderator bool) error {
	if moderator {
		return nil
	}
	var locked bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM page_locks WHERE page = $1)", page).Scan(&locked); err != nil {
		return err
	}
	if locked {
		return beforetrip.Errorf(beforetrip.EFORBIDDEN, "This thread is locked: it takes no new comments.")
	}
	return nil
}

// getComment reads one comment (locking its row when forUpdate).
func getComment(ctx context.Context, q querier, id uint64, forUpdate bool) (*beforetrip.Comment, error) {
	sql := "SELECT doc FROM comments WHERE id = $1"
	if forUpdate {
		sql += " FOR UPDATE"
	}
	var v []byte
	err := q.QueryRow(ctx, sql, int64(id)).Scan(&v)
	if err == pgx.ErrNoRows {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "comment not found")
	}
	if err != nil {
		return nil, err
	}
	return decodeComment(id, v)
}

func decodeComment(id uint64, v []byte) (*beforetrip.Comment, error) {
	var c beforetrip.Comment
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, fmt.Errorf("decode comment %d: %w", id, err)
	}
	return &c, nil
}

// collectComments reads (id, doc) rows.
func collectComments(rows pgx.Rows) ([]beforetrip.Comment, error) {
	defer rows.Close()
	out := []beforetrip.Comment{}
	for rows.Next() {
		var id int64
		var v []byte
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		c, err := decodeComment(uint64(id), v)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}
