package pgstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// SetRole changes the role of the user named username, audited as done
// from the command line.
func (db *DB) SetRole(ctx context.Context, username string, role beforetrip.Role) error {
	return db.ChangeRole(ctx, beforetrip.CLIActor, username, role)
}

// BlockUser blocks a user for good and revokes every session of theirs in
// the same transaction; audited as done from the command line.
func (db *DB) BlockUser(ctx context.Context, username string) error {
	return db.Block(ctx, beforetrip.CLIActor, username, beforetrip.Block{})
}

// ChangeRole sets a user's role, audited.
func (db *DB) ChangeRole(ctx context.Context, actor beforetrip.Author, username string, role beforetrip.Role) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if !role.Valid() {
		return beforetrip.Invalid("role", "unknown role %q (want reader, editor or admin)", role)
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userByNameForUpdate(ctx, tx, username)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET role = $2 WHERE id = $1", int64(u.ID), role); err != nil {
			return err
		}
		return audit(ctx, tx, db.now, actor, "role "+string(role), "user "+u.Username, "")
	})
	return wrap(err, "set role of %q", username)
}

// Block blocks a user (until b.Until, or for good) and revokes their
// sessions, audited. Nobody blocks themselves.
func (db *DB) Block(ctx context.Context, actor beforetrip.Author, username string, b beforetrip.Block) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	reason, err := beforetrip.ValidReason(b.Reason)
	if err != nil {
		return err
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userByNameForUpdate(ctx, tx, username)
		if err != nil {
			return err
		}
		if u.ID == actor.ID {
			return beforetrip.Errorf(beforetrip.EFORBIDDEN, "You cannot block yourself.")
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET blocked = true, blocked_until = $2, block_reason = $3 WHERE id = $1",
			int64(u.ID), b.Until, reason); err != nil {
			return err
		}
		if err := revokeUserSessions(ctx, tx, u.ID, ""); err != nil {
			return err
		}
		what := "block"
		if b.Until != nil {
			what = "block until " + b.Until.UTC().Format("2006-01-02 15:04 UTC")
		}
		return audit(ctx, tx, db.now, actor, what, "user "+u.Username, reason)
	})
	return wrap(err, "block %q", username)
}

// Unblock lifts a block, audited.
func (db *DB) Unblock(ctx context.Context, actor beforetrip.Author, username string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		u, err := userByNameForUpdate(ctx, tx, username)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET blocked = false, blocked_until = NULL, block_reason = '' WHERE id = $1",
			int64(u.ID)); err != nil {
			return err
		}
		return audit(ctx, tx, db.now, actor, "unblock", "user "+u.Username, "")
	})
	return wrap(err, "unblock %q", username)
}

// userByNameForUpdate finds a user by name and locks the row.
func userByNameForUpdate(ctx context.Context, tx pgx.Tx, name string) (*beforetrip.User, error) {
	if beforetrip.HasNUL(name) {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "user not found")
	}
	return scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE lower(username) = lower($1) FOR UPDATE", name))
}

// audit appends an entry to the audit log in tx.
func audit(ctx context.Context, tx pgx.Tx, at func() time.Time, actor beforetrip.Author, action, target, reason string) error {
	var id int64
	if err := tx.QueryRow(ctx, "SELECT nextval(pg_get_serial_sequence('audit', 'id'))").Scan(&id); err != nil {
		return err
	}
	v, err := json.Marshal(beforetrip.AuditEntry{ID: uint64(id), At: at().UTC(), Actor: actor,
		Action: action, Target: target, Reason: reason})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO audit (id, doc) VALUES ($1, $2)", id, v)
	return err
}

// Audit lists the audit log, newest first.
func (db *DB) Audit(ctx context.Context, cursor string, limit int) (*beforetrip.AuditPage, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	before, err := decodeCursor(cursor)
	if err != nil {
		return nil, err
	}
	limit = beforetrip.PageLimit(limit, beforetrip.DefaultAuditLimit, beforetrip.MaxAuditLimit)
	rows, err := db.pool.Query(ctx, "SELECT doc FROM audit WHERE id < $1 ORDER BY id DESC LIMIT $2", below(before), limit+1)
	if err != nil {
		return nil, wrap(err, "audit log")
	}
	defer rows.Close()
	page := &beforetrip.AuditPage{Entries: []beforetrip.AuditEntry{}}
	for rows.Next() {
		var v []byte
		var e beforetrip.AuditEntry
		if err := rows.Scan(&v); err != nil {
			return nil, wrap(err, "audit log")
		}
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, wrap(err, "audit log")
		}
		page.Entries = append(page.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "audit log")
	}
	if len(page.Entries) > limit {
		page.Entries = page.Entries[:limit]
		page.Next = encodeCursor(page.Entries[limit-1].ID)
	}
	return page, nil
}
