package beforetrip

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"time"
)

// TokenKind says what an account token may be used for.
type TokenKind string

// The kinds of account token mailed to readers.
const (
	TokenReset  TokenKind = "reset"  // sets a new password
	TokenVerify TokenKind = "verify" // confirms an email address
)

// Token lifetimes.
const (
	ResetTokenTTL  = time.Hour
	VerifyTokenTTL = 7 * 24 * time.Hour
)

// Token sizes: the selector finds the stored record, the verifier proves
// possession. Only SHA-256 of the verifier is stored, so a copy of the
// store file cannot be used to reset anyone's password.
const (
	tokenSelectorLen = 12
	tokenVerifierLen = 32
)

// tokenEncoding is strict: the verifier's last character carries two
// unused bits, and a lenient decoder would take four spellings of one
// token as the same token.
var tokenEncoding = base64.RawURLEncoding.Strict()

// AccountToken is a single-use token as stored: no secret, only its hash.
type AccountToken struct {
	Selector     string    `json:"selector"`
	VerifierHash []byte    `json:"verifier_hash"`
	Kind         TokenKind `json:"kind"`
	UserID       uint64    `json:"user_id"`
	// Email is the address a verify token confirms: the account's email,
	// or the new one of an email change.
	Email     string    `json:"email,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// NewAccountToken makes a random token for userID and returns the string
// to mail (selector then verifier, URL-safe) and the record to store.
func NewAccountToken(kind TokenKind, userID uint64, email string, now time.Time, ttl time.Duration) (string, *AccountToken) {
	sel := make([]byte, tokenSelectorLen)
	ver := make([]byte, tokenVerifierLen)
	rand.Read(sel)
	rand.Read(ver)
	h := sha256.Sum256(ver)
	s := tokenEncoding.EncodeToString(sel)
	return s + tokenEncoding.EncodeToString(ver), &AccountToken{Selector: s, VerifierHash: h[:],
		Kind: kind, UserID: userID, Email: email, ExpiresAt: now.Add(ttl)}
}

// TokenProof is a mailed token taken apart: the selector to look up and the
// hash of its verifier to compare.
type TokenProof struct {
	Selector     string
	VerifierHash []byte
}

// ErrBadToken is the error of every unusable token: malformed, unknown,
// used and expired look the same, so an answer tells nothing about which.
func ErrBadToken() error {
	return Invalid("token", "This link is invalid, already used or expired; ask for a new one.")
}

// ParseAccountToken splits a mailed token; EINVALID if it is malformed.
func ParseAccountToken(s string) (TokenProof, error) {
	selLen := tokenEncoding.EncodedLen(tokenSelectorLen)
	if len(s) != selLen+tokenEncoding.EncodedLen(tokenVerifierLen) {
		return TokenProof{}, ErrBadToken()
	}
	sel, err1 := tokenEncoding.DecodeString(s[:selLen])
	ver, err2 := tokenEncoding.DecodeString(s[selLen:])
	if err1 != nil || err2 != nil || len(sel) != tokenSelectorLen {
		return TokenProof{}, ErrBadToken()
	}
	h := sha256.Sum256(ver)
	return TokenProof{Selector: s[:selLen], VerifierHash: h[:]}, nil
}

// Check reports whether the proof matches t for kind at now, comparing the
// verifier hashes in constant time.
func (t *AccountToken) Check(p TokenProof, kind TokenKind, now time.Time) error {
	if subtle.ConstantTimeCompare(t.VerifierHash, p.VerifierHash) != 1 || t.Kind != kind || !now.Before(t.ExpiresAt) {
		return ErrBadToken()
	}
	return nil
}

// AccountExport is everything the store holds about one account, as the
// owner downloads it.
type AccountExport struct {
	User     User      `json:"user"`
	Comments []Comment `json:"comments"`
	Reviews  []Review  `json:"reviews"`
	Likes    []string  `json:"likes"` // page IDs
}

// AccountService is the account life cycle beyond login: tokens, password
// and email changes, preferences, export and deletion.
type AccountService interface {
	// TokenUser returns the account of a usable token without using it.
	TokenUser(ctx context.Context, p TokenProof, kind TokenKind) (*User, error)
	// ResetPassword uses a reset token (single use) to set the password
	// hash and revokes every session of the account, in one transaction.
	ResetPassword(ctx context.Context, p TokenProof, passwordHash []byte) (*User, error)
	// ChangePassword sets the password hash and revokes every session of
	// the user but keepSession.
	ChangePassword(ctx context.Context, userID uint64, passwordHash []byte, keepSession string) error
	// VerifyEmail uses a verify token: the token's address becomes the
	// account's verified email (ECONFLICT if another account took it).
	VerifyEmail(ctx context.Context, p TokenProof) (*User, error)
	// SetNotifyReplies turns reply notifications on or off.
	SetNotifyReplies(ctx context.Context, userID uint64, on bool) (*User, error)
	// ExportAccount returns the account's data.
	ExportAccount(ctx context.Context, userID uint64) (*AccountExport, error)
	// DeleteAccount removes the account, its sessions, likes, reviews and
	// comments (a comment with replies stays as a placeholder without
	// author) and returns the changes static pages must follow.
	DeleteAccount(ctx context.Context, userID uint64) ([]Change, error)
}
