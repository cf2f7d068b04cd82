package beforetrip

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Review limits.
const (
	MaxReviewTitleLen = 120
	MaxReviewBodyLen  = 20000
)

// Review is a reader-written review of a country. The builder renders it at
// PageID() with the same templates as editorial reviews.
//
// Body and HTML stay the last fields: the store reads a review's other
// fields (ReviewHead) without decoding them, by stopping at "body".
type Review struct {
	ID        uint64     `json:"id"`
	Country   string     `json:"country"`
	Title     string     `json:"title"`
	Rating    int        `json:"rating"` // 1–5
	Author    Author     `json:"author"`
	CreatedAt time.Time  `json:"created_at"`
	EditedAt  *time.Time `json:"edited_at"`
	Pending   bool       `json:"pending,omitempty"` // awaiting approval (reviews.moderation: pre)
	Moderation
	Body string `json:"body"` // Markdown
	HTML string `json:"html"` // safe rendering of Body
}

// Public reports whether everyone may see r: not pending, hidden or
// rejected. Only public reviews are pages:
// rendered by the builder, listed, likeable and commentable.
func (r *Review) Public() bool { return !r.Pending && !r.held() }

// VisibleTo reports whether the user viewer (0: anonymous) may see r: the
// public sees public reviews; the author and moderators see the others.
func (r *Review) VisibleTo(viewer uint64, moderator bool) bool {
	return r.Public() || moderator || (viewer != 0 && viewer == r.Author.ID)
}

// PageID returns the page ID of the review: countries/<c>/reviews/u-<id>.
func (r *Review) PageID() string { return ReaderReviewID(r.Country, r.ID) }

// ReaderReviewPrefix starts the slug of every reader review's page; no
// editorial review may use it (ReservedSlug).
const ReaderReviewPrefix = "u-"

// ReaderReviewSlug returns the slug of reader review id: u-<id>.
func ReaderReviewSlug(id uint64) string { return ReaderReviewPrefix + strconv.FormatUint(id, 10) }

// ReaderReviewID returns the page ID of reader review id of country:
// countries/<country>/reviews/u-<id>.
func ReaderReviewID(country string, id uint64) string {
	return "countries/" + country + "/" + SectionReviews + "/" + ReaderReviewSlug(id)
}

// ParseReaderReviewID splits a reader review's page ID into its country
// and review ID. Only the canonical form is one (no leading zeros, id > 0):
// the store and the page index must agree on which pages are reader
// reviews, and a static page under another spelling is never one.
func ParseReaderReviewID(page string) (country string, id uint64, ok bool) {
	country, section, ok := SplitPageID(page)
	if !ok || section != SectionReviews {
		return "", 0, false
	}
	digits, ok := strings.CutPrefix(page[strings.LastIndexByte(page, '/')+1:], ReaderReviewPrefix)
	if !ok {
		return "", 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != digits {
		return "", 0, false
	}
	return country, n, true
}

// ReviewEdit is a change to a review's writable fields; nil fields are
// left as they are (an API PATCH). A new review is an edit of every field.
type ReviewEdit struct {
	Title  *string
	Rating *int
	Body   *string
}

// Normalize cleans the title (CleanTitle): trimmed, without the
// invisible and direction-changing characters that spoof lists and feeds.
func (e *ReviewEdit) Normalize() {
	if e.Title != nil {
		t := CleanTitle(*e.Title)
		e.Title = &t
	}
}

// Validate checks the fields that are set: a title of 1 to
// MaxReviewTitleLen characters without Hidden characters (Normalize
// removes them), a rating of 1 to 5, a body of at most MaxReviewBodyLen
// characters, all valid UTF-8. Its messages are shown to readers.
func (e *ReviewEdit) Validate() error {
	if t := e.Title; t != nil && (strings.TrimSpace(*t) == "" || !utf8.ValidString(*t) ||
		utf8.RuneCountInString(*t) > MaxReviewTitleLen) {
		return Invalid("title", "Title must be 1 to %d characters.", MaxReviewTitleLen)
	}
	if t := e.Title; t != nil {
		if r, ok := HiddenIn(*t); ok {
			return Invalid("title", "Title must not contain invisible or direction-changing characters (%U).", r)
		}
	}
	if e.Title != nil && HasNUL(*e.Title) {
		return Invalid("title", "Title must not contain NUL characters.")
	}
	if e.Body != nil && HasNUL(*e.Body) {
		return Invalid("body", "Review text must not contain NUL characters.")
	}
	if e.Rating != nil && (*e.Rating < 1 || *e.Rating > 5) {
		return Invalid("rating", "Rating must be 1 to 5.")
	}
	if b := e.Body; b != nil && (!utf8.ValidString(*b) || utf8.RuneCountInString(*b) > MaxReviewBodyLen) {
		return Invalid("body", "Review text must be at most %d characters.", MaxReviewBodyLen)
	}
	return nil
}

// Apply copies the fields that are set into r.
func (e *ReviewEdit) Apply(r *Review) {
	if e.Title != nil {
		r.Title = *e.Title
	}
	if e.Rating != nil {
		r.Rating = *e.Rating
	}
	if e.Body != nil {
		r.Body = *e.Body
	}
}

// Validate checks a whole review: its country is a slug and its fields
// pass ReviewEdit.Validate. Whether the country exists is the caller's
// question (the site knows its countries, the store does not).
func (r *Review) Validate() error {
	if !ValidSlug(r.Country) {
		return Invalid("country", "Not a valid country.")
	}
	return (&ReviewEdit{Title: &r.Title, Rating: &r.Rating, Body: &r.Body}).Validate()
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
	// ReviewHead is Review without Body and HTML, which it does not
	// decode: for checking that a review's page exists.
	ReviewHead(ctx context.Context, id uint64) (*Review, error)
	// Reviews lists reviews, newest first.
	Reviews(ctx context.Context, q ReviewQuery) (*ReviewPage, error)
	// UpdateReview loads review id, calls fn, and stores the result.
	UpdateReview(ctx context.Context, id uint64, fn ReviewUpdate) (*Review, error)
	// DeleteReview removes a review with its likes and comments and their
	// counters and popularity entries. ENOTFOUND if unknown.
	DeleteReview(ctx context.Context, id uint64) error
}
