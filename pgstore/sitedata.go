package pgstore

import (
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
)

// PageCounts returns the counts of every page with a like or a visible
// comment.
func (db *DB) PageCounts(ctx context.Context) (map[string]beforetrip.Counts, error) {
	return db.counts(ctx, "SELECT page, likes, comments FROM counters WHERE likes > 0 OR comments > 0")
}

// CountsOf returns the counts of ids; pages with zero of both are absent.
func (db *DB) CountsOf(ctx context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	return db.counts(ctx, `SELECT page, likes, comments FROM counters
		WHERE page = ANY($1) AND (likes > 0 OR comments > 0)`, ids)
}

func (db *DB) counts(ctx context.Context, sql string, args ...any) (map[string]beforetrip.Counts, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap(err, "page counts")
	}
	defer rows.Close()
	out := map[string]beforetrip.Counts{}
	for rows.Next() {
		var page string
		var c beforetrip.Counts
		if err := rows.Scan(&page, &c.Likes, &c.Comments); err != nil {
			return nil, wrap(err, "page counts")
		}
		out[page] = c
	}
	return out, wrap(rows.Err(), "page counts")
}

// ReaderReviews returns every published reader review, newest first.
func (db *DB) ReaderReviews(ctx context.Context) ([]beforetrip.Review, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, "SELECT id, doc FROM reviews WHERE public ORDER BY id DESC")
	if err != nil {
		return nil, wrap(err, "reader reviews")
	}
	out, err := collectReviews(rows)
	return out, wrap(err, "reader reviews")
}

// ReaderReview returns one published reader review; ENOTFOUND if it is
// gone or not published.
func (db *DB) ReaderReview(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	r, err := db.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	if !r.Public() {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "review not found")
	}
	return r, nil
}

// LikesSince returns, per page, the standing likes made at or after since
// (the window of /popular/month/); pages with none are absent. Like times
// are the likes' created_at, set by SetLike from the store's clock.
func (db *DB) LikesSince(ctx context.Context, since time.Time) (map[string]int64, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, likesSinceSQL, since)
	if err != nil {
		return nil, wrap(err, "likes since")
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var page string
		var n int64
		if err := rows.Scan(&page, &n); err != nil {
			return nil, wrap(err, "likes since")
		}
		out[page] = n
	}
	return out, wrap(rows.Err(), "likes since")
}

// likesSinceSQL reads the likes of the window through the likes_created
// index (migration 0004).
const likesSinceSQL = "SELECT page, count(*) FROM likes WHERE created_at >= $1 GROUP BY page"

var (
	_ beforetrip.UserService    = (*DB)(nil)
	_ beforetrip.SessionService = (*DB)(nil)
	_ beforetrip.LikeService    = (*DB)(nil)
	_ beforetrip.PopularService = (*DB)(nil)
	_ beforetrip.CommentService = (*DB)(nil)
	_ beforetrip.ReviewService  = (*DB)(nil)
	_ beforetrip.SiteData       = (*DB)(nil)
)
