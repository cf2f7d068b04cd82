package store

import (
	"sync"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// countCache holds every page's counters as committed, so the read path
// (PageStats: the widget's one request per page view) answers without a
// read transaction and twenty B-tree lookups, which were a quarter of its
// server time (issue 20). It is derived from the file, never stored: Open
// loads it from the counters bucket, and every transaction that writes a
// counter updates it when it commits (Tx.OnCommit), before the writer's
// call returns, so a reader who just liked sees the like on the next read.
type countCache struct {
	mu    sync.RWMutex
	pages map[string]countState
}

// countState is a page's counters and the write transaction that set
// them: commit handlers run after bbolt releases its lock, so two of them
// may arrive out of order and the older must not win. Pages whose counters
// went to zero keep an entry for the same reason.
type countState struct {
	c  beforetrip.Counts
	tx int
}

// caches finds the cache of the store a transaction writes to. Counters
// are written from deep inside many transaction helpers that get only the
// *bolt.Tx (comments, moderation, purges, account deletion); looking the
// cache up from tx.DB() keeps it out of all their signatures.
var caches sync.Map // *bolt.DB → *countCache

// loadCountCache reads every counter as of transaction tx.
func loadCountCache(tx *bolt.Tx) (*countCache, error) {
	cc := &countCache{pages: map[string]countState{}}
	err := tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
		c, err := decodeCounts(v)
		if err != nil {
			return err
		}
		cc.pages[string(k)] = countState{c: c, tx: tx.ID()}
		return nil
	})
	return cc, err
}

// committed arranges for page's counters to become c in the cache of tx's
// store when tx commits (nothing if it rolls back).
func committed(tx *bolt.Tx, page string, c beforetrip.Counts) {
	v, ok := caches.Load(tx.DB())
	if !ok {
		return // Open is still loading it from the file
	}
	cc, id := v.(*countCache), tx.ID()
	tx.OnCommit(func() { cc.set(page, c, id) })
}

func (cc *countCache) set(page string, c beforetrip.Counts, tx int) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if old, ok := cc.pages[page]; ok && old.tx > tx {
		return
	}
	cc.pages[page] = countState{c: c, tx: tx}
}

// stats fills out with the counts of ids (zeros for pages without any).
func (cc *countCache) stats(ids []string, out map[string]beforetrip.PageStats) {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	for _, id := range ids {
		c := cc.pages[id].c
		out[id] = beforetrip.PageStats{Likes: c.Likes, Comments: c.Comments}
	}
}

// nonZero returns the pages the cache holds with a like or a comment (for
// Verify).
func (cc *countCache) nonZero() map[string]beforetrip.Counts {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	out := make(map[string]beforetrip.Counts, len(cc.pages))
	for page, st := range cc.pages {
		if st.c != (beforetrip.Counts{}) {
			out[page] = st.c
		}
	}
	return out
}

// verifyCountCache checks the cache against the counters in the file. The
// store must be quiet (no write since tx began).
func verifyCountCache(tx *bolt.Tx, cc *countCache, report reporter) error {
	want, err := loadCountCache(tx)
	if err != nil {
		return err
	}
	got := cc.nonZero()
	for page, st := range want.pages {
		if got[page] != st.c {
			report("count cache: page %q holds %+v, the file says %+v", page, got[page], st.c)
		}
		delete(got, page)
	}
	for page, c := range got {
		report("count cache: page %q holds %+v, the file has no counter", page, c)
	}
	return nil
}
