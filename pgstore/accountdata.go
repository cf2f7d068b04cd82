package pgstore

import (
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// ExportAccount returns the account with its comments, reviews and likes.
func (db *DB) ExportAccount(ctx context.Context, userID uint64) (*beforetrip.AccountExport, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	out := &beforetrip.AccountExport{}
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		u, err := userByID(ctx, tx, userID, false)
		if err != nil {
			return err
		}
		out.User = *u
		out.User.PasswordHash = nil
		rows, err := tx.Query(ctx, "SELECT id, doc FROM comments WHERE author_id = $1 ORDER BY id", int64(userID))
		if err != nil {
			return err
		}
		if out.Comments, err = collectComments(rows); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT id, doc FROM reviews WHERE author_id = $1 ORDER BY id", int64(userID))
		if err != nil {
			return err
		}
		if out.Reviews, err = collectReviews(rows); err != nil {
			return err
		}
		out.Likes, err = likedBy(ctx, tx, userID)
		return err
	})
	if err != nil {
		return nil, wrap(err, "export user %d", userID)
	}
	return out, nil
}

// likedBy lists the pages a user liked, in ID order.
func likedBy(ctx context.Context, tx pgx.Tx, userID uint64) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT page FROM likes WHERE user_id = $1 ORDER BY page COLLATE "C"`, int64(userID))
	if err != nil {
		return nil, err
	}
	pages, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if pages == nil {
		pages = []string{}
	}
	return pages, err
}

// DeleteAccount removes the account, its sessions, tokens, likes (with
// their counters), reviews (with their pages' likes and comments) and
// comments (soft-deleted without author, so replies keep their place),
// and returns the changes static pages must follow.
func (db *DB) DeleteAccount(ctx context.Context, userID uint64) ([]beforetrip.Change, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var changes []beforetrip.Change
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		changes = nil
		if _, err := userByID(ctx, tx, userID, true); err != nil {
			return err
		}
		pages, err := likedBy(ctx, tx, userID)
		if err != nil {
			return err
		}
		for _, page := range pages {
			meta, err := likedPage(ctx, tx, page)
			if err != nil {
				return err
			}
			if _, err := setLike(ctx, tx, meta, userID, false, time.Now()); err != nil {
				return err
			}
			changes = append(changes, beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: page})
		}
		ch, err := anonymizeComments(ctx, tx, userID)
		if err != nil {
			return err
		}
		changes = append(changes, ch...)
		rows, err := tx.Query(ctx, "SELECT id, doc FROM reviews WHERE author_id = $1 ORDER BY id FOR UPDATE", int64(userID))
		if err != nil {
			return err
		}
		reviews, err := collectReviews(rows)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			if err := deleteReview(ctx, tx, &r); err != nil {
				return err
			}
			changes = append(changes, beforetrip.Change{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: r.Country})
		}
		// Sessions, tokens and likes go with the row (ON DELETE CASCADE);
		// the open reply batch is a mail to an address that is gone.
		if _, err := tx.Exec(ctx, "DELETE FROM outbox WHERE id IN (SELECT mail_id FROM reply_batches WHERE user_id = $1)",
			int64(userID)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM users WHERE id = $1", int64(userID))
		return err
	})
	if err != nil {
		return nil, wrap(err, "delete user %d", userID)
	}
	return changes, nil
}

// likedPage is the popularity metadata of a liked page.
func likedPage(ctx context.Context, tx pgx.Tx, page string) (beforetrip.PageMeta, error) {
	meta := beforetrip.PageMeta{ID: page}
	var date *time.Time
	err := tx.QueryRow(ctx, "SELECT section, country, date FROM pages WHERE page = $1", page).Scan(&meta.Section, &meta.Country, &date)
	if err == pgx.ErrNoRows {
		return meta, nil
	}
	if date != nil {
		meta.Date = date.UTC()
	}
	return meta, err
}

// anonymizeComments soft-deletes every comment of a user and drops its
// author, returning a change for each page whose count moved.
func anonymizeComments(ctx context.Context, tx pgx.Tx, userID uint64) ([]beforetrip.Change, error) {
	rows, err := tx.Query(ctx, "SELECT id, doc FROM comments WHERE author_id = $1 ORDER BY id FOR UPDATE", int64(userID))
	if err != nil {
		return nil, err
	}
	comments, err := collectComments(rows)
	if err != nil {
		return nil, err
	}
	var changes []beforetrip.Change
	for _, c := range comments {
		wasCounted, wasPending := c.Counted(), c.Pending
		c.Deleted, c.Pending, c.Body, c.HTML, c.Author = true, false, "", "", beforetrip.Author{}
		if err := putComment(ctx, tx, &c, false, wasCounted, wasPending); err != nil {
			return nil, err
		}
		if wasCounted {
			changes = append(changes, beforetrip.Change{Kind: beforetrip.ChangeComments, Page: c.Page})
		}
	}
	return changes, nil
}

var _ beforetrip.AccountService = (*DB)(nil)
