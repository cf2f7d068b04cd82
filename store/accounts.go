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

// userRows are the rows one account owns.
type userRows struct {
	comments []uint64 // comment IDs
	reviews  []uint64
	likes    []string // page IDs
}

// rowsOf finds the rows of a user: likes and reviews through their indexes,
// comments by scanning them all (there is no author index; export and
// deletion are rare, and the scan runs in a read transaction that blocks
// no writer).
func rowsOf(tx *bolt.Tx, userID uint64) (*userRows, error) {
	rows := &userRows{}
	p := prefix(u64(userID))
	c := tx.Bucket(bucketLikesByUser).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		rows.likes = append(rows.likes, string(k[len(p):]))
	}
	c = tx.Bucket(bucketReviewAuthor).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		rows.reviews = append(rows.reviews, binary.BigEndian.Uint64(k[len(p):]))
	}
	// Decoding only the author keeps the scan cheap.
	var head struct {
		ID     uint64            `json:"id"`
		Author beforetrip.Author `json:"author"`
	}
	err := tx.Bucket(bucketComments).ForEach(func(_, v []byte) error {
		head.ID, head.Author = 0, beforetrip.Author{}
		if err := json.Unmarshal(v, &head); err != nil {
			return fmt.Errorf("decode comment: %w", err)
		}
		if head.Author.ID == userID {
			rows.comments = append(rows.comments, head.ID)
		}
		return nil
	})
	return rows, err
}

// ExportAccount returns the account's profile, comments (with their page
// IDs), reader reviews and liked pages.
func (db *DB) ExportAccount(ctx context.Context, userID uint64) (*beforetrip.AccountExport, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := &beforetrip.AccountExport{Comments: []beforetrip.Comment{}, Reviews: []beforetrip.Review{}, Likes: []string{}}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		rec, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		out.User = *rec.domain()
		out.User.PasswordHash = nil
		rows, err := rowsOf(tx, userID)
		if err != nil {
			return err
		}
		for _, id := range rows.comments {
			c, err := getComment(tx, id)
			if err != nil {
				return err
			}
			out.Comments = append(out.Comments, *c)
		}
		for _, id := range rows.reviews {
			r, err := getReview(tx, id)
			if err != nil {
				return err
			}
			out.Reviews = append(out.Reviews, *r)
		}
		out.Likes = append(out.Likes, rows.likes...)
		return nil
	})
	if err != nil {
		return nil, wrap(err, "export user %d", userID)
	}
	return out, nil
}

// DeleteAccount removes an account for good, in one transaction: its likes
// (counters follow), its reader reviews (with their pages' likes and
// comments, as DeleteReview does), its comments (each becomes the usual
// deleted placeholder, without author, so replies keep their place), its
// sessions (revoked), tokens and open reply batch, and the user with its
// name and email, which are free again. It returns the changes static
// pages must follow.
func (db *DB) DeleteAccount(ctx context.Context, userID uint64) ([]beforetrip.Change, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var changes []beforetrip.Change
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		changes = nil
		rec, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		rows, err := rowsOf(tx, userID)
		if err != nil {
			return err
		}
		for _, page := range rows.likes {
			if _, err := setLike(tx, db.pop, likedPage(tx, page), userID, false, db.now()); err != nil {
				return err
			}
			changes = append(changes, beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: page})
		}
		for _, id := range rows.comments {
			ch, err := anonymizeComment(tx, id)
			if err != nil {
				return err
			}
			changes = append(changes, ch...)
		}
		for _, id := range rows.reviews {
			r, err := getReview(tx, id)
			if err != nil {
				return err
			}
			if err := deleteReview(tx, db.pop, r); err != nil {
				return err
			}
			changes = append(changes, beforetrip.Change{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: r.Country})
		}
		if err := revokeUserSessions(tx, userID); err != nil {
			return err
		}
		if err := deleteUserMailState(tx, userID); err != nil {
			return err
		}
		return deleteUser(tx, rec)
	})
	if err != nil {
		return nil, wrap(err, "delete user %d", userID)
	}
	return changes, nil
}

// likedPage is the metadata the popular index keeps of a liked page.
func likedPage(tx *bolt.Tx, page string) beforetrip.PageMeta {
	rec, _, _ := getPageRecord(tx, page)
	return beforetrip.PageMeta{ID: page, Section: rec.Section, Country: rec.Country, Date: rec.Date}
}

// anonymizeComment turns a comment into a deleted placeholder without
// author.
func anonymizeComment(tx *bolt.Tx, id uint64) ([]beforetrip.Change, error) {
	c, err := getComment(tx, id)
	if err != nil {
		return nil, err
	}
	// Counted, not "not deleted or pending": a rejected or hidden comment is
	// already off the counter.
	wasVisible, wasPending := c.Counted(), c.Pending
	c.Deleted, c.Pending, c.Body, c.HTML, c.Author = true, false, "", "", beforetrip.Author{}
	if err := putComment(tx, c, wasVisible, wasPending); err != nil {
		return nil, err
	}
	if !wasVisible {
		return nil, nil
	}
	return []beforetrip.Change{{Kind: beforetrip.ChangeComments, Page: c.Page}}, nil
}

// deleteUserMailState drops the user's account tokens and open reply batch.
func deleteUserMailState(tx *bolt.Tx, userID uint64) error {
	if _, err := deleteTokens(tx, func(t beforetrip.AccountToken) bool { return t.UserID == userID }); err != nil {
		return err
	}
	if id := tx.Bucket(bucketReplyBatches).Get(u64(userID)); id != nil {
		m, err := getMail(tx, binary.BigEndian.Uint64(id))
		if err != nil {
			return err
		}
		return deleteMail(tx, m)
	}
	return nil
}

func deleteUser(tx *bolt.Tx, rec *userRecord) error {
	if err := tx.Bucket(bucketUserNames).Delete([]byte(strings.ToLower(rec.Username))); err != nil {
		return err
	}
	if err := tx.Bucket(bucketUserEmails).Delete([]byte(strings.ToLower(rec.Email))); err != nil {
		return err
	}
	return tx.Bucket(bucketUsers).Delete(u64(rec.ID))
}
