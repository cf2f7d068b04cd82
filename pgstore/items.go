package pgstore

import (
	"context"
	"fmt"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// item is a comment or a review under moderation.
type item struct {
	kind beforetrip.ItemKind
	c    *beforetrip.Comment
	r    *beforetrip.Review
}

// loadItem reads and locks a comment or review.
func loadItem(ctx context.Context, tx pgx.Tx, kind beforetrip.ItemKind, id uint64) (*item, error) {
	switch kind {
	case beforetrip.ItemComment:
		c, err := getComment(ctx, tx, id, true)
		return &item{kind: kind, c: c}, err
	case beforetrip.ItemReview:
		r, err := getReview(ctx, tx, id, "doc", true)
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

// shown: a comment counts on its page, a review is public.
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

// save writes the item back; counters follow a comment's visibility.
func (it *item) save(ctx context.Context, tx pgx.Tx, old *item) error {
	if it.c != nil {
		return putComment(ctx, tx, it.c, false, old.c.Counted(), old.c.Pending)
	}
	return putReview(ctx, tx, it.r, false)
}

// result says what the step changed; it also records that the item was
// shown (Moderation.Unseen), so callers save the item after it.
func (it *item) result(old *item) *beforetrip.ModResult {
	return &beforetrip.ModResult{Kind: it.kind, Comment: it.c, Review: it.r,
		WasPublic: old.shown(), IsPublic: it.shown(), FirstShown: it.mod().Shown(it.shown())}
}
