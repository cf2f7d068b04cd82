package store

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
)

// purgeBatch bounds one purge transaction: bbolt has one writer, and likes
// must not wait behind a purge of a million sessions.
const purgeBatch = 1000

// PurgeSessions deletes every session that can no longer be used (expired,
// or revoked by logout, rotation reuse or blocking) with all the index
// entries that name it: its current and rotated-away refresh tokens, its
// user index entry and its grace record. Without it every login would
// stay in the file forever. A refresh token of a purged session is simply
// unknown, which the API answers exactly as it answers a revoked one. It
// returns how many sessions went.
func (db *DB) PurgeSessions(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ctxErr(ctx); err != nil {
			return total, err
		}
		n, more, err := db.purgeSome()
		total += n
		if err != nil || !more {
			return total, wrap(err, "purge sessions")
		}
	}
}

// purgeSome deletes up to purgeBatch unusable sessions in one transaction
// and reports whether more may be left.
func (db *DB) purgeSome() (n int, more bool, err error) {
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		n, more = 0, false
		now := db.now()
		gone := map[string]bool{}
		var dead []*beforetrip.Session
		c := tx.Bucket(bucketSessions).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var s beforetrip.Session
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			if usable(&s, now) {
				continue
			}
			if len(dead) == purgeBatch {
				more = true
				break
			}
			dead = append(dead, &s)
			gone[s.ID] = true
		}
		if len(dead) == 0 {
			return nil
		}
		for _, s := range dead {
			if err := deleteSession(tx, s); err != nil {
				return err
			}
		}
		// Rotated-away tokens are keyed by hash: one pass finds theirs.
		prev := tx.Bucket(bucketSessionPrev)
		var stale [][]byte
		err := prev.ForEach(func(k, v []byte) error {
			if gone[string(v)] {
				stale = append(stale, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range stale {
			if err := prev.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	return n, more, err
}

// deleteSession removes s and the entries keyed by it; the caller removes
// its rotated-away tokens.
func deleteSession(tx *bolt.Tx, s *beforetrip.Session) error {
	id := []byte(s.ID)
	if len(s.TokenHash) > 0 {
		tokens := tx.Bucket(bucketSessionTokens)
		// A revoked session's token was already dropped; only delete the
		// entry if it is still this session's.
		if bytes.Equal(tokens.Get(s.TokenHash), id) {
			if err := tokens.Delete(s.TokenHash); err != nil {
				return err
			}
		}
	}
	if err := tx.Bucket(bucketSessionGrace).Delete(id); err != nil {
		return err
	}
	if err := tx.Bucket(bucketSessionUsers).Delete(join(u64(s.UserID), id)); err != nil {
		return err
	}
	return tx.Bucket(bucketSessions).Delete(id)
}

// PurgeSessionsEvery runs PurgeSessions (and drops expired account
// tokens) now and then every interval until
// ctx ends, logging what it removed and any failure (a failed purge is
// retried at the next tick; nothing depends on it).
func (db *DB) PurgeSessionsEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := db.PurgeSessions(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("store: purging sessions failed", "err", err)
		case n > 0:
			log.Info("store: purged unusable sessions", "sessions", n)
		}
		// Expired reset and verify tokens go at the same pace.
		if n, err := db.purgeTokens(); err != nil && ctx.Err() == nil {
			log.Error("store: purging tokens failed", "err", err)
		} else if n > 0 {
			log.Info("store: purged expired account tokens", "tokens", n)
		}
		if n, err := db.purgeLoginLimits(db.now()); err != nil && ctx.Err() == nil {
			log.Error("store: purging login limits failed", "err", err)
		} else if n > 0 {
			log.Info("store: forgot refilled failed-login buckets", "buckets", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
