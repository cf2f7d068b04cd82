package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// CreateReview stores a reader review, assigning r.ID and r.CreatedAt, and
// indexes it by country and by author (and in the approval queue when
// pending).
func (db *DB) CreateReview(ctx context.Context, r *beforetrip.Review) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if r.Author.ID == 0 {
		return beforetrip.Invalid("author", "author required")
	}
	if err := r.Validate(); err != nil {
		return err
	}
	row := *r
	row.EditedAt, row.Moderation = nil, beforetrip.NewModeration(row.Pending)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if _, err := activeUser(tx, row.Author.ID); err != nil {
			return err
		}
		id, err := tx.Bucket(bucketReviews).NextSequence()
		if err != nil {
			return err
		}
		row.ID, row.CreatedAt = id, time.Now().UTC()
		if err := putReview(tx, &row, false); err != nil {
			return err
		}
		if err := tx.Bucket(bucketReviewCountry).Put(join([]byte(row.Country), u64(id)), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketReviewAuthor).Put(join(u64(row.Author.ID), u64(id)), nil)
	})
	if err != nil {
		return wrap(err, "create review")
	}
	*r = row
	return nil
}

// Review returns one review; ENOTFOUND if unknown.
func (db *DB) Review(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var r *beforetrip.Review
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		r, err = getReview(tx, id)
		return err
	})
	if err != nil {
		return nil, wrap(err, "review %d", id)
	}
	return r, nil
}

// ReviewHead returns review id without its Body and HTML, which it does
// not decode; ENOTFOUND if unknown.
func (db *DB) ReviewHead(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var r *beforetrip.Review
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketReviews).Get(u64(id))
		if v == nil {
			return beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
		}
		var err error
		r, err = decodeReviewHead(id, v)
		return err
	})
	if err != nil {
		return nil, wrap(err, "review %d", id)
	}
	return r, nil
}

// Reviews lists reviews newest first, optionally of one country and/or one
// author, reading through the matching index from the cursor on. Reviews
// that are not public are listed only to their author and to moderators.
func (db *DB) Reviews(ctx context.Context, q beforetrip.ReviewQuery) (*beforetrip.ReviewPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if !beforetrip.ValidPageLabel(q.Country) {
		return nil, beforetrip.Invalid("country", "malformed country")
	}
	cursor, err := decodeCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	limit := beforetrip.PageLimit(q.Limit, beforetrip.DefaultReviewLimit, beforetrip.MaxReviewLimit)
	page := &beforetrip.ReviewPage{Reviews: []beforetrip.Review{}}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		// The author index is the narrower one when both filters are set.
		b, p := tx.Bucket(bucketReviews), []byte(nil)
		switch {
		case q.AuthorID != 0:
			b, p = tx.Bucket(bucketReviewAuthor), prefix(u64(q.AuthorID))
		case q.Country != "":
			b, p = tx.Bucket(bucketReviewCountry), prefix([]byte(q.Country))
		}
		return scanDesc(b.Cursor(), p, cursor, func(id uint64, _ []byte) (bool, error) {
			r, err := getReview(tx, id)
			if err != nil {
				return false, err
			}
			if (q.Country != "" && r.Country != q.Country) || !r.VisibleTo(q.Viewer, q.Moderator) {
				return true, nil
			}
			if len(page.Reviews) == limit {
				page.Next = encodeCursor(page.Reviews[limit-1].ID)
				return false, nil
			}
			page.Reviews = append(page.Reviews, *r)
			return true, nil
		})
	})
	if err != nil {
		return nil, wrap(err, "reviews")
	}
	return page, nil
}

// UpdateReview loads review id, lets fn change it and stores the result in
// one transaction. fn may change Title, Rating, Body, HTML and EditedAt; the
// country and author are fixed because the page ID (and its likes and
// comments) hang on them.
func (db *DB) UpdateReview(ctx context.Context, id uint64, fn beforetrip.ReviewUpdate) (*beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out *beforetrip.Review
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		r, err := getReview(tx, id)
		if err != nil {
			return err
		}
		old := *r
		if err := fn(r); err != nil {
			return err
		}
		if r.ID != old.ID || r.Country != old.Country || r.Author != old.Author || !r.CreatedAt.Equal(old.CreatedAt) {
			return errors.New("update changed an immutable field (id, country, author, created_at)")
		}
		if err := r.Validate(); err != nil {
			return err
		}
		out = r
		return putReview(tx, r, old.Pending)
	})
	if err != nil {
		return nil, wrap(err, "update review %d", id)
	}
	return out, nil
}

// DeleteReview removes a review and everything hanging on its page: likes
// (both directions), comments, the counter, the page record and its popular
// entries, in one transaction. ENOTFOUND if unknown.
func (db *DB) DeleteReview(ctx context.Context, id uint64) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		r, err := getReview(tx, id)
		if err != nil {
			return err
		}
		return deleteReview(tx, db.pop, r)
	})
	return wrap(err, "delete review %d", id)
}

// deleteReview removes review r with its indexes, reports and page.
func deleteReview(tx *bolt.Tx, pop *popIndex, r *beforetrip.Review) error {
	page := r.PageID()
	if err := deletePage(tx, pop, page); err != nil {
		return fmt.Errorf("page %q: %w", page, err)
	}
	for _, del := range []struct{ b, k []byte }{
		{bucketReviews, u64(r.ID)},
		{bucketReviewCountry, join([]byte(r.Country), u64(r.ID))},
		{bucketReviewAuthor, join(u64(r.Author.ID), u64(r.ID))},
		{bucketReviewsPending, u64(r.ID)},
	} {
		if err := tx.Bucket(del.b).Delete(del.k); err != nil {
			return err
		}
	}
	return forgetReports(tx, beforetrip.ItemReview, r.ID)
}

// deletePage removes every like, comment, counter and popular entry of page.
func deletePage(tx *bolt.Tx, pop *popIndex, page string) error {
	c, err := getCounts(tx, page)
	if err != nil {
		return err
	}
	if err := unindex(tx, pop, page, c.Likes); err != nil {
		return err
	}
	p := prefix([]byte(page))
	var users []uint64
	err = scanAsc(tx.Bucket(bucketLikesByPage).Cursor(), p, 0, func(user uint64, _ []byte) (bool, error) {
		users = append(users, user)
		return true, nil
	})
	if err != nil {
		return err
	}
	for _, u := range users {
		if err := dropLike(tx, page, u); err != nil {
			return err
		}
	}
	if err := deletePageComments(tx, page); err != nil {
		return err
	}
	return putCounts(tx, page, beforetrip.Counts{})
}

// putReview writes r and keeps the review approval queue in step with its
// previous state (wasPending).
func putReview(tx *bolt.Tx, r *beforetrip.Review, wasPending bool) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketReviews).Put(u64(r.ID), v); err != nil {
		return err
	}
	switch {
	case r.Pending && !wasPending:
		return tx.Bucket(bucketReviewsPending).Put(u64(r.ID), nil)
	case !r.Pending && wasPending:
		return tx.Bucket(bucketReviewsPending).Delete(u64(r.ID))
	}
	return nil
}

func getReview(tx *bolt.Tx, id uint64) (*beforetrip.Review, error) {
	v := tx.Bucket(bucketReviews).Get(u64(id))
	if v == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	return decodeReview(id, v)
}

// decodeReviewHead decodes the fields of a stored review that come before
// "body" (all but Body and HTML, which json.Marshal writes last): their
// size is bounded, while a body and its HTML once reached megabytes. The
// decoder reads the value in small pieces and stops at that key. A row
// written in the older field order (body before created_at) is decoded
// whole.
func decodeReviewHead(id uint64, v []byte) (*beforetrip.Review, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil { // {
		return nil, fmt.Errorf("decode review %d: %w", id, err)
	}
	end := -1
	for dec.More() {
		at := int(dec.InputOffset())
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("decode review %d: %w", id, err)
		}
		if key == "body" || key == "html" {
			end = at
			break
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, fmt.Errorf("decode review %d: %w", id, err)
		}
	}
	var r *beforetrip.Review
	if end >= 0 {
		// A copy: v is bbolt's read-only memory map.
		head := bytes.TrimSuffix(bytes.TrimSpace(v[:end]), []byte(","))
		head = append(bytes.Clone(head), '}')
		r = new(beforetrip.Review)
		if err := json.Unmarshal(head, r); err != nil {
			return nil, fmt.Errorf("decode review %d: %w", id, err)
		}
	}
	if r == nil || r.CreatedAt.IsZero() {
		var err error
		if r, err = decodeReview(id, v); err != nil {
			return nil, err
		}
	}
	r.Body, r.HTML = "", ""
	return r, nil
}

func decodeReview(id uint64, v []byte) (*beforetrip.Review, error) {
	var r beforetrip.Review
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("decode review %d: %w", id, err)
	}
	return &r, nil
}
