// Package beforetrip holds the domain types shared by the site builder, the
// store and the API: pages, users, comments, reviews, errors, and the small
// service interfaces that connect the parts. It imports only the standard
// library, so every other package can depend on it and never on each other.
package beforetrip

import (
	"context"
	"time"
)

// ChangeKind says what a Change is about.
type ChangeKind string

// The kinds of change the API announces to the rebuild worker.
const (
	ChangeLikes    ChangeKind = "likes"    // a page's like count changed
	ChangeComments ChangeKind = "comments" // a page's visible comment count changed
	ChangeReview   ChangeKind = "review"   // a reader review was created, edited or deleted
)

// Change is one event that may alter what a static page shows. The API sends
// them through a Notifier; the rebuild worker debounces and coalesces them
// into one incremental build.
type Change struct {
	Kind ChangeKind
	// Page is the page ID the change concerns (for ChangeReview, the review's
	// page ID, e.g. "countries/japan/reviews/u-12").
	Page string
	// Country is the country slug, set for ChangeReview.
	Country string
}

// Notifier receives changes. Notify must not block: implementations queue.
type Notifier interface {
	Notify(Change)
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(Change)

// Notify calls f(c).
func (f NotifierFunc) Notify(c Change) { f(c) }

// Store is every service interface a store backend implements (bbolt in
// store/, PostgreSQL in pgstore/): what the API, the mail sender, the
// builder and the metrics wrapper call. Backends add their own
// maintenance (health, backups, the admin socket's operations) beside it.
type Store interface {
	UserService
	SessionService
	LikeService
	PopularService
	CommentService
	ReviewService
	ModerationService
	AccountService
	Outbox
	MailQueue
	SiteData
	LoginLimits
}

// SiteData is what the builder reads from the store to bake dynamic data into
// static pages: counts and reader reviews. A nil SiteData means "no store":
// every count is zero and there are no reader reviews. A full build reads
// everything; a rebuild for Changes reads only the pages and reviews they
// name.
type SiteData interface {
	// PageCounts returns the counts of every page that has at least one like
	// or one visible comment. Pages absent from the map have zero of both.
	PageCounts(ctx context.Context) (map[string]Counts, error)
	// CountsOf returns the counts of the pages ids, with the same rule:
	// pages with zero of both are absent.
	CountsOf(ctx context.Context, ids []string) (map[string]Counts, error)
	// ReaderReviews returns every published reader review, newest first.
	ReaderReviews(ctx context.Context) ([]Review, error)
	// ReaderReview returns one published reader review; ENOTFOUND if it
	// is gone or not published (awaiting approval).
	ReaderReview(ctx context.Context, id uint64) (*Review, error)
	// LikesSince returns, per page, how many of its standing likes were
	// made at or after since (see WindowStart); pages with none are
	// absent. It feeds /popular/month/.
	LikesSince(ctx context.Context, since time.Time) (map[string]int64, error)
}

// Counts are the public numbers of one page.
type Counts struct {
	Likes    int64 `json:"likes"`
	Comments int64 `json:"comments"`
}
