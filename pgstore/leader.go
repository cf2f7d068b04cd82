package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// The rebuild leader election: one session-level advisory lock, held on a
// connection of its own (not the pool's), and two notification channels.
const (
	leaderLock = 0x62742d6c656164 // "bt-lead"
	// changesChannel carries every committed change that alters a static
	// page; the triggers of migration 0006 send them from inside the
	// writing transaction, so PostgreSQL delivers them at commit and never
	// for a write that failed.
	changesChannel = "beforetrip_changes"
	// builtChannel tells the instances that do not lead that the leader
	// published a build with a new page list.
	builtChannel = "beforetrip_built"
)

// DefaultRetry is how often an instance that does not lead tries to take
// the lead, and how often the leader checks its connection.
const DefaultRetry = time.Second

// Campaign is what one process does in the election of the rebuild leader
// (Elect).
type Campaign struct {
	// Lead runs while this process leads. Its ctx ends when the leadership
	// is lost (the connection holding the lock broke) or Elect's ctx ends;
	// Lead must then return (and stop writing) soon. It starts after this
	// process listens for changes, so a full build in Lead misses nothing
	// committed from then on.
	Lead func(ctx context.Context)
	// Change receives, while this process leads, each change committed by
	// any instance (this one included). It must not block.
	Change func(beforetrip.Change)
	// Follow is called each time this process stops leading or finds
	// another instance leading, or cannot reach the database (err).
	Follow func(err error)
	// Built is called, while this process does not lead, when the leader
	// announced a build with a new page list (AnnounceBuilt).
	Built func()
	// Retry is DefaultRetry when zero.
	Retry time.Duration
	Log   *slog.Logger
}

// Elect takes part in the election of the rebuild leader until ctx ends:
// exactly one process on the database leads at a time. The leader holds a
// session-level advisory lock on a connection of its own and listens there
// for changes; the others try the lock every Retry. A leader that dies
// closes its connection, which frees the lock at once; one whose
// connection breaks stops leading (Lead's ctx ends) before it tries again.
func (db *DB) Elect(ctx context.Context, c Campaign) {
	if c.Retry <= 0 {
		c.Retry = DefaultRetry
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	for ctx.Err() == nil {
		err := db.campaign(ctx, c)
		if ctx.Err() != nil {
			return
		}
		c.Log.Warn("rebuild election: connection lost; trying again", "err", err)
		c.Follow(err)
		select {
		case <-ctx.Done():
		case <-time.After(c.Retry):
		}
	}
}

// campaign runs on one connection until it breaks or ctx ends.
func (db *DB) campaign(ctx context.Context, c Campaign) error {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		conn.Close(closeCtx) // frees the lock if this process led
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+builtChannel); err != nil {
		return err
	}
	following := false
	for {
		var got bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", leaderLock).Scan(&got); err != nil {
			return err
		}
		if got {
			return db.lead(ctx, conn, c)
		}
		if !following {
			following = true
			c.Follow(nil)
		}
		err := waitNotices(ctx, conn, c.Retry, func(ch, payload string) {
			if ch == builtChannel {
				c.Built()
			}
		})
		if err != nil {
			return err
		}
	}
}

// lead runs c.Lead while conn, which holds the lock, stays sound.
func (db *DB) lead(ctx context.Context, conn *pgx.Conn, c Campaign) error {
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	leadCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Lead(leadCtx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	for {
		err := waitNotices(ctx, conn, c.Retry, func(ch, payload string) {
			if ch != changesChannel {
				return
			}
			change, err := parseChange(payload)
			if err != nil {
				c.Log.Error("rebuild election: bad change notice", "payload", payload, "err", err)
				return
			}
			c.Change(change)
		})
		if err != nil || ctx.Err() != nil {
			return err
		}
		// Quiet for a while: make sure the connection (and so the lock)
		// is still there.
		if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
			return err
		}
	}
}

// waitNotices hands fn each notification that arrives on conn during d. It
// returns nil when d passed (or ctx ended) and the error of a broken
// connection.
func waitNotices(ctx context.Context, conn *pgx.Conn, d time.Duration, fn func(channel, payload string)) error {
	waitCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		n, err := conn.WaitForNotification(waitCtx)
		if err != nil {
			if waitCtx.Err() != nil && !conn.IsClosed() {
				return nil
			}
			return err
		}
		fn(n.Channel, n.Payload)
	}
}

// changeNotice is the payload the triggers of migration 0006 send.
type changeNotice struct {
	Kind    beforetrip.ChangeKind `json:"kind"`
	Page    string                `json:"page"`
	Country string                `json:"country"`
}

func parseChange(payload string) (beforetrip.Change, error) {
	var n changeNotice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		return beforetrip.Change{}, err
	}
	switch n.Kind {
	case beforetrip.ChangeLikes, beforetrip.ChangeComments, beforetrip.ChangeReview:
	default:
		return beforetrip.Change{}, fmt.Errorf("unknown kind %q", n.Kind)
	}
	return beforetrip.Change{Kind: n.Kind, Page: n.Page, Country: n.Country}, nil
}

// AnnounceBuilt tells the instances that do not lead that a build with a
// new page list was published, so that they read the manifest again.
func (db *DB) AnnounceBuilt(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, "SELECT pg_notify($1, '')", builtChannel)
	return wrap(err, "announce build")
}
