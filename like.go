package beforetrip

import (
	"cmp"
	"context"
	"strings"
	"time"
)

// PageStats are a page's counts plus whether the asking reader liked it.
type PageStats struct {
	Likes    int64 `json:"likes"`
	Comments int64 `json:"comments"`
	Liked    bool  `json:"liked"`
}

// LikeService stores likes. The like row (page→user and user→page), the
// page's counter and its popularity entry change in one transaction; writes
// go through bbolt's Batch.
type LikeService interface {
	// SetLike likes (liked=true) or unlikes a page for a user, idempotently,
	// and returns the page's like count after the change. page supplies the
	// popularity index with the page's section, country and date.
	SetLike(ctx context.Context, page PageMeta, userID uint64, liked bool) (int64, error)
	// PageStats returns counts for ids (missing pages have zero counts) and
	// Liked for viewer (0 = anonymous).
	PageStats(ctx context.Context, ids []string, viewer uint64) (map[string]PageStats, error)
}

// PopularQuery selects a popularity ranking.
type PopularQuery struct {
	Section string // "", SectionTips or SectionReviews
	Country string // "" for all countries
	Limit   int
}

// PopularItem is one ranked page ID with its like count.
type PopularItem struct {
	ID    string    `json:"id"`
	Likes int64     `json:"likes"`
	Date  time.Time `json:"-"`
}

// ComparePopular orders popularity rankings: most liked first, ties
// newest first (by the page's full date), then by page ID so the order is
// total. The store's index (/api/popular) and the builder's lists
// (/popular/, popular.json) both sort with it, so they agree on ties.
func ComparePopular(a, b PopularItem) int {
	if c := cmp.Compare(b.Likes, a.Likes); c != 0 {
		return c
	}
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// PopularWindow is how far back the window ranking (/popular/month/)
// counts likes.
const PopularWindow = 30 * 24 * time.Hour

// WindowStart is the earliest like time the window ranking counts at now:
// likes made at or after it. A window ranking orders pages with
// ComparePopular, Likes being the likes made in the window (pages with
// none are not ranked); likes whose time is unknown (made before the store
// kept like times) are older than any window.
func WindowStart(now time.Time) time.Time { return now.Add(-PopularWindow) }

// PopularService ranks pages that have at least one like in ComparePopular
// order. It is kept incrementally (an index maintained with every
// like), so a query reads Limit entries, not every page.
type PopularService interface {
	Popular(ctx context.Context, q PopularQuery) ([]PopularItem, error)
}

// PageIndex answers which pages exist: the builder's manifest plus reader
// reviews in the store.
type PageIndex interface {
	// Page returns the page's metadata and whether it exists.
	Page(id string) (PageMeta, bool)
	// Has reports whether the page exists (Page's bool alone).
	Has(id string) bool
}
