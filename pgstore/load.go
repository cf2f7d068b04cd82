package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
)

// Load writes a dump of another store into this one, which must hold no
// community data yet, in one transaction: all of it or nothing. IDs are
// kept (links and page IDs of reader reviews stay valid) and the ID
// sequences continue after them; counters and pins are derived from the
// rows, then checked with Verify's invariants before the commit.
func (db *DB) Load(ctx context.Context, d *beforetrip.Dump) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM comments)
			+ (SELECT count(*) FROM reviews)`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return beforetrip.Errorf(beforetrip.ECONFLICT, "the database already holds community data: copy into an empty one")
		}
		for _, step := range []func(context.Context, pgx.Tx, *beforetrip.Dump) error{
			loadUsers, loadLikes, loadComments, loadReviews, loadModeration, deriveCounters,
		} {
			if err := step(ctx, tx, d); err != nil {
				return err
			}
		}
		for _, table := range []string{"users", "comments", "reviews", "audit", "outbox"} {
			if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'),
				coalesce((SELECT max(id) FROM %s), 0) + 1, false)`, table, table)); err != nil {
				return fmt.Errorf("sequence of %s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		return wrap(err, "load")
	}
	return db.Verify(ctx)
}

func loadUsers(ctx context.Context, tx pgx.Tx, d *beforetrip.Dump) error {
	rows := make([][]any, len(d.Users))
	for i, u := range d.Users {
		rows[i] = []any{int64(u.ID), u.Username, u.Email, string(u.Role), u.Blocked, u.BlockedUntil, u.BlockReason,
			u.EmailVerified, u.NotifyReplies, u.CreatedAt, nonNil(u.PasswordHash)}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "username", "email", "role", "blocked",
		"blocked_until", "block_reason", "email_verified", "notify_replies", "created_at", "password_hash"},
		pgx.CopyFromRows(rows))
	return wrapStep(err, "users")
}

func loadLikes(ctx context.Context, tx pgx.Tx, d *beforetrip.Dump) error {
	now := time.Now().UTC()
	rows := make([][]any, len(d.Likes))
	liked := map[string]bool{}
	for i, l := range d.Likes {
		rows[i] = []any{l.Page, int64(l.UserID), now}
		liked[l.Page] = true
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"likes"}, []string{"page", "user_id", "created_at"},
		pgx.CopyFromRows(rows)); err != nil {
		return wrapStep(err, "likes")
	}
	var pages [][]any
	for _, p := range d.Pages {
		if !liked[p.ID] {
			continue
		}
		var date *time.Time
		if !p.Date.IsZero() {
			t := p.Date.UTC().Truncate(time.Second)
			date = &t
		}
		pages = append(pages, []any{p.ID, p.Section, p.Country, date})
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"pages"}, []string{"page", "section", "country", "date"}, pgx.CopyFromRows(pages))
	return wrapStep(err, "pages")
}

func loadComments(ctx context.Context, tx pgx.Tx, d *beforetrip.Dump) error {
	rows := make([][]any, len(d.Comments))
	var pins [][]any
	for i, c := range d.Comments {
		v, err := json.Marshal(c)
		if err != nil {
			return err
		}
		rows[i] = []any{int64(c.ID), c.Page, int64(c.Author.ID), c.Pending, c.Public(), c.Counted(), v}
		if c.Pinned && c.Counted() {
			pins = append(pins, []any{c.Page, int64(c.ID)})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"comments"}, []string{"id", "page", "author_id", "pending", "public",
		"counted", "doc"}, pgx.CopyFromRows(rows)); err != nil {
		return wrapStep(err, "comments")
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"page_pins"}, []string{"page", "comment_id"}, pgx.CopyFromRows(pins))
	return wrapStep(err, "pins")
}

func loadReviews(ctx context.Context, tx pgx.Tx, d *beforetrip.Dump) error {
	rows := make([][]any, len(d.Reviews))
	for i, r := range d.Reviews {
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		rows[i] = []any{int64(r.ID), r.Country, int64(r.Author.ID), r.Pending, r.Public(), v}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"reviews"}, []string{"id", "country", "author_id", "pending", "public", "doc"},
		pgx.CopyFromRows(rows))
	return wrapStep(err, "reviews")
}

func loadModeration(ctx context.Context, tx pgx.Tx, d *beforetrip.Dump) error {
	reports := make([][]any, len(d.Reports))
	for i, r := range d.Reports {
		v, err := json.Marshal(r.Report)
		if err != nil {
			return err
		}
		reports[i] = []any{string(r.Kind), int64(r.ItemID), int64(r.Reporter.ID), r.Open, r.At, v}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reports"}, []string{"kind", "item_id", "reporter_id", "open", "at", "doc"},
		pgx.CopyFromRows(reports)); err != nil {
		return wrapStep(err, "reports")
	}
	locks := make([][]any, len(d.Locks))
	for i, l := range d.Locks {
		locks[i] = []any{l.Page, int64(l.By.ID), l.By.Username, l.At}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"page_locks"}, []string{"page", "by_id", "by_name", "locked_at"},
		pgx.CopyFromRows(locks)); err != nil {
		return wrapStep(err, "locks")
	}
	audit := make([][]any, len(d.Audit))
	for i, e := range d.Audit {
		v, err := json.Marshal(e)
		if err != nil {
			return err
		}
		audit[i] = []any{int64(e.ID), v}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit"}, []string{"id", "doc"}, pgx.CopyFromRows(audit))
	return wrapStep(err, "audit")
}

// deriveCounters computes every page's counters from the rows loaded.
func deriveCounters(ctx context.Context, tx pgx.Tx, _ *beforetrip.Dump) error {
	_, err := tx.Exec(ctx, `INSERT INTO counters (page, likes, comments)
		SELECT page, sum(l), sum(c) FROM (
			SELECT page, count(*) AS l, 0 AS c FROM likes GROUP BY page
			UNION ALL SELECT page, 0, count(*) FROM comments WHERE counted GROUP BY page) x
		GROUP BY page`)
	return wrapStep(err, "counters")
}

func wrapStep(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Tally counts the rows of every kind a dump holds.
func (db *DB) Tally(ctx context.Context) (beforetrip.DumpTally, error) {
	var t beforetrip.DumpTally
	err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM likes),
		(SELECT count(*) FROM comments), (SELECT count(*) FROM reviews), (SELECT count(*) FROM reports),
		(SELECT count(*) FROM page_locks), (SELECT count(*) FROM audit)`).
		Scan(&t.Users, &t.Likes, &t.Comments, &t.Reviews, &t.Reports, &t.Locks, &t.Audit)
	return t, wrap(err, "tally")
}
