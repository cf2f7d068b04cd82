package beforetrip

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxCommentLen is the longest comment body accepted, in characters.
const MaxCommentLen = 4000

// Comment is a reader's comment on a page. Body is the author's Markdown;
// HTML is its safe rendering (no raw HTML, sanitized). A deleted comment
// keeps its place in the thread with an empty body so replies stay.
type Comment struct {
	ID        uint64     `json:"id"`
	Page      string     `json:"page"`
	ParentID  uint64     `json:"parent_id"` // 0 for a top-level comment
	Author    Author     `json:"author"`
	Body      string     `json:"body"`
	HTML      string     `json:"html"`
	CreatedAt time.Time  `json:"created_at"`
	EditedAt  *time.Time `json:"edited_at"`
	Deleted   bool       `json:"deleted"`
	Pending   bool       `json:"pending,omitempty"` // awaiting approval (pre-moderation)
	Pinned    bool       `json:"pinned,omitempty"`  // shown at the top of its thread
	Moderation
}

// Public reports whether everyone may see c: it awaits no approval and is
// neither hidden by reports nor rejected. A deleted comment stays public as
// a placeholder so its replies keep their place.
func (c *Comment) Public() bool { return !c.Pending && !c.held() }

// Redacted returns c as readers see it: a deleted comment keeps its place
// in the thread but carries no author, so deleting a comment also removes
// who wrote it from every answer (the store keeps it for moderation).
func (c Comment) Redacted() Comment {
	if c.Deleted {
		c.Author = Author{}
	}
	return c
}

// Counted reports whether c counts in its page's comment count: public and
// not deleted.
func (c *Comment) Counted() bool { return c.Public() && !c.Deleted }

// VisibleTo reports whether the user viewer (0: anonymous) may see c: the
// public sees public comments; the author and moderators see the others.
// A comment someone cannot see must behave for them exactly like one that
// does not exist (listing, replying).
func (c *Comment) VisibleTo(viewer uint64, moderator bool) bool {
	return c.Public() || moderator || (viewer != 0 && viewer == c.Author.ID)
}

// Validate checks a comment before it is stored: a page ID and a body
// (CheckCommentBody). Deleted comments have no body and are not checked.
// Whether the page exists is the caller's question.
func (c *Comment) Validate() error {
	if c.Page == "" || !ValidPageID(c.Page) {
		return Invalid("page", "A valid page ID is required.")
	}
	if c.Deleted {
		return nil
	}
	return CheckCommentBody(c.Body)
}

// CheckCommentBody checks a comment's text: valid UTF-8 without NUL, not
// blank, at most MaxCommentLen characters. Its messages are shown to readers.
func CheckCommentBody(body string) error {
	switch {
	case HasNUL(body):
		return Invalid("body", "Comment must not contain NUL characters.")
	case !utf8.ValidString(body):
		return Invalid("body", "Comment must be valid UTF-8.")
	case strings.TrimSpace(body) == "":
		return Invalid("body", "Comment is empty.")
	case utf8.RuneCountInString(body) > MaxCommentLen:
		return Invalid("body", "Comment is longer than %d characters.", MaxCommentLen)
	}
	return nil
}

// CommentQuery selects one page of comments of a page.
type CommentQuery struct {
	Page   string
	Cursor string // opaque, from a previous CommentPage.Next
	Limit  int
	Oldest bool // oldest first instead of newest first
	// Viewer is the reader asking (0 if anonymous); pending comments are
	// shown only to their author and to moderators.
	Viewer    uint64
	Moderator bool
}

// CommentPage is one page of results.
type CommentPage struct {
	Comments []Comment `json:"comments"`
	Next     string    `json:"next"` // "" when there are no more
	// Locked: the thread takes no new comments (moderators excepted).
	Locked bool `json:"locked"`
	// EditWindow is how long, in seconds, authors may edit their comments.
	EditWindow int64 `json:"edit_window"`
}

// CommentUpdate is applied to a stored comment inside the store's
// transaction; returning an error aborts the update. It lets the API check
// ownership and render Markdown against the current row without a second
// transaction.
type CommentUpdate func(c *Comment) error

// CommentService stores comments. Visible (non-deleted, non-pending) comments
// are counted in the page's Counts.Comments in the same transaction.
type CommentService interface {
	// CreateComment assigns c.ID and c.CreatedAt. A ParentID must name a
	// comment of the same page (EINVALID otherwise).
	CreateComment(ctx context.Context, c *Comment) error
	// Comment returns one comment; ENOTFOUND if unknown.
	Comment(ctx context.Context, id uint64) (*Comment, error)
	// Comments lists a page's comments; replies are returned in the same
	// list (clients thread them by ParentID).
	Comments(ctx context.Context, q CommentQuery) (*CommentPage, error)
	// UpdateComment loads comment id, calls fn, and stores the result
	// (also used for soft delete and approval). Counters follow visibility.
	UpdateComment(ctx context.Context, id uint64, fn CommentUpdate) (*Comment, error)
	// PendingComments lists comments awaiting approval, oldest first.
	PendingComments(ctx context.Context, cursor string, limit int) (*CommentPage, error)
}
