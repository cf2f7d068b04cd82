package beforetrip

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// ItemKind names what a report or a moderation decision is about.
type ItemKind string

// The reader-written items moderators act on.
const (
	ItemComment ItemKind = "comment"
	ItemReview  ItemKind = "review"
)

// Valid reports whether k is a known kind.
func (k ItemKind) Valid() bool { return k == ItemComment || k == ItemReview }

// ReportReason is why a reader reports an item.
type ReportReason string

// Report reasons.
const (
	ReasonSpam     ReportReason = "spam"
	ReasonAbuse    ReportReason = "abuse"
	ReasonOffTopic ReportReason = "off-topic"
	ReasonOther    ReportReason = "other"
)

// Moderation limits.
const (
	MaxReportText    = 500 // characters of a report's optional text
	MaxModReason     = 500 // characters of a moderator's reason
	DefaultHideAfter = 3   // distinct reports that hide an item
)

// Report is one reader's report of a comment or review.
type Report struct {
	Kind     ItemKind     `json:"kind"`
	ItemID   uint64       `json:"item_id"`
	Reporter Author       `json:"reporter"`
	Reason   ReportReason `json:"reason"`
	Text     string       `json:"text,omitempty"`
	At       time.Time    `json:"at"`
}

// Validate checks the reason and the optional text.
func (r *Report) Validate() error {
	switch r.Reason {
	case ReasonSpam, ReasonAbuse, ReasonOffTopic, ReasonOther:
	default:
		return Invalid("reason", "Reason must be spam, abuse, off-topic or other.")
	}
	if HasNUL(r.Text) {
		return Invalid("text", "The text must not contain NUL characters.")
	}
	if !utf8.ValidString(r.Text) || utf8.RuneCountInString(r.Text) > MaxReportText {
		return Invalid("text", "The text is longer than %d characters.", MaxReportText)
	}
	r.Text = strings.TrimSpace(r.Text)
	return nil
}

// ValidReason checks a moderator's reason (reject, block): optional, at
// most MaxModReason characters.
func ValidReason(reason string) (string, error) {
	if HasNUL(reason) {
		return "", Invalid("reason", "The reason must not contain NUL characters.")
	}
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxModReason {
		return "", Invalid("reason", "The reason is longer than %d characters.", MaxModReason)
	}
	return strings.TrimSpace(reason), nil
}

// Decision is a moderator's verdict on a comment or review.
type Decision string

// Decisions. Approve and restore both make the item public and close its
// reports (approve names the pre-moderation case, restore the reported or
// rejected one); reject takes it off for good, with a reason its author sees.
const (
	Approve Decision = "approve"
	Reject  Decision = "reject"
	Restore Decision = "restore"
)

// Valid reports whether d is a known decision.
func (d Decision) Valid() bool { return d == Approve || d == Reject || d == Restore }

// Moderation is the moderation state an item carries besides Pending.
type Moderation struct {
	// Hidden: enough readers reported it; hidden until a moderator decides.
	Hidden bool `json:"hidden,omitempty"`
	// Rejected by a moderator; Reason says why (shown to the author).
	Rejected bool   `json:"rejected,omitempty"`
	Reason   string `json:"moderation_reason,omitempty"`
	// Unseen: the item has never been public. It was held for approval
	// when posted and no decision has shown it yet (a rejection keeps it
	// unseen), so the first approval or restore is when a reply's
	// notification goes out: once, however often it is hidden and shown
	// later, or sent back to the queue by an edit.
	Unseen bool `json:"unseen,omitempty"`
}

// NewModeration is the moderation state of a new item: unseen when it
// waits for approval.
func NewModeration(pending bool) Moderation { return Moderation{Unseen: pending} }

// Shown records whether the item is public after a moderation step and
// reports whether that is the first time readers see it.
func (m *Moderation) Shown(public bool) (first bool) {
	first = m.Unseen && public
	if public {
		m.Unseen = false
	}
	return first
}

// Apply sets the state a decision leaves (the caller clears Pending: every
// decision ends the wait for approval).
func (m *Moderation) Apply(d Decision, reason string) {
	m.Hidden = false
	m.Rejected = d == Reject
	m.Reason = ""
	if d == Reject {
		m.Reason = reason
	}
}

// held reports whether the state keeps an item from the public.
func (m Moderation) held() bool { return m.Hidden || m.Rejected }

// QueueKind selects a moderation queue.
type QueueKind string

// Queues.
const (
	QueuePending  QueueKind = "pending"  // awaiting approval (pre-moderation)
	QueueReported QueueKind = "reported" // reported by readers, not yet decided
)

// QueueItem is one comment or review in a moderation queue.
type QueueItem struct {
	Kind      ItemKind  `json:"kind"`
	Comment   *Comment  `json:"comment,omitempty"`
	Review    *Review   `json:"review,omitempty"`
	Page      string    `json:"page"`
	PageTitle string    `json:"page_title"`
	Since     time.Time `json:"since"` // entered the queue (created, edited or first reported)
	Reports   []Report  `json:"reports"`
}

// QueuePage is one page of a queue, oldest first.
type QueuePage struct {
	Items []QueueItem `json:"items"`
	Next  string      `json:"next"`
}

// ModResult says what a moderation step changed, so the caller can tell
// the rebuild worker.
type ModResult struct {
	Kind      ItemKind
	Comment   *Comment
	Review    *Review
	WasPublic bool // public (and, for a comment, counted) before
	IsPublic  bool // and after
	// FirstShown: an item held since it was posted was approved or
	// restored, so readers see it for the first time (a reply's
	// notification goes out now, not when posted; see Moderation.Unseen).
	FirstShown bool
}

// Change is the site change a moderation step makes, for the rebuild
// worker; ok is false when what the public sees did not change.
func (r *ModResult) Change() (ch Change, ok bool) {
	if r == nil || r.WasPublic == r.IsPublic {
		return Change{}, false
	}
	if r.Comment != nil {
		return Change{Kind: ChangeComments, Page: r.Comment.Page}, true
	}
	return Change{Kind: ChangeReview, Page: r.Review.PageID(), Country: r.Review.Country}, true
}

// CLIActor signs the audit entries of actions taken from the command line
// (through the admin socket or on the store file directly).
var CLIActor = Author{Username: "(command line)"}

// AuditEntry is one moderator action, kept in the store.
type AuditEntry struct {
	ID     uint64    `json:"id"`
	At     time.Time `json:"at"`
	Actor  Author    `json:"actor"` // ID 0: the command line or the report threshold
	Action string    `json:"action"`
	Target string    `json:"target"` // "comment 12", "review 3", "user alice", "page countries/japan"
	Reason string    `json:"reason,omitempty"`
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Entries []AuditEntry `json:"entries"`
	Next    string       `json:"next"`
}

// UserQuery selects users for moderators: Prefix matches the start of the
// name or email, case-insensitively ("" for all).
type UserQuery struct {
	Prefix string
	Cursor string
	Limit  int
}

// UserSummary is a user as moderators see it.
type UserSummary struct {
	User
	Comments       int `json:"comments"`
	Reviews        int `json:"reviews"`
	ReportsAgainst int `json:"reports_against"`
}

// UserPage is one page of users, by name.
type UserPage struct {
	Users []UserSummary `json:"users"`
	Next  string        `json:"next"`
}

// Block describes a block: until nil is permanent.
type Block struct {
	Until  *time.Time
	Reason string
}

// MaxBlockDays bounds a timed block (longer: block for good).
const MaxBlockDays = 3650

// BlockFor is a block of days days from now (0: for good) with a reason,
// the one rule of the admin API and the command line.
func BlockFor(now time.Time, days int, reason string) (Block, error) {
	if days < 0 || days > MaxBlockDays {
		return Block{}, Invalid("days", "days must be 0 (for good) to %d.", MaxBlockDays)
	}
	b := Block{Reason: reason}
	if days > 0 {
		until := now.Add(time.Duration(days) * 24 * time.Hour).UTC()
		b.Until = &until
	}
	return b, nil
}

// ModerationService stores reports, moderation decisions, user
// administration, thread locks and pins; every moderator action is written
// to the audit log in the same transaction as its effect.
type ModerationService interface {
	// Report records r (once per reader and item; ECONFLICT the second
	// time) and hides the item when it reaches hideAfter open reports.
	Report(ctx context.Context, r *Report, hideAfter int) (*ModResult, error)
	// Queue lists a moderation queue, oldest first.
	Queue(ctx context.Context, q QueueKind, cursor string, limit int) (*QueuePage, error)
	// Decide applies a decision to a comment or review and closes its reports.
	Decide(ctx context.Context, actor Author, kind ItemKind, id uint64, d Decision, reason string) (*ModResult, error)
	// Users lists users by name with their counts.
	Users(ctx context.Context, q UserQuery) (*UserPage, error)
	// Block blocks a user (revoking their sessions); Unblock lifts it.
	Block(ctx context.Context, actor Author, username string, b Block) error
	Unblock(ctx context.Context, actor Author, username string) error
	// ChangeRole sets a user's role, audited.
	ChangeRole(ctx context.Context, actor Author, username string, role Role) error
	// PurgeUser soft-deletes every comment and deletes every review of a
	// user; the results name what changed.
	PurgeUser(ctx context.Context, actor Author, username string) ([]ModResult, error)
	// LockPage and UnlockPage make a thread read-only or writable again.
	LockPage(ctx context.Context, actor Author, page string, locked bool) error
	// LockedPages lists the pages whose thread is locked.
	LockedPages(ctx context.Context) ([]string, error)
	// PinComment pins a comment at the top of its thread (one per page;
	// pinning another replaces it) or unpins it.
	PinComment(ctx context.Context, actor Author, id uint64, pinned bool) (*Comment, error)
	// Audit lists the audit log, newest first.
	Audit(ctx context.Context, cursor string, limit int) (*AuditPage, error)
}
