package pgstore

import (
	"bytes"
	"context"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// RefreshGrace is how long the refresh tokens rotated away by a session's
// latest refresh stay usable (two tabs refreshing at once); the same as
// package store's.
const RefreshGrace = 20 * time.Second

// maxGraceTokens bounds the tokens a burst of refreshes keeps usable.
const maxGraceTokens = 8

func errSession() error {
	return beforetrip.Errorf(beforetrip.EUNAUTHENTICATED, "session expired or revoked")
}

// CreateSession stores s for an existing, unblocked user; ECONFLICT if its
// ID or refresh token hash is in use.
func (db *DB) CreateSession(ctx context.Context, s *beforetrip.Session) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if s.ID == "" {
		return beforetrip.Invalid("id", "session ID required")
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := activeUser(ctx, tx, s.UserID); err != nil {
			return err
		}
		if len(s.TokenHash) > 0 {
			if err := tokenFree(ctx, tx, s.TokenHash); err != nil {
				return err
			}
		}
		created := s.CreatedAt
		if created.IsZero() {
			created = db.now().UTC()
		}
		tag, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, revoked)
			VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO NOTHING`,
			s.ID, int64(s.UserID), nilIfEmpty(s.TokenHash), created, s.ExpiresAt, s.Revoked)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "session ID in use")
		}
		s.CreatedAt = created
		return nil
	})
	return wrap(err, "create session")
}

// Session returns a usable session; ENOTFOUND if unknown,
// EUNAUTHENTICATED if revoked or expired.
func (db *DB) Session(ctx context.Context, id string) (*beforetrip.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	s, err := getSession(ctx, db.pool, id, false)
	if err != nil {
		return nil, wrap(err, "session")
	}
	if !usable(s, db.now()) {
		return nil, errSession()
	}
	return s, nil
}

// RotateSession replaces the refresh token oldHash with newHash (see
// beforetrip.SessionService): a reused token revokes its session unless
// it was rotated away by the latest refresh less than RefreshGrace ago.
func (db *DB) RotateSession(ctx context.Context, oldHash, newHash []byte, expires time.Time) (*beforetrip.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if len(oldHash) == 0 || len(newHash) == 0 || bytes.Equal(oldHash, newHash) {
		return nil, beforetrip.Invalid("token", "refresh token hashes required")
	}
	var s *beforetrip.Session
	var reused bool
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		s, reused = nil, false
		now := db.now()
		var burst [][]byte // the grace tokens when oldHash is a grace reuse
		var sid string
		err := tx.QueryRow(ctx, "SELECT id FROM sessions WHERE token_hash = $1 FOR UPDATE", oldHash).Scan(&sid)
		if err == pgx.ErrNoRows {
			err = tx.QueryRow(ctx, "SELECT session_id FROM session_prev WHERE token_hash = $1", oldHash).Scan(&sid)
			if err == pgx.ErrNoRows {
				return errSession()
			}
			if err != nil {
				return err
			}
			var ok bool
			if burst, ok, err = inGrace(ctx, tx, sid, oldHash, now); err != nil {
				return err
			}
			if !ok {
				reused = true
				return revokeSession(ctx, tx, sid)
			}
		} else if err != nil {
			return err
		}
		cur, err := getSession(ctx, tx, sid, true)
		if err != nil {
			return err
		}
		if !usable(cur, now) || len(cur.TokenHash) == 0 {
			return errSession()
		}
		if err := tokenFree(ctx, tx, newHash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO session_prev (token_hash, session_id) VALUES ($1, $2)",
			cur.TokenHash, cur.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE sessions SET token_hash = $2, expires_at = $3 WHERE id = $1",
			cur.ID, newHash, expires); err != nil {
			return err
		}
		tokens := append(burst, cur.TokenHash)
		if n := len(tokens); n > maxGraceTokens {
			tokens = tokens[n-maxGraceTokens:]
		}
		if _, err := tx.Exec(ctx, `INSERT INTO session_grace (session_id, until, tokens) VALUES ($1,$2,$3)
			ON CONFLICT (session_id) DO UPDATE SET until = excluded.until, tokens = excluded.tokens`,
			cur.ID, now.Add(RefreshGrace), tokens); err != nil {
			return err
		}
		cur.TokenHash, cur.ExpiresAt = bytes.Clone(newHash), expires
		s = cur
		return nil
	})
	if err != nil {
		return nil, wrap(err, "rotate session")
	}
	if reused {
		return nil, errSession()
	}
	return s, nil
}

// RevokeSession revokes one session; unknown IDs are not an error.
func (db *DB) RevokeSession(ctx context.Context, id string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	return wrap(db.inTx(ctx, func(tx pgx.Tx) error { return revokeSession(ctx, tx, id) }), "revoke session")
}

// revokeSession revokes id: its refresh token and grace burst stop working.
// The rotated-away tokens stay, so their reuse is still recognised.
func revokeSession(ctx context.Context, tx pgx.Tx, id string) error {
	if _, err := tx.Exec(ctx, "UPDATE sessions SET revoked = true, token_hash = NULL WHERE id = $1", id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM session_grace WHERE session_id = $1", id)
	return err
}

// revokeUserSessions revokes every session of a user but keep.
func revokeUserSessions(ctx context.Context, tx pgx.Tx, userID uint64, keep string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM session_grace WHERE session_id IN
		(SELECT id FROM sessions WHERE user_id = $1 AND id <> $2)`, int64(userID), keep); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE sessions SET revoked = true, token_hash = NULL
		WHERE user_id = $1 AND id <> $2 AND NOT revoked`, int64(userID), keep)
	return err
}

// inGrace returns the grace tokens of session sid and whether hash is one
// of them, still in time.
func inGrace(ctx context.Context, tx pgx.Tx, sid string, hash []byte, now time.Time) ([][]byte, bool, error) {
	var until time.Time
	var tokens [][]byte
	err := tx.QueryRow(ctx, "SELECT until, tokens FROM session_grace WHERE session_id = $1 FOR UPDATE", sid).
		Scan(&until, &tokens)
	if err == pgx.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for _, t := range tokens {
		if bytes.Equal(t, hash) {
			return tokens, now.Before(until), nil
		}
	}
	return tokens, false, nil
}

// getSession reads a session (locking its row when forUpdate); ENOTFOUND
// if unknown.
func getSession(ctx context.Context, q querier, id string, forUpdate bool) (*beforetrip.Session, error) {
	sql := "SELECT id, user_id, token_hash, created_at, expires_at, revoked FROM sessions WHERE id = $1"
	if forUpdate {
		sql += " FOR UPDATE"
	}
	var s beforetrip.Session
	var uid int64
	err := q.QueryRow(ctx, sql, id).Scan(&s.ID, &uid, &s.TokenHash, &s.CreatedAt, &s.ExpiresAt, &s.Revoked)
	if err == pgx.ErrNoRows {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "session not found")
	}
	if err != nil {
		return nil, err
	}
	s.UserID = uint64(uid)
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return &s, nil
}

func usable(s *beforetrip.Session, now time.Time) bool {
	return !s.Revoked && now.Before(s.ExpiresAt)
}

// tokenFree returns ECONFLICT if hash is a current or rotated-away refresh
// token of any session.
func tokenFree(ctx context.Context, tx pgx.Tx, hash []byte) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM sessions WHERE token_hash = $1)
		+ (SELECT count(*) FROM session_prev WHERE token_hash = $1)`, hash).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return beforetrip.Errorf(beforetrip.ECONFLICT, "refresh token in use")
	}
	return nil
}

// nilIfEmpty stores an empty hash as NULL (Bearer sessions have none, and
// the unique index must not see them as one shared value).
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
