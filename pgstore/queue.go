package pgstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// queueEntry is one item in a queue, ordered by when it entered it.
type queueEntry struct {
	since time.Time
	kind  beforetrip.ItemKind
	id    uint64
}

func (e queueEntry) less(o queueEntry) bool {
	if !e.since.Equal(o.since) {
		return e.since.Before(o.since)
	}
	if e.kind != o.kind {
		return e.kind < o.kind
	}
	return e.id < o.id
}

// cursor has the same form as package store's.
func (e queueEntry) cursor() string {
	s := fmt.Sprintf("%d.%s.%d", e.since.UnixNano(), e.kind, e.id)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeQueueCursor(s string) (*queueEntry, error) {
	if s == "" {
		return nil, nil
	}
	bad := beforetrip.Invalid("cursor", "malformed cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return nil, bad
	}
	ns, err1 := strconv.ParseInt(parts[0], 10, 64)
	id, err2 := strconv.ParseUint(parts[2], 10, 64)
	kind := beforetrip.ItemKind(parts[1])
	if err1 != nil || err2 != nil || !kind.Valid() {
		return nil, bad
	}
	return &queueEntry{since: time.Unix(0, ns), kind: kind, id: id}, nil
}

// Queue lists the items awaiting approval or reported, oldest first.
func (db *DB) Queue(ctx context.Context, q beforetrip.QueueKind, cursor string, limit int) (*beforetrip.QueuePage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	after, err := decodeQueueCursor(cursor)
	if err != nil {
		return nil, err
	}
	limit = beforetrip.PageLimit(limit, beforetrip.DefaultQueueLimit, beforetrip.MaxQueueLimit)
	page := &beforetrip.QueuePage{Items: []beforetrip.QueueItem{}}
	err = pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		entries, err := queueEntries(ctx, tx, q)
		if err != nil {
			return err
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].less(entries[j]) })
		var last queueEntry
		for _, e := range entries {
			if after != nil && !after.less(e) {
				continue
			}
			if len(page.Items) == limit {
				page.Next = last.cursor()
				return nil
			}
			qi, err := queueItem(ctx, tx, e)
			if err != nil {
				return err
			}
			page.Items, last = append(page.Items, qi), e
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "%s queue", q)
	}
	return page, nil
}

// queueEntries are the items of queue q, unsorted.
func queueEntries(ctx context.Context, tx pgx.Tx, q beforetrip.QueueKind) ([]queueEntry, error) {
	var sql string
	switch q {
	case beforetrip.QueuePending:
		// Pending items entered the queue at their last edit or creation.
		sql = `SELECT 'comment', id, coalesce(doc->>'edited_at', doc->>'created_at') FROM comments WHERE pending
			UNION ALL SELECT 'review', id, coalesce(doc->>'edited_at', doc->>'created_at') FROM reviews WHERE pending`
	case beforetrip.QueueReported:
		// Reported items entered it at their first open report.
		sql = `SELECT kind, item_id, to_char(min(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
			FROM reports WHERE open GROUP BY kind, item_id`
	default:
		return nil, beforetrip.Invalid("kind", "kind must be pending or reported.")
	}
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []queueEntry
	for rows.Next() {
		var kind, since string
		var id int64
		if err := rows.Scan(&kind, &id, &since); err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			return nil, fmt.Errorf("queue: %s %d: %w", kind, id, err)
		}
		out = append(out, queueEntry{since: t, kind: beforetrip.ItemKind(kind), id: uint64(id)})
	}
	return out, rows.Err()
}

// queueItem reads one entry's item and open reports.
func queueItem(ctx context.Context, tx pgx.Tx, e queueEntry) (beforetrip.QueueItem, error) {
	var it item
	var err error
	it.kind = e.kind
	if e.kind == beforetrip.ItemComment {
		it.c, err = getComment(ctx, tx, e.id, false)
	} else {
		it.r, err = getReview(ctx, tx, e.id, "doc", false)
	}
	if err != nil {
		return beforetrip.QueueItem{}, err
	}
	reports, err := openReports(ctx, tx, e.kind, e.id)
	if err != nil {
		return beforetrip.QueueItem{}, err
	}
	return beforetrip.QueueItem{Kind: e.kind, Comment: it.c, Review: it.r, Page: it.page(),
		Since: e.since, Reports: reports}, nil
}
