package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// TokenUser returns the account of a usable token without using it.
func (db *DB) TokenUser(ctx context.Context, p beforetrip.TokenProof, kind beforetrip.TokenKind) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		t, err := db.checkToken(ctx, tx, p, kind, false)
		if err != nil {
			return err
		}
		if u, err = userByID(ctx, tx, t.UserID, false); err != nil {
			return beforetrip.ErrBadToken()
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "token user")
	}
	return u, nil
}

// checkToken returns the stored token p proves, if usable for kind,
// locking it when it is to be used.
func (db *DB) checkToken(ctx context.Context, tx pgx.Tx, p beforetrip.TokenProof, kind beforetrip.TokenKind, lock bool) (*beforetrip.AccountToken, error) {
	sql := "SELECT doc FROM account_tokens WHERE selector = $1"
	if lock {
		sql += " FOR UPDATE"
	}
	var v []byte
	err := tx.QueryRow(ctx, sql, p.Selector).Scan(&v)
	if err == pgx.ErrNoRows {
		return nil, beforetrip.ErrBadToken()
	}
	if err != nil {
		return nil, err
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

// useToken checks p and deletes its token, so it works once; the deletion
// commits with the caller's change or not at all.
func (db *DB) useToken(ctx context.Context, tx pgx.Tx, p beforetrip.TokenProof, kind beforetrip.TokenKind) (*beforetrip.User, *beforetrip.AccountToken, error) {
	t, err := db.checkToken(ctx, tx, p, kind, true)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM account_tokens WHERE selector = $1", p.Selector); err != nil {
		return nil, nil, err
	}
	u, err := userByID(ctx, tx, t.UserID, true)
	if err != nil {
		return nil, nil, beforetrip.ErrBadToken()
	}
	return u, t, nil
}

// ResetPassword uses a reset token to set the password hash and revokes
// every session of the account, in one transaction.
func (db *DB) ResetPassword(ctx context.Context, p beforetrip.TokenProof, passwordHash []byte) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if len(passwordHash) == 0 {
		return nil, beforetrip.Invalid("password", "password hash required")
	}
	var u *beforetrip.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if u, _, err = db.useToken(ctx, tx, p, beforetrip.TokenReset); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = $2 WHERE id = $1", int64(u.ID), passwordHash); err != nil {
			return err
		}
		u.PasswordHash = passwordHash
		return revokeUserSessions(ctx, tx, u.ID, "")
	})
	if err != nil {
		return nil, wrap(err, "reset password")
	}
	return u, nil
}

// ChangePassword sets the password hash and revokes every session of the
// user but keepSession.
func (db *DB) ChangePassword(ctx context.Context, userID uint64, passwordHash []byte, keepSession string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if len(passwordHash) == 0 {
		return beforetrip.Invalid("password", "password hash required")
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE users SET password_hash = $2 WHERE id = $1", int64(userID), passwordHash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
		}
		return revokeUserSessions(ctx, tx, userID, keepSession)
	})
	return wrap(err, "change password of user %d", userID)
}

// VerifyEmail uses a verify token: its address becomes the account's
// verified email (ECONFLICT if another account has it).
func (db *DB) VerifyEmail(ctx context.Context, p beforetrip.TokenProof) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var u *beforetrip.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var t *beforetrip.AccountToken
		var err error
		if u, t, err = db.useToken(ctx, tx, p, beforetrip.TokenVerify); err != nil {
			return err
		}
		if !strings.EqualFold(u.Email, t.Email) {
			var taken bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1))", t.Email).Scan(&taken); err != nil {
				return err
			}
			if taken {
				return beforetrip.Errorf(beforetrip.ECONFLICT, "email taken")
			}
		}
		u.Email, u.EmailVerified = t.Email, true
		_, err = tx.Exec(ctx, "UPDATE users SET email = $2, email_verified = true WHERE id = $1", int64(u.ID), u.Email)
		if isUnique(err) {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "email taken")
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, "verify email")
	}
	return u, nil
}

// SetNotifyReplies turns reply notifications on or off.
func (db *DB) SetNotifyReplies(ctx context.Context, userID uint64, on bool) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	u, err := scanUser(db.pool.QueryRow(ctx, "UPDATE users SET notify_replies = $2 WHERE id = $1 RETURNING "+userColumns,
		int64(userID), on))
	if err != nil {
		return nil, wrap(err, "notify replies of user %d", userID)
	}
	return u, nil
}

// userByID reads a user in tx (locking the row when forUpdate).
func userByID(ctx context.Context, tx pgx.Tx, id uint64, forUpdate bool) (*beforetrip.User, error) {
	sql := "SELECT " + userColumns + " FROM users WHERE id = $1"
	if forUpdate {
		sql += " FOR UPDATE"
	}
	return scanUser(tx.QueryRow(ctx, sql, int64(id)))
}

// PurgeTokens deletes the account tokens that expired, returning how many.
func (db *DB) PurgeTokens(ctx context.Context) (int, error) {
	tag, err := db.pool.Exec(ctx, "DELETE FROM account_tokens WHERE expires_at <= $1", db.now())
	if err != nil {
		return 0, wrap(err, "purge tokens")
	}
	return int(tag.RowsAffected()), nil
}
