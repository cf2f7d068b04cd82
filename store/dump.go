package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// Dump reads the community data of the whole store in one read
// transaction (writers go on): what `beforetrip store copy` moves.
func (db *DB) Dump(ctx context.Context) (*beforetrip.Dump, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	d := &beforetrip.Dump{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, step := range []func(*bolt.Tx, *beforetrip.Dump) error{
			dumpUsers, dumpLikes, dumpComments, dumpReviews, dumpModeration,
		} {
			if err := step(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "dump")
	}
	return d, nil
}

func dumpUsers(tx *bolt.Tx, d *beforetrip.Dump) error {
	return tx.Bucket(bucketUsers).ForEach(func(k, _ []byte) error {
		rec, err := getUser(tx, binary.BigEndian.Uint64(k))
		if err != nil {
			return err
		}
		d.Users = append(d.Users, *rec.domain())
		return nil
	})
}

func dumpLikes(tx *bolt.Tx, d *beforetrip.Dump) error {
	err := tx.Bucket(bucketLikesByPage).ForEach(func(k, _ []byte) error {
		if len(k) < 9 || k[len(k)-9] != sep {
			return fmt.Errorf("malformed like key %x", k)
		}
		d.Likes = append(d.Likes, beforetrip.Like{Page: string(k[:len(k)-9]), UserID: binary.BigEndian.Uint64(k[len(k)-8:])})
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketPages).ForEach(func(k, v []byte) error {
		rec, err := decodePageRecord(k, v)
		if err != nil {
			return err
		}
		d.Pages = append(d.Pages, beforetrip.PageMeta{ID: string(k), Section: rec.Section, Country: rec.Country, Date: rec.Date})
		return nil
	})
}

func dumpComments(tx *bolt.Tx, d *beforetrip.Dump) error {
	return tx.Bucket(bucketComments).ForEach(func(k, v []byte) error {
		c, err := decodeComment(0, v)
		if err != nil {
			return fmt.Errorf("comment %q: %w", k, err)
		}
		d.Comments = append(d.Comments, *c)
		return nil
	})
}

func dumpReviews(tx *bolt.Tx, d *beforetrip.Dump) error {
	return tx.Bucket(bucketReviews).ForEach(func(k, v []byte) error {
		r, err := decodeReview(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return err
		}
		d.Reviews = append(d.Reviews, *r)
		return nil
	})
}

func dumpModeration(tx *bolt.Tx, d *beforetrip.Dump) error {
	err := tx.Bucket(bucketReports).ForEach(func(k, v []byte) error {
		var rec reportRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode report %x: %w", k, err)
		}
		d.Reports = append(d.Reports, beforetrip.DumpReport{Report: rec.Report, Open: rec.Open})
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketPageLocks).ForEach(func(k, v []byte) error {
		var rec lockRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode lock of %q: %w", k, err)
		}
		d.Locks = append(d.Locks, beforetrip.PageLock{Page: string(k), By: rec.By, At: rec.At})
		return nil
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		var e beforetrip.AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode audit entry %x: %w", k, err)
		}
		d.Audit = append(d.Audit, e)
		return nil
	})
}
