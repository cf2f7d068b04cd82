package pgstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"
)

// PurgeSessions deletes every session that can no longer be used
// (revoked or expired) with its rotated-away tokens, returning how many.
func (db *DB) PurgeSessions(ctx context.Context) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	// session_prev and session_grace rows go with their session (ON
	// DELETE CASCADE).
	tag, err := db.pool.Exec(ctx, "DELETE FROM sessions WHERE revoked OR expires_at <= $1", db.now())
	if err != nil {
		return 0, wrap(err, "purge sessions")
	}
	return int(tag.RowsAffected()), nil
}

// PurgeSessionsEvery runs PurgeSessions and PurgeTokens now and then every
// interval until ctx ends, logging what it removed and any failure (a
// failed purge is tried again at the next tick). Several instances may run
// it at once: each delete is one statement.
func (db *DB) PurgeSessionsEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := db.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			log.Error("store: purging sessions failed", "err", err)
		} else if n > 0 {
			log.Info("store: purged unusable sessions", "sessions", n)
		}
		if n, err := db.PurgeTokens(ctx); err != nil && ctx.Err() == nil {
			log.Error("store: purging tokens failed", "err", err)
		} else if n > 0 {
			log.Info("store: purged expired account tokens", "tokens", n)
		}
		if n, err := db.purgeLoginLimits(ctx); err != nil && ctx.Err() == nil {
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

// ErrNoBackup is Backup's answer: a PostgreSQL database is backed up with
// PostgreSQL's own tools.
var ErrNoBackup = errors.New("store: a PostgreSQL store is backed up with pg_dump (or the database's own backups), not beforetrip backup")

// Backup refuses: see ErrNoBackup. It exists so the admin socket's backup
// request gets that clear answer.
func (db *DB) Backup(io.Writer) (int64, error) { return 0, ErrNoBackup }
