package store

import (
	"sync"

	"github.com/beforetrip/beforetrip"
	"github.com/google/btree"
)

// popIndex is the popular index: for each ranking (section, country), the
// liked pages in beforetrip.ComparePopular order. It
// lives in memory and is derived from the file, never stored: Open builds
// it from the page records and the counters, and each committed like
// transaction moves its pages (Tx.OnCommit). Kept as bbolt keys instead
// (4 rankings, a delete and an insert each per like), it halved the
// throughput of durable likes spread over many pages (bench/RESULTS.md).
type popIndex struct {
	mu    sync.RWMutex
	ranks map[[2]string]*btree.BTreeG[beforetrip.PopularItem]
	// pages says where each page sits, and as of which write transaction:
	// commit handlers run after bbolt releases its lock, so two of them
	// may arrive out of order and the older must not win. Pages whose
	// likes went to zero keep a tombstone (likes 0) for the same reason.
	pages map[string]popState
}

// popState is a page's place: its record, its likes and the transaction
// that set them.
type popState struct {
	rec   pageRecord
	likes int64
	tx    int
}

// popLess is the ranking order, the same as the builder's popular lists.
func popLess(a, b beforetrip.PopularItem) bool { return beforetrip.ComparePopular(a, b) < 0 }

func newPopIndex() *popIndex {
	return &popIndex{ranks: map[[2]string]*btree.BTreeG[beforetrip.PopularItem]{}, pages: map[string]popState{}}
}

// set places page with record rec at likes (0 = out of every ranking), as
// committed by transaction tx. A change older than what the index holds
// for that page is ignored.
func (x *popIndex) set(page string, rec pageRecord, likes int64, tx int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old, had := x.pages[page]
	if had && old.tx > tx {
		return
	}
	if had && old.likes > 0 {
		e := beforetrip.PopularItem{ID: page, Likes: old.likes, Date: old.rec.Date}
		for _, rk := range rankings(old.rec) {
			if t := x.ranks[rk]; t != nil {
				t.Delete(e)
				if t.Len() == 0 {
					delete(x.ranks, rk)
				}
			}
		}
	}
	x.pages[page] = popState{rec: rec, likes: likes, tx: tx}
	if likes <= 0 {
		return
	}
	e := beforetrip.PopularItem{ID: page, Likes: likes, Date: rec.Date}
	for _, rk := range rankings(rec) {
		t := x.ranks[rk]
		if t == nil {
			t = btree.NewG(32, popLess)
			x.ranks[rk] = t
		}
		t.ReplaceOrInsert(e)
	}
}

// top returns up to limit entries of one ranking, best first (never nil:
// the API answers an empty list, not null).
func (x *popIndex) top(section, country string, limit int) []beforetrip.PopularItem {
	x.mu.RLock()
	defer x.mu.RUnlock()
	t := x.ranks[[2]string{section, country}]
	if t == nil {
		return []beforetrip.PopularItem{}
	}
	out := make([]beforetrip.PopularItem, 0, min(limit, t.Len()))
	t.Ascend(func(e beforetrip.PopularItem) bool {
		out = append(out, e)
		return len(out) < limit
	})
	return out
}

// liked returns every page the index ranks with its likes (for Verify).
func (x *popIndex) liked() map[string]popState {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make(map[string]popState, len(x.pages))
	for page, st := range x.pages {
		if st.likes > 0 {
			out[page] = st
		}
	}
	return out
}

// lenOf is t.Len(), 0 for no tree.
func lenOf(t *btree.BTreeG[beforetrip.PopularItem]) int {
	if t == nil {
		return 0
	}
	return t.Len()
}
