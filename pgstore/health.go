package pgstore

import (
	"context"

	"github.com/beforetrip/beforetrip"
)

// Backlog counts the outbox and the moderation queues in one query (the
// same rows Queue lists: pending items, items with open reports).
func (db *DB) Backlog(ctx context.Context) (beforetrip.Backlog, error) {
	var b beforetrip.Backlog
	err := db.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM outbox),
		(SELECT count(*) FROM comments WHERE pending) + (SELECT count(*) FROM reviews WHERE pending),
		(SELECT count(*) FROM (SELECT DISTINCT kind, item_id FROM reports WHERE open) r)`).
		Scan(&b.Outbox, &b.Pending, &b.Reported)
	return b, wrap(err, "backlog")
}
