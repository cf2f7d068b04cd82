package pgstore

import (
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Popular ranks liked pages in beforetrip.ComparePopular order: most likes,
// then newest, then by ID.
func (db *DB) Popular(ctx context.Context, q beforetrip.PopularQuery) ([]beforetrip.PopularItem, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if !beforetrip.ValidPageLabel(q.Section) {
		return nil, beforetrip.Invalid("section", "malformed section")
	}
	if !beforetrip.ValidPageLabel(q.Country) {
		return nil, beforetrip.Invalid("country", "malformed country")
	}
	limit := beforetrip.PageLimit(q.Limit, beforetrip.DefaultPopularLimit, beforetrip.MaxPopularLimit)
	// The C collation orders IDs bytewise, as strings.Compare does.
	rows, err := db.pool.Query(ctx, `SELECT c.page, c.likes, p.date FROM counters c JOIN pages p USING (page)
		WHERE c.likes > 0 AND ($1 = '' OR p.section = $1) AND ($2 = '' OR p.country = $2)
		ORDER BY c.likes DESC, p.date DESC NULLS LAST, c.page COLLATE "C" LIMIT $3`,
		q.Section, q.Country, limit)
	if err != nil {
		return nil, wrap(err, "popular")
	}
	defer rows.Close()
	out := []beforetrip.PopularItem{}
	for rows.Next() {
		var it beforetrip.PopularItem
		var date *time.Time
		if err := rows.Scan(&it.ID, &it.Likes, &date); err != nil {
			return nil, wrap(err, "popular")
		}
		if date != nil {
			it.Date = date.UTC()
		}
		out = append(out, it)
	}
	return out, wrap(rows.Err(), "popular")
}
