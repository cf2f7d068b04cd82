package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// audit appends an entry to the audit log inside the caller's
// transaction, so an action and its record commit together or not at all.
func audit(tx *bolt.Tx, at func() time.Time, actor beforetrip.Author, action, target, reason string) error {
	b := tx.Bucket(bucketAudit)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	e := beforetrip.AuditEntry{ID: id, At: at().UTC(), Actor: actor, Action: action, Target: target, Reason: reason}
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put(u64(id), v)
}

// Audit lists the audit log, newest first.
func (db *DB) Audit(ctx context.Context, cursor string, limit int) (*beforetrip.AuditPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	before, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	limit = beforetrip.PageLimit(limit, beforetrip.DefaultAuditLimit, beforetrip.MaxAuditLimit)
	page := &beforetrip.AuditPage{Entries: []beforetrip.AuditEntry{}}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		return scanDesc(tx.Bucket(bucketAudit).Cursor(), nil, before, func(id uint64, v []byte) (bool, error) {
			if len(page.Entries) == limit {
				page.Next = encodeCursor(page.Entries[limit-1].ID)
				return false, nil
			}
			var e beforetrip.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return false, fmt.Errorf("decode audit entry %d: %w", id, err)
			}
			page.Entries = append(page.Entries, e)
			return true, nil
		})
	})
	if err != nil {
		return nil, wrap(err, "audit log")
	}
	return page, nil
}
