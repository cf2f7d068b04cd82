package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// Users lists users by name whose name or email starts with q.Prefix
// (case-insensitive), with their counts of comments, reviews and open and
// closed reports against them. The counts scan the comments, reviews and
// reports once: this is a moderator's page, not a reader's.
func (db *DB) Users(ctx context.Context, q beforetrip.UserQuery) (*beforetrip.UserPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	prefix := []byte(strings.ToLower(q.Prefix))
	limit := beforetrip.PageLimit(q.Limit, beforetrip.DefaultUserLimit, beforetrip.MaxUserLimit)
	page := &beforetrip.UserPage{Users: []beforetrip.UserSummary{}}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ids, next, err := matchUsers(tx, prefix, q.Cursor, limit)
		if err != nil {
			return err
		}
		page.Next = next
		idx := map[uint64]int{}
		for _, id := range ids {
			rec, err := getUser(tx, id)
			if err != nil {
				return err
			}
			u := rec.User
			idx[id] = len(page.Users)
			page.Users = append(page.Users, beforetrip.UserSummary{User: u})
		}
		return countUserItems(tx, page.Users, idx)
	})
	if err != nil {
		return nil, wrap(err, "users")
	}
	return page, nil
}

// matchUsers returns up to limit user IDs by name after cursor (a
// username) whose name or email starts with prefix.
func matchUsers(tx *bolt.Tx, prefix []byte, cursor string, limit int) ([]uint64, string, error) {
	emails := map[uint64]bool{}
	c := tx.Bucket(bucketUserEmails).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		emails[binary.BigEndian.Uint64(v)] = true
	}
	var ids []uint64
	var next, last string
	after := []byte(strings.ToLower(cursor))
	names := tx.Bucket(bucketUserNames).Cursor()
	for k, v := names.First(); k != nil; k, v = names.Next() {
		if cursor != "" && bytes.Compare(k, after) <= 0 {
			continue
		}
		id := binary.BigEndian.Uint64(v)
		if !bytes.HasPrefix(k, prefix) && !emails[id] {
			continue
		}
		if len(ids) == limit {
			next = last
			break
		}
		ids, last = append(ids, id), string(k)
	}
	return ids, next, nil
}

// countUserItems fills the counts of the listed users.
func countUserItems(tx *bolt.Tx, users []beforetrip.UserSummary, idx map[uint64]int) error {
	authors := map[string]uint64{} // item key → author, for reports
	err := tx.Bucket(bucketComments).ForEach(func(k, v []byte) error {
		var c beforetrip.Comment
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode comment %q: %w", k, err)
		}
		if i, ok := idx[c.Author.ID]; ok {
			authors[string(itemKey(beforetrip.ItemComment, c.ID))] = c.Author.ID
			if !c.Deleted {
				users[i].Comments++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		r, err := decodeReview(binaryID(k), v)
		if err != nil {
			return err
		}
		if i, ok := idx[r.Author.ID]; ok {
			users[i].Reviews++
			authors[string(itemKey(beforetrip.ItemReview, r.ID))] = r.Author.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketReports).ForEach(func(k, _ []byte) error {
		if author, ok := authors[string(k[:9])]; ok {
			users[idx[author]].ReportsAgainst++
		}
		return nil
	})
}

// Block blocks a user until b.Until (nil: for good) with a reason they are
// shown, revokes their sessions and writes the audit entry, in one
// transaction.
func (db *DB) Block(ctx context.Context, actor beforetrip.Author, username string, b beforetrip.Block) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	reason, err := beforetrip.ValidReason(b.Reason)
	if err != nil {
		return err
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := userByName(tx, username)
		if err != nil {
			return err
		}
		if rec.ID == actor.ID {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN, "You cannot block yourself.")
		}
		rec.Blocked, rec.BlockedUntil, rec.BlockReason = true, b.Until, reason
		if err := putUser(tx, rec); err != nil {
			return err
		}
		if err := revokeUserSessions(tx, rec.ID); err != nil {
			return err
		}
		what := "block"
		if b.Until != nil {
			what = "block until " + b.Until.UTC().Format("2006-01-02 15:04 UTC")
		}
		return audit(tx, db.now, actor, what, "user "+rec.Username, reason)
	})
	return wrap(err, "block %q", username)
}

// Unblock lifts a user's block; audited. Unblocking twice is not an error.
func (db *DB) Unblock(ctx context.Context, actor beforetrip.Author, username string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := userByName(tx, username)
		if err != nil {
			return err
		}
		rec.Blocked, rec.BlockedUntil, rec.BlockReason = false, nil, ""
		if err := putUser(tx, rec); err != nil {
			return err
		}
		return audit(tx, db.now, actor, "unblock", "user "+rec.Username, "")
	})
	return wrap(err, "unblock %q", username)
}

// ChangeRole sets a user's role; audited.
func (db *DB) ChangeRole(ctx context.Context, actor beforetrip.Author, username string, role beforetrip.Role) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if !role.Valid() {
		return beforetrip.Invalid("role", "unknown role %q (want reader, editor or admin)", role)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := userByName(tx, username)
		if err != nil {
			return err
		}
		rec.Role = role
		if err := putUser(tx, rec); err != nil {
			return err
		}
		return audit(tx, db.now, actor, "role "+string(role), "user "+rec.Username, "")
	})
	return wrap(err, "set role of %q", username)
}

// PurgeUser soft-deletes every comment of a user (placeholders keep
// replies in place) and deletes every review with what hangs on its page,
// in one transaction with its audit entry. The results name each item
// whose removal changes the site.
func (db *DB) PurgeUser(ctx context.Context, actor beforetrip.Author, username string) ([]beforetrip.ModResult, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out []beforetrip.ModResult
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		out = nil
		rec, err := userByName(tx, username)
		if err != nil {
			return err
		}
		comments, reviews, err := itemsBy(tx, rec.ID)
		if err != nil {
			return err
		}
		for _, c := range comments {
			old := *c
			c.Deleted, c.Body, c.HTML = true, "", ""
			if err := putComment(tx, c, old.Counted(), old.Pending); err != nil {
				return err
			}
			if err := closeReports(tx, beforetrip.ItemComment, c.ID); err != nil {
				return err
			}
			out = append(out, beforetrip.ModResult{Kind: beforetrip.ItemComment, Comment: c, WasPublic: old.Counted()})
		}
		for _, r := range reviews {
			if err := deleteReview(tx, db.pop, r); err != nil {
				return err
			}
			out = append(out, beforetrip.ModResult{Kind: beforetrip.ItemReview, Review: r, WasPublic: r.Public()})
		}
		return audit(tx, db.now, actor, "purge", "user "+rec.Username,
			fmt.Sprintf("%d comments, %d reviews", len(comments), len(reviews)))
	})
	if err != nil {
		return nil, wrap(err, "purge %q", username)
	}
	return out, nil
}

// itemsBy returns the live (not deleted) comments and the reviews of a user.
func itemsBy(tx *bolt.Tx, user uint64) ([]*beforetrip.Comment, []*beforetrip.Review, error) {
	var comments []*beforetrip.Comment
	err := tx.Bucket(bucketComments).ForEach(func(k, v []byte) error {
		var c beforetrip.Comment
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode comment %q: %w", k, err)
		}
		if c.Author.ID == user && !c.Deleted {
			comments = append(comments, &c)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var reviews []*beforetrip.Review
	err = scanAsc(tx.Bucket(bucketReviewAuthor).Cursor(), prefix(u64(user)), 0, func(id uint64, _ []byte) (bool, error) {
		r, err := getReview(tx, id)
		if err != nil {
			return false, err
		}
		reviews = append(reviews, r)
		return true, nil
	})
	return comments, reviews, err
}
