package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// Popular limits: a query without a limit gets DefaultPopularLimit entries,
// and never more than MaxPopularLimit (the index is read entry by entry).
const (
	DefaultPopularLimit = 10
	MaxPopularLimit     = 1000
)

// pageRecord is what the popular index needs to find a page's keys again:
// stored for every page with at least one like, so an unlike (or a changed
// date) can delete the old keys even if the caller's PageMeta changed.
type pageRecord struct {
	Section string    `json:"section,omitempty"`
	Country string    `json:"country,omitempty"`
	Date    time.Time `json:"date,omitzero"`
}

// Popular returns the most liked pages of one ranking, most liked first,
// ties newest first. It seeks to the ranking's prefix and reads Limit
// entries: the cost does not depend on how many pages exist.
func (db *DB) Popular(ctx context.Context, q beforetrip.PopularQuery) ([]beforetrip.PopularItem, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if !validLabel(q.Section) {
		return nil, beforetrip.Invalid("section", "malformed section")
	}
	if !validLabel(q.Country) {
		return nil, beforetrip.Invalid("country", "malformed country")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultPopularLimit
	}
	limit = min(limit, MaxPopularLimit)
	p := prefix([]byte(q.Section), []byte(q.Country))
	items := []beforetrip.PopularItem{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPopular).Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(items) < limit; k, _ = c.Next() {
			likes, date, page, ok := decodePopular(k[len(p):])
			if !ok {
				return fmt.Errorf("corrupt popular key %x", k)
			}
			items = append(items, beforetrip.PopularItem{ID: page, Likes: likes, Date: date})
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "popular")
	}
	return items, nil
}

// rankings lists the (section, country) rankings a page belongs to: its
// own, all sections of its country, its section in all countries, and
// everything. Duplicates (a page without section or country) collapse.
func rankings(r pageRecord) [][2]string {
	all := [][2]string{{r.Section, r.Country}, {"", r.Country}, {r.Section, ""}, {"", ""}}
	out := all[:0]
	seen := map[[2]string]bool{}
	for _, k := range all {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// popularKeys returns every index key of a page with likes likes.
func popularKeys(page string, r pageRecord, likes int64) [][]byte {
	var keys [][]byte
	for _, rk := range rankings(r) {
		keys = append(keys, popularKey(rk[0], rk[1], likes, r.Date, page))
	}
	return keys
}

// reindex moves a page inside the popular index from oldLikes to newLikes
// under meta, in the transaction that changed its likes. The page's stored
// record says where its old keys are; pages with no likes leave the index.
func reindex(tx *bolt.Tx, meta beforetrip.PageMeta, oldLikes, newLikes int64) error {
	pages, idx := tx.Bucket(bucketPages), tx.Bucket(bucketPopular)
	rec := pageRecord{Section: meta.Section, Country: meta.Country, Date: meta.Date.UTC().Truncate(time.Second)}
	old, had, err := getPageRecord(tx, meta.ID)
	if err != nil {
		return err
	}
	if had && old.same(rec) && oldLikes == newLikes {
		return nil
	}
	if had && oldLikes > 0 {
		for _, k := range popularKeys(meta.ID, old, oldLikes) {
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
	}
	if newLikes <= 0 {
		return pages.Delete([]byte(meta.ID))
	}
	for _, k := range popularKeys(meta.ID, rec, newLikes) {
		if err := idx.Put(k, nil); err != nil {
			return err
		}
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return pages.Put([]byte(meta.ID), v)
}

// unindex removes a page from the popular index (its likes are gone).
func unindex(tx *bolt.Tx, page string, likes int64) error {
	return reindex(tx, beforetrip.PageMeta{ID: page}, likes, 0)
}

func (r pageRecord) same(o pageRecord) bool {
	return r.Section == o.Section && r.Country == o.Country && r.Date.Equal(o.Date)
}

func getPageRecord(tx *bolt.Tx, page string) (pageRecord, bool, error) {
	var r pageRecord
	v := tx.Bucket(bucketPages).Get([]byte(page))
	if v == nil {
		return r, false, nil
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return r, false, fmt.Errorf("decode page record %q: %w", page, err)
	}
	return r, true, nil
}
