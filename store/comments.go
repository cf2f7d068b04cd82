package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// CreateComment stores c, assigning c.ID and c.CreatedAt. A visible comment
// (not pending) adds one to its page's comment counter in the same
// transaction; a pending one joins the approval queue instead. A ParentID
// must name a comment of the same page (EINVALID otherwise). The page of a
// reader review that does not exist (deleted meanwhile) is ENOTFOUND.
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
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		writer, err := activeUser(tx, row.Author.ID)
		if err != nil {
			return err
		}
		if err := livePage(tx, row.Page); err != nil {
			return err
		}
		if err := openThread(tx, row.Page, writer.Role.CanModerate()); err != nil {
			return err
		}
		if err := replyable(tx, &row, writer.Role.CanModerate()); err != nil {
			return err
		}
		id, err := tx.Bucket(bucketComments).NextSequence()
		if err != nil {
			return err
		}
		row.ID, row.CreatedAt = id, time.Now().UTC()
		if err := tx.Bucket(bucketCommentPages).Put(u64(id), []byte(row.Page)); err != nil {
			return err
		}
		return putComment(tx, &row, false, false)
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
	var c *beforetrip.Comment
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getComment(tx, id)
		return err
	})
	if err != nil {
		return nil, wrap(err, "comment %d", id)
	}
	return c, nil
}

// Comments lists one page of a page's comments, newest first (or oldest
// first), replies included. Deleted comments stay (empty body) so replies
// keep their place; pending ones are shown only to their author and to
// moderators. Next is "" on the last page.
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
	err = db.bolt.View(func(tx *bolt.Tx) error {
		page.Locked = tx.Bucket(bucketPageLocks).Get([]byte(q.Page)) != nil
		scan := scanDesc
		if q.Oldest {
			scan = scanAsc
		}
		return scan(tx.Bucket(bucketComments).Cursor(), prefix([]byte(q.Page)), cursor, func(id uint64, v []byte) (bool, error) {
			c, err := decodeComment(id, v)
			if err != nil {
				return false, err
			}
			if !c.VisibleTo(q.Viewer, q.Moderator) {
				return true, nil
			}
			if len(page.Comments) == limit {
				// One more shown comment exists: there is a next page.
				page.Next = encodeCursor(page.Comments[limit-1].ID)
				return false, nil
			}
			page.Comments = append(page.Comments, *c)
			return true, nil
		})
	})
	if err != nil {
		return nil, wrap(err, "comments of %q", q.Page)
	}
	return page, nil
}

// UpdateComment loads comment id, lets fn change it and stores the result,
// all in one transaction. fn may change Body, HTML, EditedAt, Deleted and
// Pending; a deleted comment loses its body. When visibility changes
// (deleted or pending toggled) the page's comment counter follows.
func (db *DB) UpdateComment(ctx context.Context, id uint64, fn beforetrip.CommentUpdate) (*beforetrip.Comment, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out *beforetrip.Comment
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		c, err := getComment(tx, id)
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
		return putComment(tx, c, old.Counted(), old.Pending)
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
	page := &beforetrip.CommentPage{Comments: []beforetrip.Comment{}}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		return scanAsc(tx.Bucket(bucketPending).Cursor(), nil, after, func(id uint64, _ []byte) (bool, error) {
			if len(page.Comments) == limit {
				page.Next = encodeCursor(page.Comments[limit-1].ID)
				return false, nil
			}
			c, err := getComment(tx, id)
			if err != nil {
				return false, err
			}
			page.Comments = append(page.Comments, *c)
			return true, nil
		})
	})
	if err != nil {
		return nil, wrap(err, "pending comments")
	}
	return page, nil
}

// putComment writes c and brings the page's counter and the pending queue
// from the comment's previous state (wasVisible, wasPending) to its new one.
func putComment(tx *bolt.Tx, c *beforetrip.Comment, wasVisible, wasPending bool) error {
	if err := unpin(tx, c); err != nil {
		return err
	}
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketComments).Put(pageIDKey(c.Page, c.ID), v); err != nil {
		return err
	}
	visible := c.Counted()
	if visible != wasVisible {
		delta := int64(1)
		if !visible {
			delta = -1
		}
		if _, err := addCounts(tx, c.Page, 0, delta); err != nil {
			return err
		}
	}
	switch {
	case c.Pending && !wasPending:
		return tx.Bucket(bucketPending).Put(u64(c.ID), []byte(c.Page))
	case !c.Pending && wasPending:
		return tx.Bucket(bucketPending).Delete(u64(c.ID))
	}
	return nil
}

// replyable checks c's parent, if any: a comment of the same page that
// c's author may see. A parent the author cannot see (another reader's
// pending comment) gets exactly the answer of one that does not exist, so
// a reply cannot probe for hidden comments.
func replyable(tx *bolt.Tx, c *beforetrip.Comment, moderator bool) error {
	if c.ParentID == 0 {
		return nil
	}
	errNoParent := beforetrip.Invalid("parent_id", "no such comment on this page")
	page := tx.Bucket(bucketCommentPages).Get(u64(c.ParentID))
	if page == nil || string(page) != c.Page {
		return errNoParent
	}
	parent, err := getComment(tx, c.ParentID)
	if err != nil {
		return err
	}
	if !parent.VisibleTo(c.Author.ID, moderator) {
		return errNoParent
	}
	return nil
}

func getComment(tx *bolt.Tx, id uint64) (*beforetrip.Comment, error) {
	page := tx.Bucket(bucketCommentPages).Get(u64(id))
	if page == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "comment not found")
	}
	v := tx.Bucket(bucketComments).Get(pageIDKey(string(page), id))
	if v == nil {
		return nil, fmt.Errorf("comment %d: indexed on %q but missing", id, page)
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

// deletePageComments removes every comment of page with its index entries
// and reports, and the page's pin and lock; the caller removes the page's
// counter.
func deletePageComments(tx *bolt.Tx, page string) error {
	p := prefix([]byte(page))
	var ids []uint64
	err := scanAsc(tx.Bucket(bucketComments).Cursor(), p, 0, func(id uint64, _ []byte) (bool, error) {
		ids = append(ids, id)
		return true, nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		for _, del := range []struct {
			b []byte
			k []byte
		}{
			{bucketComments, pageIDKey(page, id)},
			{bucketCommentPages, u64(id)},
			{bucketPending, u64(id)},
		} {
			if err := tx.Bucket(del.b).Delete(del.k); err != nil {
				return err
			}
		}
		if err := forgetReports(tx, beforetrip.ItemComment, id); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketPagePins, bucketPageLocks} {
		if err := tx.Bucket(b).Delete([]byte(page)); err != nil {
			return err
		}
	}
	return nil
}
