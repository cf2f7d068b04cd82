package store

import (
	"encoding/binary"
	"encoding/json"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// verifyModeration checks the moderation state against the rows: every
// report names an existing item and the reported queue counts exactly the
// open reports; a hidden live item is in that queue; page_pins names
// exactly the pinned comments, one per page; audit entries sit under their
// own IDs.
func verifyModeration(tx *bolt.Tx, report reporter) error {
	open := map[string]int{}
	err := tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
		var rec reportRecord
		if len(k) != 18 || json.Unmarshal(v, &rec) != nil {
			report("reports: malformed entry %x", k)
			return nil
		}
		if _, err := loadItem(tx, itemKind(k), binaryID(k[1:9])); err != nil {
			report("reports: %s %d: %v", itemKind(k), binaryID(k[1:9]), err)
		}
		if rec.Open {
			open[string(k[:9])]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketReportsOpen).ForEach(func(k, v []byte) error {
		var rec openRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			report("reports_open: key %x: %v", k, err)
			return nil
		}
		if rec.Count != open[string(k)] {
			report("reports_open: %s %d counts %d, rows say %d", itemKind(k), binaryID(k[1:]), rec.Count, open[string(k)])
		}
		delete(open, string(k))
		return nil
	})
	if err != nil {
		return err
	}
	for k, n := range open {
		report("reports_open: %s %d has %d open reports but no entry", itemKind([]byte(k)), binaryID([]byte(k)[1:]), n)
	}
	if err := verifyHiddenAndPins(tx, report); err != nil {
		return err
	}
	return verifyAudit(tx, report)
}

// verifyHiddenAndPins checks hidden items against the reported queue and
// the pins against the pinned comments.
func verifyHiddenAndPins(tx *bolt.Tx, report reporter) error {
	queued := tx.Bucket(bucketReportsOpen)
	pins := map[string]string{}
	err := tx.Bucket(bucketComments).ForEach(func(k, v []byte) error {
		var c beforetrip.Comment
		if json.Unmarshal(v, &c) != nil {
			return nil // recountComments reports it
		}
		if c.Hidden && !c.Deleted && queued.Get(itemKey(beforetrip.ItemComment, c.ID)) == nil {
			report("comments: comment %d is hidden but not in the reported queue", c.ID)
		}
		if c.Pinned {
			if _, dup := pins[c.Page]; dup {
				report("comments: page %q has more than one pinned comment", c.Page)
			}
			pins[c.Page] = string(u64(c.ID))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		r, err := decodeReview(binaryID(k), v)
		if err == nil && r.Hidden && queued.Get(itemKey(beforetrip.ItemReview, r.ID)) == nil {
			report("reviews: review %d is hidden but not in the reported queue", r.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return verifyIndex(tx.Bucket(bucketPagePins), "page_pins", pins, report)
}

func verifyAudit(tx *bolt.Tx, report reporter) error {
	return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		var e beforetrip.AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			report("audit: key %x: %v", k, err)
			return nil
		}
		if len(k) != 8 || e.ID != binary.BigEndian.Uint64(k) {
			report("audit: key %x holds entry %d", k, e.ID)
		}
		return nil
	})
}
