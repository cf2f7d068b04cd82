// Package pgstore keeps beforetrip's community data in PostgreSQL: the
// second store beside the bbolt file of package store, for sites whose API
// runs on several hosts. *DB implements the same root-package interfaces
// with the same semantics and error codes; the contract suite in
// store/storetest runs against both. The package owns every table, query
// and transaction: each exported method runs one transaction.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is an open PostgreSQL store.
type DB struct {
	pool *pgxpool.Pool
	raw  string // as given to Open
	url  string // without the password, for messages
	now  func() time.Time
}

type options struct {
	now func() time.Time
}

// Option configures Open.
type Option func(*options)

// WithClock sets the clock sessions are judged by (expiry, the refresh
// grace period); default time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// Open connects to the database at rawURL (postgres://…) and runs pending
// schema migrations. It refuses a database whose schema is newer than this
// binary knows.
func Open(ctx context.Context, rawURL string, opts ...Option) (*DB, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	shown := redact(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", shown, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", shown, err)
	}
	db := &DB{pool: pool, raw: rawURL, url: shown, now: o.now}
	if err := db.migrate(ctx, migrations); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store %s: %w", shown, err)
	}
	return db, nil
}

// redact hides the password of a postgres URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Path names the database (without its password), as store.DB.Path names
// the file.
func (db *DB) Path() string { return db.url }

// Close closes every connection.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return wrap(db.pool.Ping(ctx), "ping")
}

// inTx runs fn in one read-committed transaction, retried when PostgreSQL
// aborts it for a serialization failure or a deadlock (fn must be safe to
// run again). Counters stay equal to the rows they count because every
// change of both happens under the row locks of one transaction.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx, db.pool, fn)
		var pe *pgconn.PgError
		if attempt < 10 && errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") {
			continue
		}
		return err
	}
}

// wrap adds context to internal errors and passes domain errors through, so
// their codes reach the API unchanged.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var e *beforetrip.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}

// ctxErr lets a method stop before any work when the caller gave up.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
