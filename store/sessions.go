package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// errSession is what every unusable session looks like to callers:
// unknown token, revoked, expired, or a reused refresh token.
func errSession() error {
	return beforetrip.Errorf(beforetrip.EUNAUTHENTICATED, "session expired or revoked")
}

// CreateSession stores s, whose ID the caller chose. A non-empty TokenHash
// is indexed for RotateSession. The user must exist and not be blocked
// (EFORBIDDEN); an ID already in use is ECONFLICT.
func (db *DB) CreateSession(ctx context.Context, s *beforetrip.Session) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	if s.ID == "" || strings.ContainsRune(s.ID, sep) {
		return beforetrip.Invalid("id", "session ID required")
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if _, err := activeUser(tx, s.UserID); err != nil {
			return err
		}
		if tx.Bucket(bucketSessions).Get([]byte(s.ID)) != nil {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "session ID in use")
		}
		if len(s.TokenHash) > 0 && tokenInUse(tx, s.TokenHash) {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "refresh token in use")
		}
		if s.CreatedAt.IsZero() {
			s.CreatedAt = db.now().UTC()
		}
		if err := putSession(tx, s); err != nil {
			return err
		}
		if len(s.TokenHash) > 0 {
			if err := tx.Bucket(bucketSessionTokens).Put(s.TokenHash, []byte(s.ID)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketSessionUsers).Put(join(u64(s.UserID), []byte(s.ID)), nil)
	})
	return wrap(err, "create session")
}

// Session returns a usable session by ID: ENOTFOUND if unknown, and
// EUNAUTHENTICATED if it is revoked or expired, so a caller cannot forget to
// check.
func (db *DB) Session(ctx context.Context, id string) (*beforetrip.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	var s *beforetrip.Session
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		s, err = getSession(tx, []byte(id))
		if err != nil {
			return err
		}
		if !usable(s, db.now()) {
			return errSession()
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "session")
	}
	return s, nil
}

// RotateSession swaps the session's refresh hash oldHash for newHash and
// sets its expiry. A hash that was already rotated away is a stolen token
// being replayed: its session is revoked (committed) and EUNAUTHENTICATED
// returned — unless it is one of the tokens the session's latest refresh
// rotated away less than RefreshGrace ago (two tabs refreshing at once, a
// retried refresh): then the session's current token is rotated to
// newHash instead and the session returned, so every tab ends with a
// working cookie. Unknown, revoked or expired: EUNAUTHENTICATED.
func (db *DB) RotateSession(ctx context.Context, oldHash, newHash []byte, expires time.Time) (*beforetrip.Session, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	if len(oldHash) == 0 || len(newHash) == 0 || bytes.Equal(oldHash, newHash) {
		return nil, beforetrip.Invalid("token", "refresh token hashes required")
	}
	var s *beforetrip.Session
	reused := false
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		s, reused = nil, false
		now := db.now()
		tokens := tx.Bucket(bucketSessionTokens)
		var burst *graceRecord // set when oldHash is a grace reuse
		sid := tokens.Get(oldHash)
		if sid == nil {
			prev := tx.Bucket(bucketSessionPrev).Get(oldHash)
			if prev == nil {
				return errSession()
			}
			g, ok, err := inGrace(tx, prev, oldHash, now)
			if err != nil {
				return err
			}
			if !ok {
				// The revocation must commit, so it is not returned as
				// an error (which would roll it back); the caller
				// reports it.
				reused = true
				return revokeSession(tx, clone(prev))
			}
			sid, burst = prev, g
		}
		cur, err := getSession(tx, clone(sid))
		if err != nil {
			return err
		}
		if !usable(cur, now) || len(cur.TokenHash) == 0 {
			return errSession()
		}
		if tokenInUse(tx, newHash) {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "refresh token in use")
		}
		// The token replaced is the current one: oldHash itself, or on a
		// grace reuse the token the first refresh of the burst handed out.
		replaced := bytes.Clone(cur.TokenHash)
		if err := tokens.Delete(replaced); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSessionPrev).Put(replaced, []byte(cur.ID)); err != nil {
			return err
		}
		if err := tokens.Put(newHash, []byte(cur.ID)); err != nil {
			return err
		}
		if err := putGrace(tx, cur.ID, burst, replaced, now); err != nil {
			return err
		}
		cur.TokenHash = bytes.Clone(newHash)
		cur.ExpiresAt = expires
		s = cur
		return putSession(tx, cur)
	})
	if err != nil {
		return nil, wrap(err, "rotate session")
	}
	if reused {
		return nil, errSession()
	}
	return s, nil
}

// RevokeSession revokes one session (logout). Unknown IDs are not an error.
func (db *DB) RevokeSession(ctx context.Context, id string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return revokeSession(tx, []byte(id))
	})
	return wrap(err, "revoke session")
}

// revokeSession marks a session revoked and drops its current token from
// the index and its grace record; its rotated-away tokens stay indexed so a
// replay is still recognised (and harmless).
func revokeSession(tx *bolt.Tx, id []byte) error {
	s, err := getSession(tx, id)
	if beforetrip.ErrorCode(err) == beforetrip.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if s.Revoked {
		return nil
	}
	if len(s.TokenHash) > 0 {
		if err := tx.Bucket(bucketSessionTokens).Delete(s.TokenHash); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketSessionGrace).Delete(id); err != nil {
		return err
	}
	s.Revoked = true
	return putSession(tx, s)
}

// revokeUserSessions revokes every session of a user via the user→session
// index.
func revokeUserSessions(tx *bolt.Tx, userID uint64) error {
	return revokeUserSessionsBut(tx, userID, "")
}

// revokeUserSessionsBut revokes every session of a user but keep (a
// password change keeps the session that made it).
func revokeUserSessionsBut(tx *bolt.Tx, userID uint64, keep string) error {
	var ids [][]byte
	for _, id := range userSessionIDs(tx, userID) {
		if string(id) != keep {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		if err := revokeSession(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// userSessionIDs lists a user's session IDs from the user→session index.
func userSessionIDs(tx *bolt.Tx, userID uint64) [][]byte {
	p := prefix(u64(userID))
	var ids [][]byte
	c := tx.Bucket(bucketSessionUsers).Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		ids = append(ids, clone(k[len(p):]))
	}
	return ids
}

func usable(s *beforetrip.Session, now time.Time) bool {
	return !s.Revoked && now.Before(s.ExpiresAt)
}

func tokenInUse(tx *bolt.Tx, hash []byte) bool {
	return tx.Bucket(bucketSessionTokens).Get(hash) != nil || tx.Bucket(bucketSessionPrev).Get(hash) != nil
}

func putSession(tx *bolt.Tx, s *beforetrip.Session) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketSessions).Put([]byte(s.ID), v)
}

func getSession(tx *bolt.Tx, id []byte) (*beforetrip.Session, error) {
	v := tx.Bucket(bucketSessions).Get(id)
	if v == nil {
		return nil, beforetrip.Errorf(beforetrip.ENOTFOUND, "session not found")
	}
	var s beforetrip.Session
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, fmt.Errorf("decode session %q: %w", id, err)
	}
	return &s, nil
}
