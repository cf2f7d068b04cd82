package beforetrip

import (
	"context"
	"strconv"
	"time"
)

// Review limits.
const (
	MaxReviewTitleLen = 120
	MaxReviewBodyLen  = 20000
)

// Review is a reader-written review of a country. The builder renders it at
// PageID() with the same templates as editorial reviews.
type Review struct {
	ID        uint64     `json:"id"`
	Country   string     `json:"country"`
	Title     string     `json:"title"`
	Rating    int        `json:"rating"` // 1–5
	Body      string     `json:"body"`   // Markdown
	HTML      string     `json:"html"`   // safe rendering of Body
	Author    Author     `json:"author"`
	CreatedAt time.Time  `json:"created_at"`
	EditedAt  *time.Time `json:"edited_at"`
	Pending   bool       `json:"pending,omitempty"` // awaiting approval (reviews.moderation: pre)
}

// Public reports whether everyone may see r. Only public reviews are pages:
// rendered by the builder, listed, likeable and commentable.
func (r *Review) Public() bool { return !r.Pending }

// VisibleTo reports whether the user viewer (0: anonymous) may see r: the
// public sees public reviews; the author and moderators see the others.
func (r *Review) VisibleTo(viewer uint64, moderator bool) bool {
	return r.Public() || moderator || (viewer != 0 && viewer == r.Author.ID)
}

// PageID returns the page ID of the review: countries/<c>/reviews/u-<id>.
func (r *Review) PageID() string {
	return "countries/" + r.Country + "/reviews/u-" + strconv.FormatUint(r.ID, 10)
}

// ReviewQuery selects reviews.
type ReviewQuery struct {
	Country  string // "" for all
	AuthorID uint64 // 0 for all
	Cursor   string
	Limit    int
	// Viewer is the reader asking (0 if anonymous); reviews that are not
	// public are listed only to their author and to moderators.
	Viewer    uint64
	Moderator bool
}

// ReviewPage is one page of results, newest first.
type ReviewPage struct {
	Reviews []Review `json:"reviews"`
	Next    string   `json:"next"`
}

// ReviewUpdate is applied to a stored review inside the store's transaction.
type ReviewUpdate func(r *Review) error

// ReviewService stores reader reviews.
type ReviewService interface {
	// CreateReview assigns r.ID and r.CreatedAt.
	CreateReview(ctx context.Context, r *Review) error
	// Review returns one review; ENOTFOUND if unknown.
	Review(ctx context.Context, id uint64) (*Review, error)
	// Reviews lists reviews, newest first.
	Reviews(ctx context.Context, q ReviewQuery) (*ReviewPage, error)
	// UpdateReview loads review id, calls fn, and stores the result.
	UpdateReview(ctx context.Context, id uint64, fn ReviewUpdate) (*Review, error)
	// DeleteReview removes a review with its likes and comments and their
	// counters and popularity entries. ENOTFOUND if unknown.
	DeleteReview(ctx context.Context, id uint64) error
}
