package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// TokenUser returns the account a usable token of kind belongs to without
// using the token up: the API checks a new password against the account's
// name before ResetPassword spends the token.
func (db *DB) TokenUser(ctx context.Context, p beforetrip.TokenProof, kind beforetrip.TokenKind) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := db.bolt.View(func(tx *bolt.Tx) error {
		t, err := db.checkToken(tx, p, kind)
		if err != nil {
			return err
		}
		rec, err := getUser(tx, t.UserID)
		if err != nil {
			return beforetrip.ErrBadToken()
		}
		u = rec.domain()
		return nil
	})
	if err != nil {
		return nil, wrap(err, "token user")
	}
	return u, nil
}

// checkToken returns the stored token p proves, if usable for kind.
func (db *DB) checkToken(tx *bolt.Tx, p beforetrip.TokenProof, kind beforetrip.TokenKind) (*beforetrip.AccountToken, error) {
	v := tx.Bucket(bucketTokens).Get([]byte(p.Selector))
	if v == nil {
		return nil, beforetrip.ErrBadToken()
	}
	var t beforetrip.AccountToken
	if err := json.Unmarshal(v, &t); err != nil {
		return nil, fmt.Errorf("decode token: %w", err)
	}
	if err := t.Check(p, kind, db.now()); err != nil {
		return nil, err
	}
	return &t, nil
}

// useToken checks p against its stored token of kind and deletes the
// token, so it works once. The deletion commits with the caller's change
// only: a failed change leaves the token usable.
func (db *DB) useToken(tx *bolt.Tx, p beforetrip.TokenProof, kind beforetrip.TokenKind) (*beforetrip.AccountToken, error) {
	t, err := db.checkToken(tx, p, kind)
	if err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketTokens).Delete([]byte(p.Selector)); err != nil {
		return nil, err
	}
	if _, err := getUser(tx, t.UserID); err != nil {
		// The account was deleted after the mail went out.
		return nil, beforetrip.ErrBadToken()
	}
	return t, nil
}

// purgeTokens deletes expired tokens (run with the session purge).
func (db *DB) purgeTokens() (int, error) {
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		now := db.now()
		var err error
		n, err = deleteTokens(tx, func(t beforetrip.AccountToken) bool { return !now.Before(t.ExpiresAt) })
		return err
	})
	return n, wrap(err, "purge tokens")
}

// deleteTokens deletes the account tokens dead says are done with and
// returns how many.
func deleteTokens(tx *bolt.Tx, dead func(beforetrip.AccountToken) bool) (int, error) {
	var keys [][]byte
	err := tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
		var t beforetrip.AccountToken
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("decode token: %w", err)
		}
		if dead(t) {
			keys = append(keys, clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := tx.Bucket(bucketTokens).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// putJSON stores v as JSON under k.
func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// ResetPassword uses a reset token to set the account's password and
// revokes every session of it, in one transaction.
func (db *DB) ResetPassword(ctx context.Context, p beforetrip.TokenProof, passwordHash []byte) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if len(passwordHash) == 0 {
		return nil, beforetrip.Invalid("password", "password hash required")
	}
	var u *beforetrip.User
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		t, err := db.useToken(tx, p, beforetrip.TokenReset)
		if err != nil {
			return err
		}
		rec, err := getUser(tx, t.UserID)
		if err != nil {
			return err
		}
		rec.PasswordHash = passwordHash
		if err := putUser(tx, rec); err != nil {
			return err
		}
		u = rec.domain()
		return revokeUserSessions(tx, rec.ID)
	})
	if err != nil {
		return nil, wrap(err, "reset password")
	}
	return u, nil
}

// ChangePassword sets a user's password hash and revokes every session of
// theirs but keepSession (the one that asked).
func (db *DB) ChangePassword(ctx context.Context, userID uint64, passwordHash []byte, keepSession string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if len(passwordHash) == 0 {
		return beforetrip.Invalid("password", "password hash required")
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		rec.PasswordHash = passwordHash
		if err := putUser(tx, rec); err != nil {
			return err
		}
		return revokeUserSessionsBut(tx, userID, keepSession)
	})
	return wrap(err, "change password of user %d", userID)
}

// VerifyEmail uses a verify token: its address becomes the account's
// verified email. For an email change the address indexes move too; an
// address another account registered meanwhile is ECONFLICT (and the token
// stays unused).
func (db *DB) VerifyEmail(ctx context.Context, p beforetrip.TokenProof) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		t, err := db.useToken(tx, p, beforetrip.TokenVerify)
		if err != nil {
			return err
		}
		rec, err := getUser(tx, t.UserID)
		if err != nil {
			return err
		}
		if !strings.EqualFold(rec.Email, t.Email) {
			if err := moveEmail(tx, rec, t.Email); err != nil {
				return err
			}
		} else if rec.Email != t.Email {
			// Same address, other case: the token's spelling was asked for.
			rec.Email = t.Email
		}
		rec.EmailVerified = true
		if err := putUser(tx, rec); err != nil {
			return err
		}
		u = rec.domain()
		return nil
	})
	if err != nil {
		return nil, wrap(err, "verify email")
	}
	return u, nil
}

// moveEmail points the email index at rec's new address.
func moveEmail(tx *bolt.Tx, rec *userRecord, email string) error {
	emails := tx.Bucket(bucketUserEmails)
	key := []byte(strings.ToLower(email))
	if emails.Get(key) != nil {
		return beforetrip.Errorf(beforetrip.ECONFLICT, "email taken")
	}
	if err := emails.Delete([]byte(strings.ToLower(rec.Email))); err != nil {
		return err
	}
	if err := emails.Put(key, u64(rec.ID)); err != nil {
		return err
	}
	rec.Email = email
	return nil
}

// SetNotifyReplies turns a user's reply notifications on or off.
func (db *DB) SetNotifyReplies(ctx context.Context, userID uint64, on bool) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := getUser(tx, userID)
		if err != nil {
			return err
		}
		rec.NotifyReplies = on
		u = rec.domain()
		return putUser(tx, rec)
	})
	if err != nil {
		return nil, wrap(err, "notify replies of user %d", userID)
	}
	return u, nil
}
