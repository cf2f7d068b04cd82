package beforetrip

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// Role is a user's role.
type Role string

// Roles. Editors and admins are moderators: they may edit or delete any
// comment or review; admins may also block users and approve comments.
const (
	RoleReader Role = "reader"
	RoleEditor Role = "editor"
	RoleAdmin  Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleReader || r == RoleEditor || r == RoleAdmin }

// CanModerate reports whether r may edit or delete others' comments and reviews.
func (r Role) CanModerate() bool { return r == RoleEditor || r == RoleAdmin }

// User is an account. Email is only shown to its owner (the API clears it).
type User struct {
	ID       uint64 `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
	Role     Role   `json:"role"`
	Blocked  bool   `json:"blocked,omitempty"`
	// EmailVerified is true once the owner followed a verify link mailed
	// to Email.
	EmailVerified bool `json:"email_verified"`
	// NotifyReplies asks for a mail when someone replies to one's comment.
	NotifyReplies bool `json:"notify_replies"`
	// BlockedUntil ends a timed block (nil: permanent); BlockReason is
	// shown to the blocked user.
	BlockedUntil *time.Time `json:"blocked_until,omitempty"`
	BlockReason  string     `json:"block_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	PasswordHash []byte     `json:"-"`
}

// IsBlocked reports whether u is blocked at now: a timed block ends by itself.
func (u *User) IsBlocked(now time.Time) bool {
	return u.Blocked && (u.BlockedUntil == nil || now.Before(*u.BlockedUntil))
}

// BlockMessage is what a blocked user is told on every write.
func (u *User) BlockMessage() string {
	msg := "This account is blocked"
	if u.BlockedUntil != nil {
		msg += " until " + u.BlockedUntil.UTC().Format("2006-01-02 15:04 UTC")
	}
	if u.BlockReason != "" {
		msg += ": " + u.BlockReason
	}
	return msg + "."
}

// Username lengths, in bytes (names are ASCII).
const (
	MinUsernameLen = 3
	MaxUsernameLen = 32
)

// NormalizeUsername lower-cases a new user name and checks it: 3 to 32 of
// a–z, 0–9, '_' and '-'. ASCII only, so two names never look alike.
// Its messages are shown to readers.
func NormalizeUsername(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(name) < MinUsernameLen || len(name) > MaxUsernameLen {
		return "", Invalid("username", "Username must be %d to %d characters.", MinUsernameLen, MaxUsernameLen)
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-') {
			return "", Invalid("username", "Username may contain only a–z, 0–9, _ and -.")
		}
	}
	if ReservedUsername(name) {
		return "", Invalid("username", "This username is reserved; choose another.")
	}
	return name, nil
}

// reservedNames are names a reader could use to pass for the site or its
// staff, or that read as a placeholder in the interface.
var reservedNames = map[string]bool{
	"admin": true, "administrator": true, "root": true, "superuser": true, "sysadmin": true,
	"sysop": true, "system": true, "moderator": true, "mod": true, "editor": true,
	"staff": true, "team": true, "support": true, "help": true, "official": true,
	"owner": true, "security": true, "abuse": true, "webmaster": true, "postmaster": true,
	"hostmaster": true, "noreply": true, "beforetrip": true, "api": true,
	"anonymous": true, "deleted": true, "null": true, "undefined": true, "nobody": true,
}

// ReservedUsername reports whether a lower-cased name may not be
// registered: one of the reserved names, also with '-' or '_' inside or
// digits after it ("ad-min", "admin_1" and "root2" are reserved). Accounts
// that already have such a name keep it: the rule applies at register.
func ReservedUsername(name string) bool {
	base := strings.NewReplacer("-", "", "_", "").Replace(name)
	base = strings.TrimRight(base, "0123456789")
	return reservedNames[base]
}

// NormalizeEmail checks an address the way registration needs: a bare
// addr-spec (no display name, no comments), a dotted domain, at most 254
// bytes; the domain is lower-cased. Deliverability is not checked: there
// is no mail step.
func NormalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	bad := Invalid("email", "Enter a valid email address.")
	if email == "" || len(email) > 254 || strings.ContainsAny(email, " \t\r\n<>\"(),;") {
		return "", bad
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return "", bad
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if local == "" || len(local) > 64 || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", bad
	}
	return local + "@" + strings.ToLower(domain), nil
}

// Author is the public view of a user attached to comments and reviews.
type Author struct {
	ID       uint64 `json:"id"`
	Username string `json:"username"`
}

// Session is one login: a browser session with a refresh token, or a Bearer
// token session. Access JWTs carry the session ID ("sid"), so revoking a
// session (logout, block, refresh reuse) also refuses its access tokens.
type Session struct {
	ID        string    `json:"id"` // random, URL-safe
	UserID    uint64    `json:"user_id"`
	TokenHash []byte    `json:"token_hash,omitempty"` // SHA-256 of the current refresh token; empty for Bearer sessions
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// UserService stores accounts. Usernames and emails are unique
// case-insensitively.
type UserService interface {
	// CreateUser assigns u.ID and u.CreatedAt; ECONFLICT if the name or email is taken.
	CreateUser(ctx context.Context, u *User) error
	// UserByID returns ENOTFOUND if there is no such user.
	UserByID(ctx context.Context, id uint64) (*User, error)
	// UserByLogin finds a user by username or email (case-insensitive); ENOTFOUND if none.
	UserByLogin(ctx context.Context, login string) (*User, error)
	// SetRole changes a user's role by username.
	SetRole(ctx context.Context, username string, role Role) error
	// BlockUser marks a user blocked and revokes all their sessions.
	BlockUser(ctx context.Context, username string) error
}

// SessionService stores sessions and refresh tokens.
type SessionService interface {
	// CreateSession stores s (s.ID set by the caller).
	CreateSession(ctx context.Context, s *Session) error
	// Session returns a session by ID; ENOTFOUND if unknown.
	Session(ctx context.Context, id string) (*Session, error)
	// RotateSession replaces the refresh token hash oldHash with newHash and
	// extends the session to expires. If oldHash was a previous (already
	// rotated) token of a session, that session is revoked and
	// EUNAUTHENTICATED returned: a reused refresh token means it was stolen.
	// The one exception is a short grace period (the store's RefreshGrace)
	// for the tokens rotated away by the latest refresh, so two tabs
	// refreshing at once do not log the reader out.
	// Unknown, revoked or expired: EUNAUTHENTICATED.
	RotateSession(ctx context.Context, oldHash, newHash []byte, expires time.Time) (*Session, error)
	// RevokeSession revokes one session (logout). Unknown IDs are not an error.
	RevokeSession(ctx context.Context, id string) error
}
