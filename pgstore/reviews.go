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

// CreateReview stores r for an active user, assigning ID and CreatedAt.
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
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := activeUser(ctx, tx, row.Author.ID); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('reviews', 'id'))").Scan(&id); err != nil {
			return err
		}
		row.ID, row.CreatedAt = uint64(id), time.Now().UTC()
		return putReview(ctx, tx, &row, true)
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
	r, err := getReview(ctx, db.pool, id, "doc", false)
	if err != nil {
		return nil, wrap(err, "review %d", id)
	}
	return r, nil
}

// ReviewHead is Review without Body and HTML, which the database leaves
// out of the answer.
func (db *DB) ReviewHead(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	r, err := getReview(ctx, db.pool, id, "doc - 'body' - 'html'", false)
	if err != nil {
		return nil, wrap(err, "review %d", id)
	}
	return r, nil
}

// Reviews lists the reviews the viewer may see, newest first, by country
// and/or author.
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
	rows, err := db.pool.Query(ctx, `SELECT id, doc FROM reviews
		WHERE ($1 = '' OR country = $1) AND ($2 = 0 OR author_id = $2) AND id < $3
		AND (public OR $4 OR ($5 <> 0 AND author_id = $5)) ORDER BY id DESC LIMIT $6`,
		q.Country, int64(q.AuthorID), below(cursor), q.Moderator, int64(q.Viewer), limit+1)
	if err != nil {
		return nil, wrap(err, "reviews")
	}
	page := &beforetrip.ReviewPage{}
	if page.Reviews, err = collectReviews(rows); err != nil {
		return nil, wrap(err, "reviews")
	}
	if len(page.Reviews) > limit {
		page.Reviews = page.Reviews[:limit]
		page.Next = encodeCursor(page.Reviews[limit-1].ID)
	}
	return page, nil
}

// UpdateReview loads review id, calls fn and stores the result.
func (db *DB) UpdateReview(ctx context.Context, id uint64, fn beforetrip.ReviewUpdate) (*beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var out *beforetrip.Review
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		r, err := getReview(ctx, tx, id, "doc", true)
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
		return putReview(ctx, tx, r, false)
	})
	if err != nil {
		return nil, wrap(err, "update review %d", id)
	}
	return out, nil
}

// DeleteReview removes a review with its page's likes, comments, counters
// and popularity record. ENOTFOUND if unknown.
func (db *DB) DeleteReview(ctx context.Context, id uint64) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		r, err := getReview(ctx, tx, id, "doc", true)
		if err != nil {
			return err
		}
		return deleteReview(ctx, tx, r)
	})
	return wrap(err, "delete review %d", id)
}

// deleteReview removes r and everything its page had.
func deleteReview(ctx context.Context, tx pgx.Tx, r *beforetrip.Review) error {
	if err := deletePage(ctx, tx, r.PageID()); err != nil {
		return fmt.Errorf("page %q: %w", r.PageID(), err)
	}
	if err := forgetReports(ctx, tx, beforetrip.ItemReview, r.ID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM reviews WHERE id = $1", int64(r.ID))
	return err
}

// deletePage removes a page's likes, comments (with their reports), lock,
// pin, counters and popularity record.
func deletePage(ctx context.Context, tx pgx.Tx, page string) error {
	for _, sql := range []string{
		"DELETE FROM likes WHERE page = $1",
		"DELETE FROM page_pins WHERE page = $1",
		"DELETE FROM page_locks WHERE page = $1",
		"DELETE FROM reports WHERE kind = 'comment' AND item_id IN (SELECT id FROM comments WHERE page = $1)",
		"DELETE FROM comments WHERE page = $1",
		"DELETE FROM counters WHERE page = $1",
		"DELETE FROM pages WHERE page = $1",
	} {
		if _, err := tx.Exec(ctx, sql, page); err != nil {
			return err
		}
	}
	return nil
}

// putReview inserts or updates r with its query columns.
func putReview(ctx context.Context, tx pgx.Tx, r *beforetrip.Review, isNew bool) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if isNew {
		_, err = tx.Exec(ctx, `INSERT INTO reviews (id, country, author_id, pending, public, doc)
			VALUES ($1,$2,$3,$4,$5,$6)`, int64(r.ID), r.Country, int64(r.Author.ID), r.Pending, r.Public(), v)
	} else {
		_, err = tx.Exec(ctx, "UPDATE reviews SET author_id = $2, pending = $3, public = $4, doc = $5 WHERE id = $1",
			int64(r.ID), int64(r.Author.ID), r.Pending, r.Public(), v)
	}
	return err
}

// getReview reads one review's doc (or the expression col of it).
func getReview(ctx context.Context, q querier, id uint64, col string, forUpdate bool) (*beforetrip.Review, error) {
	sql := "SELECT " + col + " FROM reviews WHERE id = $1"
	if forUpdate {
		sql += " FOR UPDATE"
	}
	var v []byte
	err := q.QueryRow(ctx, sql, int64(id)).Scan(&v)
	if err == pgx.ErrNoRows {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	if err != nil {
		return nil, err
	}
	return decodeReview(id, v)
}

func decodeReview(id uint64, v []byte) (*beforetrip.Review, error) {
	var r beforetrip.Review
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("decode review %d: %w", id, err)
	}
	return &r, nil
}

// collectReviews reads (id, doc) rows.
func collectReviews(rows pgx.Rows) ([]beforetrip.Review, error) {
	defer rows.Close()
	out := []beforetrip.Review{}
	for rows.Next() {
		var id int64
		var v []byte
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		r, err := decodeReview(uint64(id), v)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// livePage refuses a reader review's page whose review is gone or not
// public; every other page ID passes (the API checks those).
func livePage(ctx context.Context, tx pgx.Tx, page string) error {
	country, id, ok := beforetrip.ParseReaderReviewID(page)
	if !ok {
		return nil
	}
	var live bool
	err := tx.QueryRow(ctx, "SELECT public AND country = $2 FROM reviews WHERE id = $1 FOR SHARE", int64(id), country).Scan(&live)
	if err == pgx.ErrNoRows || (err == nil && !live) {
		return beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	return err
}
