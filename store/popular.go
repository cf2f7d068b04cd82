package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
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
// ties newest first, from the in-memory index (popIndex): it reads Limit
// entries, whatever the number of pages.
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
	return db.pop.top(q.Section, q.Country, limit), nil
}

// rankings lists the (section, country) rankings a page belongs to: its
// own, all sections of its country, its section in all countries, and
// everything. Duplicates (a page without section or country) collapse.
func rankings(r pageRecord) [][2]string {
	all := [][2]string{{r.Section, r.Country}, {"", r.Country}, {r.Section, ""}, {"", ""}}
	out := all[:0]
	for _, k := range all {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// reindex records, in the transaction that changed a page's likes from
// oldLikes to newLikes, what the popular index needs: the page record
// (stored for liked pages only, rewritten only when it changes) and, once
// the transaction has committed, the page's new place in pop.
func reindex(tx *bolt.Tx, pop *popIndex, meta beforetrip.PageMeta, oldLikes, newLikes int64) error {
	pages := tx.Bucket(bucketPages)
	rec := pageRecord{Section: meta.Section, Country: meta.Country, Date: meta.Date.UTC().Truncate(time.Second)}
	old, had, err := getPageRecord(tx, meta.ID)
	if err != nil {
		return err
	}
	if had && old.same(rec) && oldLikes == newLikes {
		return nil
	}
	id, txID := meta.ID, tx.ID()
	if newLikes <= 0 {
		tx.OnCommit(func() { pop.set(id, rec, 0, txID) })
		if !had {
			return nil
		}
		return pages.Delete([]byte(meta.ID))
	}
	tx.OnCommit(func() { pop.set(id, rec, newLikes, txID) })
	if had && old.same(rec) {
		return nil
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return pages.Put([]byte(meta.ID), v)
}

// unindex removes a page from the popular index (its likes are gone).
func unindex(tx *bolt.Tx, pop *popIndex, page string, likes int64) error {
	return reindex(tx, pop, beforetrip.PageMeta{ID: page}, likes, 0)
}

// loadPopIndex builds the popular index from the page records and the
// counters, as of transaction tx.
func loadPopIndex(tx *bolt.Tx) (*popIndex, error) {
	pop := newPopIndex()
	err := tx.Bucket(bucketPages).ForEach(func(k, v []byte) error {
		rec, err := decodePageRecord(k, v)
		if err != nil {
			return err
		}
		c, err := getCounts(tx, string(k))
		if err != nil {
			return err
		}
		pop.set(string(k), rec, c.Likes, tx.ID())
		return nil
	})
	return pop, err
}

func (r pageRecord) same(o pageRecord) bool {
	return r.Section == o.Section && r.Country == o.Country && r.Date.Equal(o.Date)
}

func getPageRecord(tx *bolt.Tx, page string) (pageRecord, bool, error) {
	v := tx.Bucket(bucketPages).Get([]byte(page))
	if v == nil {
		return pageRecord{}, false, nil
	}
	r, err := decodePageRecord([]byte(page), v)
	return r, err == nil, err
}

func decodePageRecord(page, v []byte) (pageRecord, error) {
	var r pageRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("decode page record %q: %w", page, err)
	}
	return r, nil
}
