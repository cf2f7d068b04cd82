package beforetrip

import (
	"context"
	"time"
)

// MailKind says which message a Mail is; the mail package renders each
// kind from its templates in the site's language.
type MailKind string

// The mails beforetrip sends.
const (
	MailReset        MailKind = "reset"         // password reset link
	MailVerify       MailKind = "verify"        // verify a new account's email
	MailEmailChange  MailKind = "email_change"  // verify the new address of an email change
	MailEmailChanged MailKind = "email_changed" // tell the old address about the change
	MailReplies      MailKind = "replies"       // replies to one's comments (batched)
)

// Mail is one queued message: what to say, not yet how (the mail package
// renders it when sending, so the outbox holds no HTML).
type Mail struct {
	ID       uint64   `json:"id"`
	Kind     MailKind `json:"kind"`
	To       string   `json:"to"`
	Username string   `json:"username"`
	// Link is the action of the mail (reset, verify); Email the address a
	// change is about.
	Link  string `json:"link,omitempty"`
	Email string `json:"email,omitempty"`
	// UserID and Unsubscribe are set on reply notifications.
	UserID      uint64      `json:"user_id,omitempty"`
	Unsubscribe string      `json:"unsubscribe,omitempty"`
	Replies     []MailReply `json:"replies,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	// SendAt is when the mail is due: its creation, the end of a reply
	// batch, or the next retry.
	SendAt    time.Time `json:"send_at"`
	Attempts  int       `json:"attempts,omitempty"`
	LastError string    `json:"last_error,omitempty"`
}

// MailReply is one reply in a reply notification.
type MailReply struct {
	CommentID uint64 `json:"comment_id"`
	Author    string `json:"author"`
	PageTitle string `json:"page_title"`
	Body      string `json:"body"` // the reply's Markdown, shown as text
	Link      string `json:"link"`
}

// Outbox is the durable queue of mails. Queued mails survive restarts and
// crashes; the mail package's sender delivers them off the request path.
type Outbox interface {
	// QueueMail stores m (assigning ID, CreatedAt and, if zero, SendAt).
	QueueMail(ctx context.Context, m *Mail) error
	// QueueReply adds r to the user's open reply batch, or opens one due
	// at now+window, so replies close together make one mail.
	QueueReply(ctx context.Context, m Mail, r MailReply, window time.Duration) error
	// QueueTokenMail finds the account named by login (username or
	// email) and, if there is one and it is not blocked, stores the token
	// and queues the mails that compose returns, in one transaction. An
	// unknown login is not an error, and costs the same commit, so neither
	// the answer nor its timing tells whether an account exists. A nil
	// token from compose queues nothing.
	QueueTokenMail(ctx context.Context, login string, compose TokenMailFunc) error
}

// TokenMailFunc makes the token and the mails for an account; it runs
// inside the store's transaction, so it must be quick and must not call
// the store.
type TokenMailFunc func(u *User) (*AccountToken, []Mail)

// MailQueue is the sender's side of the outbox.
type MailQueue interface {
	// DueMails returns up to limit mails whose SendAt is not after now,
	// earliest first.
	DueMails(ctx context.Context, now time.Time, limit int) ([]Mail, error)
	// NextMailAt returns when the earliest queued mail is due; ok false
	// when the outbox is empty.
	NextMailAt(ctx context.Context) (at time.Time, ok bool, err error)
	// MailSent removes a delivered mail.
	MailSent(ctx context.Context, id uint64) error
	// MailFailed records a failed attempt and when to try again.
	MailFailed(ctx context.Context, id uint64, next time.Time, reason string) error
}
