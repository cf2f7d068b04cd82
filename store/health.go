package store

import (
	"context"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// Ping reads the schema version: the cheapest read that proves the file is
// open and readable. After Close it fails (bbolt: database not open).
func (db *DB) Ping(ctx context.Context) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		tx.Bucket(bucketMeta).Get(keySchema)
		return nil
	})
	return wrap(err, "ping")
}

// Backlog counts the outbox and the moderation queues. Counting walks the
// buckets' pages without decoding a value; these queues are a moderator's
// and a mail server's backlog, small next to the rest of the file.
func (db *DB) Backlog(ctx context.Context) (beforetrip.Backlog, error) {
	var b beforetrip.Backlog
	if err := ctxErr(ctx); err != nil {
		return b, err
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b.Outbox = tx.Bucket(bucketOutbox).Stats().KeyN
		b.Pending = tx.Bucket(bucketPending).Stats().KeyN + tx.Bucket(bucketReviewsPending).Stats().KeyN
		b.Reported = tx.Bucket(bucketReportsOpen).Stats().KeyN
		return nil
	})
	return b, wrap(err, "backlog")
}
