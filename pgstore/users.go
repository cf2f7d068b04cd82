package pgstore

import (
	"context"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// userColumns are the columns scanUser reads, in its order.
const userColumns = `id, username, email, role, blocked, blocked_until, block_reason,
	email_verified, notify_replies, created_at, password_hash`

// CreateUser stores u, assigning u.ID and u.CreatedAt. The name and email
// must be free (compared case-insensitively): ECONFLICT otherwise.
func (db *DB) CreateUser(ctx context.Context, u *beforetrip.User) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if u.Username == "" || beforetrip.HasNUL(u.Username) {
		return beforetrip.Invalid("username", "username required")
	}
	if u.Email == "" || beforetrip.HasNUL(u.Email) {
		return beforetrip.Invalid("email", "email required")
	}
	if u.Role == "" {
		u.Role = beforetrip.RoleReader
	}
	if !u.Role.Valid() {
		return beforetrip.Invalid("role", "unknown role %q", u.Role)
	}
	created := time.Now().UTC()
	var id int64
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO users (username, email, role, blocked, blocked_until,
			block_reason, email_verified, notify_replies, created_at, password_hash)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
			u.Username, u.Email, u.Role, u.Blocked, u.BlockedUntil, u.BlockReason,
			u.EmailVerified, u.NotifyReplies, created, nonNil(u.PasswordHash)).Scan(&id)
	})
	if isUnique(err) {
		if strings.Contains(err.Error(), "email") {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "email taken")
		}
		return beforetrip.Errorf(beforetrip.ECONFLICT, "username taken")
	}
	if err != nil {
		return wrap(err, "create user %q", u.Username)
	}
	u.ID, u.CreatedAt = uint64(id), created
	return nil
}

// UserByID returns ENOTFOUND if there is no such user.
func (db *DB) UserByID(ctx context.Context, id uint64) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	u, err := scanUser(db.pool.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1", int64(id)))
	if err != nil {
		return nil, wrap(err, "user %d", id)
	}
	return u, nil
}

// UserByLogin finds a user by username or email, case-insensitively;
// ENOTFOUND if none.
func (db *DB) UserByLogin(ctx context.Context, login string) (*beforetrip.User, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	u, err := userByLogin(ctx, db.pool, login)
	if err != nil {
		return nil, wrap(err, "user by login")
	}
	return u, nil
}

// querier is what a pool and a transaction share.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// userByLogin looks the name up first, then the email, as package store
// does.
func userByLogin(ctx context.Context, q querier, login string) (*beforetrip.User, error) {
	if beforetrip.HasNUL(login) { // no stored name has one, and PostgreSQL refuses it in text
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
	}
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE lower(username) = lower($1)", login))
	if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
		u, err = scanUser(q.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE lower(email) = lower($1)", login))
	}
	return u, err
}

// scanUser reads one row of userColumns; ENOTFOUND when there is none.
func scanUser(row pgx.Row) (*beforetrip.User, error) {
	var u beforetrip.User
	var id int64
	err := row.Scan(&id, &u.Username, &u.Email, &u.Role, &u.Blocked, &u.BlockedUntil, &u.BlockReason,
		&u.EmailVerified, &u.NotifyReplies, &u.CreatedAt, &u.PasswordHash)
	if err == pgx.ErrNoRows {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
	}
	if err != nil {
		return nil, err
	}
	u.ID = uint64(id)
	u.CreatedAt = u.CreatedAt.UTC()
	if u.BlockedUntil != nil {
		t := u.BlockedUntil.UTC()
		u.BlockedUntil = &t
	}
	return &u, nil
}

// activeUser returns the user id if it exists and is not blocked, holding
// a share lock on its row until tx ends, so a block or an account deletion
// waits for the write in progress (and the write sees them otherwise).
// Unknown: EINVALID; blocked: EFORBIDDEN with the block message.
func activeUser(ctx context.Context, tx pgx.Tx, id uint64) (*beforetrip.User, error) {
	u, err := scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = $1 FOR SHARE", int64(id)))
	if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
		return nil, beforetrip.Invalid("user", "unknown user %d", id)
	}
	if err != nil {
		return nil, err
	}
	if u.IsBlocked(time.Now()) {
		return nil, beforetrip.Errorf(beforetrip.EFORBIDDEN, "%s", u.BlockMessage())
	}
	return u, nil
}

// nonNil stores an absent hash as empty bytes (the column is NOT NULL).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
