package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// reportRecord is a report as stored: Open until a moderator decides on
// the item. Closed reports stay, so a reader reports an item only once.
type reportRecord struct {
	beforetrip.Report
	Open bool `json:"open"`
}

// openRecord is an item's entry in the reported queue.
type openRecord struct {
	Since time.Time `json:"since"`
	Count int       `json:"count"`
}

// thresholdActor signs the audit entry of an item hidden by reports.
var thresholdActor = beforetrip.Author{Username: "(reports)"}

// Report records r and, when the item reaches hideAfter open reports,
// hides it until a moderator decides. The item must be visible to the
// reporter (ENOTFOUND otherwise, as for a missing one) and not theirs
// (EFORBIDDEN); a second report of the same reader is ECONFLICT.
func (db *DB) Report(ctx context.Context, r *beforetrip.Report, hideAfter int) (*beforetrip.ModResult, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if hideAfter < 1 {
		hideAfter = beforetrip.DefaultHideAfter
	}
	var res *beforetrip.ModResult
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		reporter, err := activeUser(tx, r.Reporter.ID)
		if err != nil {
			return err
		}
		it, err := loadItem(tx, r.Kind, r.ItemID)
		if err != nil {
			return err
		}
		// A reader who reported an item that is hidden now still learns
		// that their report counted, not that the item is gone.
		key := join(itemKey(r.Kind, r.ItemID), u64(reporter.ID))
		if tx.Bucket(bucketReports).Get(key) != nil {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "You already reported this %s.", r.Kind)
		}
		if !it.visibleTo(reporter.ID, false) {
			return beforetrip.Errorf(beforetrip.ENOTFOUND, "%s not found", r.Kind)
		}
		if it.author().ID == reporter.ID {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN, "You cannot report your own %s.", r.Kind)
		}
		r.At = db.now().UTC()
		v, err := json.Marshal(reportRecord{Report: *r, Open: true})
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketReports).Put(key, v); err != nil {
			return err
		}
		open, err := getOpen(tx, r.Kind, r.ItemID)
		if err != nil {
			return err
		}
		if open.Count == 0 {
			open.Since = r.At
		}
		open.Count++
		if err := putOpen(tx, r.Kind, r.ItemID, open); err != nil {
			return err
		}
		old := it.copy()
		if open.Count >= hideAfter && !it.mod().Hidden {
			it.mod().Hidden = true
			if err := audit(tx, db.now, thresholdActor, "hide", it.target(),
				fmt.Sprintf("%d reports", open.Count)); err != nil {
				return err
			}
			if err := it.save(tx, old); err != nil {
				return err
			}
		}
		res = it.result(old)
		return nil
	})
	if err != nil {
		return nil, wrap(err, "report %s %d", r.Kind, r.ItemID)
	}
	return res, nil
}

// Decide applies a moderator's decision to a comment or review, closes its
// open reports and writes the audit entry, in one transaction.
func (db *DB) Decide(ctx context.Context, actor beforetrip.Author, kind beforetrip.ItemKind, id uint64,
	d beforetrip.Decision, reason string) (*beforetrip.ModResult, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if !d.Valid() {
		return nil, beforetrip.Invalid("decision", "unknown decision %q", d)
	}
	reason, err := beforetrip.ValidReason(reason)
	if err != nil {
		return nil, err
	}
	var res *beforetrip.ModResult
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		it, err := loadItem(tx, kind, id)
		if err != nil {
			return err
		}
		old := it.copy()
		it.setPending(false)
		it.mod().Apply(d, reason)
		if err := closeReports(tx, kind, id); err != nil {
			return err
		}
		if err := audit(tx, db.now, actor, string(d), it.target(), reason); err != nil {
			return err
		}
		res = it.result(old)
		return it.save(tx, old)
	})
	if err != nil {
		return nil, wrap(err, "%s %s %d", d, kind, id)
	}
	return res, nil
}

// closeReports marks an item's reports closed and takes it out of the
// reported queue.
func closeReports(tx *bolt.Tx, kind beforetrip.ItemKind, id uint64) error {
	b := tx.Bucket(bucketReports)
	p := append(itemKey(kind, id), sep)
	var keys [][]byte
	var vals [][]byte
	c := b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var rec reportRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode report %x: %w", k, err)
		}
		if !rec.Open {
			continue
		}
		rec.Open = false
		nv, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		keys, vals = append(keys, clone(k)), append(vals, nv)
	}
	for i := range keys {
		if err := b.Put(keys[i], vals[i]); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketReportsOpen).Delete(itemKey(kind, id))
}

// forgetReports deletes every report of an item that is deleted for good.
func forgetReports(tx *bolt.Tx, kind beforetrip.ItemKind, id uint64) error {
	b := tx.Bucket(bucketReports)
	p := append(itemKey(kind, id), sep)
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		keys = append(keys, clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketReportsOpen).Delete(itemKey(kind, id))
}

// openReports returns an item's open reports, oldest first.
func openReports(tx *bolt.Tx, kind beforetrip.ItemKind, id uint64) ([]beforetrip.Report, error) {
	out := []beforetrip.Report{}
	p := append(itemKey(kind, id), sep)
	c := tx.Bucket(bucketReports).Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		var rec reportRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("decode report %x: %w", k, err)
		}
		if rec.Open {
			out = append(out, rec.Report)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

func getOpen(tx *bolt.Tx, kind beforetrip.ItemKind, id uint64) (openRecord, error) {
	var rec openRecord
	v := tx.Bucket(bucketReportsOpen).Get(itemKey(kind, id))
	if v == nil {
		return rec, nil
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, fmt.Errorf("decode open reports of %s %d: %w", kind, id, err)
	}
	return rec, nil
}

func putOpen(tx *bolt.Tx, kind beforetrip.ItemKind, id uint64, rec openRecord) error {
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketReportsOpen).Put(itemKey(kind, id), v)
}

// queueEntry places an item in a queue: by the time it entered, then kind
// and ID, which is also the cursor.
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

// Queue lists the pending or the reported queue, oldest first. A queue is
// a moderator's backlog, so it is gathered whole and sorted; only its page
// of items is decoded.
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
	err = db.bolt.View(func(tx *bolt.Tx) error {
		entries, err := queueEntries(tx, q)
		if err != nil {
			return err
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].less(entries[j]) })
		for _, e := range entries {
			if after != nil && !after.less(e) {
				continue
			}
			if len(page.Items) == limit {
				last := page.Items[limit-1]
				page.Next = queueEntry{since: last.Since, kind: last.Kind, id: itemID(last)}.cursor()
				return nil
			}
			qi, err := queueItem(tx, e)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, qi)
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "%s queue", q)
	}
	return page, nil
}

func itemID(qi beforetrip.QueueItem) uint64 {
	if qi.Comment != nil {
		return qi.Comment.ID
	}
	return qi.Review.ID
}

// queueEntries gathers the entries of queue q.
func queueEntries(tx *bolt.Tx, q beforetrip.QueueKind) ([]queueEntry, error) {
	var out []queueEntry
	switch q {
	case beforetrip.QueuePending:
		for _, src := range []struct {
			kind beforetrip.ItemKind
			b    []byte
		}{{beforetrip.ItemComment, bucketPending}, {beforetrip.ItemReview, bucketReviewsPending}} {
			err := tx.Bucket(src.b).ForEach(func(k, _ []byte) error {
				it, err := loadItem(tx, src.kind, binaryID(k))
				if err != nil {
					return err
				}
				out = append(out, queueEntry{since: pendingSince(it), kind: src.kind, id: it.id()})
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	case beforetrip.QueueReported:
		err := tx.Bucket(bucketReportsOpen).ForEach(func(k, v []byte) error {
			var rec openRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode open reports %x: %w", k, err)
			}
			out = append(out, queueEntry{since: rec.Since, kind: itemKind(k), id: binaryID(k[1:])})
			return nil
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, beforetrip.Invalid("kind", "kind must be pending or reported.")
	}
	return out, nil
}

// pendingSince is when an item started waiting: its last edit or creation.
func pendingSince(it *item) time.Time {
	if it.c != nil {
		return editedOrCreated(it.c.CreatedAt, it.c.EditedAt)
	}
	return editedOrCreated(it.r.CreatedAt, it.r.EditedAt)
}

func editedOrCreated(created time.Time, edited *time.Time) time.Time {
	if edited != nil {
		return *edited
	}
	return created
}

func queueItem(tx *bolt.Tx, e queueEntry) (beforetrip.QueueItem, error) {
	it, err := loadItem(tx, e.kind, e.id)
	if err != nil {
		return beforetrip.QueueItem{}, err
	}
	reports, err := openReports(tx, e.kind, e.id)
	if err != nil {
		return beforetrip.QueueItem{}, err
	}
	return beforetrip.QueueItem{Kind: e.kind, Comment: it.c, Review: it.r, Page: it.page(),
		Since: e.since, Reports: reports}, nil
}
