package pgstore

import (
	"context"
	"errors"
	"fmt"
)

// maxProblems bounds what Verify reports.
const maxProblems = 20

// invariants are the checks of Verify: each query returns one line per
// problem. They are the same invariants package store's Verify checks of
// its buckets, for what the tables do not already enforce (foreign keys,
// unique indexes and non-negative counters are constraints here).
var invariants = []struct{ name, sql string }{
	{"likes counter differs from the likes", `
		SELECT coalesce(c.page, l.page), coalesce(c.likes, 0), coalesce(l.n, 0)
		FROM counters c FULL JOIN (SELECT page, count(*) AS n FROM likes GROUP BY page) l USING (page)
		WHERE coalesce(c.likes, 0) <> coalesce(l.n, 0)`},
	{"comments counter differs from the counted comments", `
		SELECT coalesce(c.page, m.page), coalesce(c.comments, 0), coalesce(m.n, 0)
		FROM counters c FULL JOIN (SELECT page, count(*) AS n FROM comments WHERE counted GROUP BY page) m USING (page)
		WHERE coalesce(c.comments, 0) <> coalesce(m.n, 0)`},
	{"popularity record without likes", `
		SELECT p.page, 0, 0 FROM pages p LEFT JOIN counters c USING (page) WHERE coalesce(c.likes, 0) = 0`},
	{"liked page without popularity record", `
		SELECT c.page, c.likes, 0 FROM counters c LEFT JOIN pages p USING (page) WHERE c.likes > 0 AND p.page IS NULL`},
	{"comment columns disagree with its document", `
		SELECT page, id, 0 FROM comments WHERE (doc->>'id')::bigint <> id OR doc->>'page' <> page
			OR coalesce((doc->>'pending')::boolean, false) <> pending`},
	{"pin of a comment not shown", `
		SELECT p.page, p.comment_id, 0 FROM page_pins p JOIN comments c ON c.id = p.comment_id
		WHERE NOT c.counted OR c.page <> p.page`},
	{"report of an item that is gone", `
		SELECT p.kind || ' ' || p.item_id, p.reporter_id, 0 FROM reports p
		WHERE (p.kind = 'comment' AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.id = p.item_id))
			OR (p.kind = 'review' AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.id = p.item_id))`},
	{"outbox due time differs from its mail", `
		SELECT id::text, 0, 0 FROM outbox WHERE (doc->>'send_at')::timestamptz <> send_at OR (doc->>'id')::bigint <> id`},
	{"reply batch of another user's or a non-reply mail", `
		SELECT r.user_id::text, r.mail_id, 0 FROM reply_batches r JOIN outbox o ON o.id = r.mail_id
		WHERE coalesce((o.doc->>'user_id')::bigint, 0) <> r.user_id OR o.doc->>'kind' <> 'replies'`},
}

// Verify checks that every counter equals the rows it counts and that the
// popularity records and query columns agree with the data; it returns
// every problem found (up to a bound), nil when there is none.
func (db *DB) Verify(ctx context.Context) error {
	var problems []error
	for _, inv := range invariants {
		rows, err := db.pool.Query(ctx, inv.sql)
		if err != nil {
			return fmt.Errorf("store: verify: %s: %w", inv.name, err)
		}
		for rows.Next() {
			var page string
			var have, want int64
			if err := rows.Scan(&page, &have, &want); err != nil {
				rows.Close()
				return fmt.Errorf("store: verify: %s: %w", inv.name, err)
			}
			if len(problems) < maxProblems {
				problems = append(problems, fmt.Errorf("%s: %q (%d, %d)", inv.name, page, have, want))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: verify: %s: %w", inv.name, err)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: verify: %w", errors.Join(problems...))
	}
	return nil
}
