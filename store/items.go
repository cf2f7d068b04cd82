package store

import (
	"encoding/binary"
	"fmt"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// item is a comment or a reader review under moderation: the one shape
// reports, decisions and the queue work on.
type item struct {
	kind beforetrip.ItemKind
	c    *beforetrip.Comment
	r    *beforetrip.Review
}

// itemKey is the key of an item in the report buckets: 'c' or 'r' then
// the 8-byte ID.
func itemKey(kind beforetrip.ItemKind, id uint64) []byte {
	return append([]byte{kind[0]}, u64(id)...)
}

// itemKind reads back the kind of an itemKey.
func itemKind(k []byte) beforetrip.ItemKind {
	if k[0] == 'r' {
		return beforetrip.ItemReview
	}
	return beforetrip.ItemComment
}

func loadItem(tx *bolt.Tx, kind beforetrip.ItemKind, id uint64) (*item, error) {
	switch kind {
	case beforetrip.ItemComment:
		c, err := getComment(tx, id)
		return &item{kind: kind, c: c}, err
	case beforetrip.ItemReview:
		r, err := getReview(tx, id)
		return &item{kind: kind, r: r}, err
	}
	return nil, beforetrip.Invalid("kind", "unknown kind %q", kind)
}

func (it *item) copy() *item {
	out := &item{kind: it.kind}
	if it.c != nil {
		c := *it.c
		out.c = &c
	} else {
		r := *it.r
		out.r = &r
	}
	return out
}

func (it *item) id() uint64 {
	if it.c != nil {
		return it.c.ID
	}
	return it.r.ID
}

func (it *item) author() beforetrip.Author {
	if it.c != nil {
		return it.c.Author
	}
	return it.r.Author
}

func (it *item) page() string {
	if it.c != nil {
		return it.c.Page
	}
	return it.r.PageID()
}

// shown reports whether the item shows on the site: a counted comment
// (public, not deleted) or a public review. Its change is what the rebuild
// worker must hear about.
func (it *item) shown() bool {
	if it.c != nil {
		return it.c.Counted()
	}
	return it.r.Public()
}

func (it *item) visibleTo(viewer uint64, moderator bool) bool {
	if it.c != nil {
		return !it.c.Deleted && it.c.VisibleTo(viewer, moderator)
	}
	return it.r.VisibleTo(viewer, moderator)
}

func (it *item) mod() *beforetrip.Moderation {
	if it.c != nil {
		return &it.c.Moderation
	}
	return &it.r.Moderation
}

func (it *item) setPending(p bool) {
	if it.c != nil {
		it.c.Pending = p
	} else {
		it.r.Pending = p
	}
}

func (it *item) target() string {
	return fmt.Sprintf("%s %d", it.kind, it.id())
}

// save stores the item, bringing counters and queues from old's state.
func (it *item) save(tx *bolt.Tx, old *item) error {
	if it.c != nil {
		return putComment(tx, it.c, old.c.Counted(), old.c.Pending)
	}
	return putReview(tx, it.r, old.r.Pending)
}

// result says what the step changed; it also records that the item was
// shown (Moderation.Unseen), so callers save the item after it.
func (it *item) result(old *item) *beforetrip.ModResult {
	return &beforetrip.ModResult{Kind: it.kind, Comment: it.c, Review: it.r,
		WasPublic: old.shown(), IsPublic: it.shown(), FirstShown: it.mod().Shown(it.shown())}
}

// binaryID reads an 8-byte big-endian ID.
func binaryID(k []byte) uint64 { return binary.BigEndian.Uint64(k) }
