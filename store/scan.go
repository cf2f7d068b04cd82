package store

import (
	"bytes"
	"encoding/binary"
	"math"

	bolt "go.etcd.io/bbolt"
)

// Paging helpers for keys shaped "p + 8-byte ID" (p may be empty). They
// seek, so a page of results costs its own size, not the bucket's.

// scanAsc calls fn with every ID after `after`, ascending, until fn says
// stop.
func scanAsc(c *bolt.Cursor, p []byte, after uint64, fn func(id uint64, v []byte) (more bool, err error)) error {
	if after == math.MaxUint64 {
		return nil
	}
	for k, v := c.Seek(append(bytes.Clone(p), u64(after+1)...)); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if len(k) != len(p)+8 {
			continue
		}
		more, err := fn(binary.BigEndian.Uint64(k[len(p):]), v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// scanDesc calls fn with every ID before `before` (0 = from the newest),
// descending, until fn says stop.
func scanDesc(c *bolt.Cursor, p []byte, before uint64, fn func(id uint64, v []byte) (more bool, err error)) error {
	if before == 0 {
		before = math.MaxUint64
	}
	k, _ := c.Seek(append(bytes.Clone(p), u64(before)...))
	var v []byte
	// Seek lands on the first key >= the target; the one before it is the
	// newest key below the cursor.
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, p); k, v = c.Prev() {
		if len(k) != len(p)+8 {
			continue
		}
		more, err := fn(binary.BigEndian.Uint64(k[len(p):]), v)
		if err != nil || !more {
			return err
		}
	}
	return nil
}
