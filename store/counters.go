package store

import (
	"encoding/binary"
	"fmt"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// A page's counters are one 16-byte value: likes then visible comments,
// big-endian. Pages with both at zero have no row, so PageCounts reads only
// pages that have something.

func decodeCounts(v []byte) (beforetrip.Counts, error) {
	if v == nil {
		return beforetrip.Counts{}, nil
	}
	if len(v) != 16 {
		return beforetrip.Counts{}, fmt.Errorf("corrupt counters value %x", v)
	}
	return beforetrip.Counts{
		Likes:    int64(binary.BigEndian.Uint64(v[:8])),
		Comments: int64(binary.BigEndian.Uint64(v[8:])),
	}, nil
}

func getCounts(tx *bolt.Tx, page string) (beforetrip.Counts, error) {
	c, err := decodeCounts(tx.Bucket(bucketCounters).Get([]byte(page)))
	if err != nil {
		return c, fmt.Errorf("page %q: %w", page, err)
	}
	return c, nil
}

// addCounts changes a page's counters by the deltas, in the caller's
// transaction (the one that changes the rows they count).
func addCounts(tx *bolt.Tx, page string, likes, comments int64) (beforetrip.Counts, error) {
	c, err := getCounts(tx, page)
	if err != nil {
		return c, err
	}
	c.Likes += likes
	c.Comments += comments
	if c.Likes < 0 || c.Comments < 0 {
		return c, fmt.Errorf("page %q: counter would go negative (%d likes, %d comments)", page, c.Likes, c.Comments)
	}
	return c, putCounts(tx, page, c)
}

// putCounts writes a page's counters (no row when both are zero) and
// updates the count cache when tx commits.
func putCounts(tx *bolt.Tx, page string, c beforetrip.Counts) error {
	committed(tx, page, c)
	b := tx.Bucket(bucketCounters)
	if c.Likes == 0 && c.Comments == 0 {
		return b.Delete([]byte(page))
	}
	v := make([]byte, 16)
	binary.BigEndian.PutUint64(v[:8], uint64(c.Likes))
	binary.BigEndian.PutUint64(v[8:], uint64(c.Comments))
	return b.Put([]byte(page), v)
}
