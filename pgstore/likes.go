package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// MaxStatsIDs bounds one PageStats call, as package store does.
const MaxStatsIDs = 100

// SetLike likes or unlikes page for a user, idempotently, and returns the
// page's like count. The like row, the counter and the page's popularity
// record change in one transaction; the counter's row lock orders
// concurrent likes of one page, so the count always equals the rows.
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
	var count int64
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := activeUser(ctx, tx, userID); err != nil {
			return err
		}
		if liked {
			if err := livePage(ctx, tx, page.ID); err != nil {
				return err
			}
		}
		var err error
		count, err = setLike(ctx, tx, page, userID, liked, db.now().UTC())
		return err
	})
	if err != nil {
		return 0, wrap(err, "like %q", page.ID)
	}
	return count, nil
}

// setLike changes the like row and, when it changed, the counter; it keeps
// the page's popularity record (section, country, date) current.
func setLike(ctx context.Context, tx pgx.Tx, page beforetrip.PageMeta, userID uint64, liked bool, at time.Time) (int64, error) {
	var tag interface{ RowsAffected() int64 }
	var err error
	delta := int64(1)
	if liked {
		tag, err = tx.Exec(ctx, `INSERT INTO likes (page, user_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, page.ID, int64(userID), at)
	} else {
		delta = -1
		tag, err = tx.Exec(ctx, "DELETE FROM likes WHERE page = $1 AND user_id = $2", page.ID, int64(userID))
	}
	if err != nil {
		return 0, err
	}
	var count int64
	if tag.RowsAffected() == 0 {
		err = tx.QueryRow(ctx, "SELECT coalesce((SELECT likes FROM counters WHERE page = $1), 0)", page.ID).Scan(&count)
	} else {
		count, _, err = addCounts(ctx, tx, page.ID, delta, 0)
	}
	if err != nil {
		return 0, err
	}
	return count, reindex(ctx, tx, page, count)
}

// addCounts adds to a page's counters and returns them after the change.
// A decrement updates the existing row (the CHECKs refuse a negative
// result); an increment creates the row when there is none.
func addCounts(ctx context.Context, tx pgx.Tx, page string, likes, comments int64) (int64, int64, error) {
	var l, c int64
	sql := `INSERT INTO counters (page, likes, comments) VALUES ($1, $2, $3)
		ON CONFLICT (page) DO UPDATE SET likes = counters.likes + $2, comments = counters.comments + $3
		RETURNING likes, comments`
	if likes < 0 || comments < 0 {
		sql = `UPDATE counters SET likes = likes + $2, comments = comments + $3 WHERE page = $1
			RETURNING likes, comments`
	}
	err := tx.QueryRow(ctx, sql, page, likes, comments).Scan(&l, &c)
	if err == pgx.ErrNoRows {
		return 0, 0, fmt.Errorf("page %q: counter would go negative", page)
	}
	return l, c, err
}

// reindex keeps the page's popularity record: present while it has likes,
// with the metadata of the latest like (dates to the second, as in store).
func reindex(ctx context.Context, tx pgx.Tx, page beforetrip.PageMeta, likes int64) error {
	if likes <= 0 {
		_, err := tx.Exec(ctx, "DELETE FROM pages WHERE page = $1", page.ID)
		return err
	}
	var date *time.Time
	if !page.Date.IsZero() {
		d := page.Date.UTC().Truncate(time.Second)
		date = &d
	}
	_, err := tx.Exec(ctx, `INSERT INTO pages (page, section, country, date) VALUES ($1, $2, $3, $4)
		ON CONFLICT (page) DO UPDATE SET section = excluded.section, country = excluded.country, date = excluded.date
		WHERE (pages.section, pages.country, pages.date) IS DISTINCT FROM (excluded.section, excluded.country, excluded.date)`,
		page.ID, page.Section, page.Country, date)
	return err
}

// PageStats returns counts for ids (unknown pages have zeros) and whether
// viewer (0 = anonymous) liked each.
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
	for _, id := range ids {
		out[id] = beforetrip.PageStats{}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT c.page, c.likes, c.comments,
			$2::bigint <> 0 AND EXISTS (SELECT 1 FROM likes l WHERE l.page = c.page AND l.user_id = $2)
		FROM counters c WHERE c.page = ANY($1)`, ids, int64(viewer))
	if err != nil {
		return nil, wrap(err, "page stats")
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var s beforetrip.PageStats
		if err := rows.Scan(&id, &s.Likes, &s.Comments, &s.Liked); err != nil {
			return nil, wrap(err, "page stats")
		}
		out[id] = s
	}
	return out, wrap(rows.Err(), "page stats")
}
