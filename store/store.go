// Package store keeps beforetrip's accounts, sessions, likes, comments and
// reader reviews in one bbolt file. *DB implements every service interface
// of the root package plus beforetrip.SiteData. The package owns every
// bucket name, key encoding and transaction: each exported method runs one
// View, Update or Batch, and unexported helpers take the *bolt.Tx.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DefaultTimeout is how long Open waits for the file lock.
const DefaultTimeout = time.Second

// BatchDelay is how long a like waits for others to share its commit (and
// its fsync). bbolt's default of 10 ms made a lone like take 11 ms; an fsync
// here costs about 0.25 ms, so 2 ms still groups a burst while keeping a
// single like near 2 ms.
const BatchDelay = 2 * time.Millisecond

// DB is an open store.
type DB struct {
	bolt  *bolt.DB
	path  string
	now   func() time.Time
	likes likeGate
	pop   *popIndex // the popular index, derived from the file at Open
	// counts is every page's counters (countcache.go), derived from the
	// file at Open.
	counts *countCache
}

type options struct {
	timeout time.Duration
	noSync  bool
	now     func() time.Time
}

// Option configures Open.
type Option func(*options)

// WithTimeout sets how long Open waits for another process to release the
// file lock (default DefaultTimeout). Zero waits forever.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// WithNoSync turns off fsync after each commit. Only for benchmarks: a crash
// then loses acknowledged writes (and may corrupt the file).
func WithNoSync() Option {
	return func(o *options) { o.noSync = true }
}

// WithClock sets the clock sessions are judged by (expiry, the refresh
// grace period); default time.Now. Tests use it to step past RefreshGrace
// without sleeping.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// Open opens (creating if needed) the store file at path, creates its
// buckets and runs pending schema migrations in one transaction.
func Open(path string, opts ...Option) (*DB, error) {
	o := options{timeout: DefaultTimeout, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      o.timeout,
		NoSync:       o.noSync,
		FreelistType: bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("store %s is locked by another process (waited %s): %w", path, o.timeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: open: %w", path, err)
	}
	bdb.MaxBatchDelay = BatchDelay
	var pop *popIndex
	var counts *countCache
	err = bdb.Update(func(tx *bolt.Tx) error {
		if err := migrate(tx, migrations); err != nil {
			return err
		}
		if pop, err = loadPopIndex(tx); err != nil {
			return err
		}
		counts, err = loadCountCache(tx)
		return err
	})
	if err != nil {
		bdb.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	caches.Store(bdb, counts)
	return &DB{bolt: bdb, path: path, now: o.now, pop: pop, counts: counts}, nil
}

// Path returns the file the store was opened from.
func (db *DB) Path() string { return db.path }

// Close releases the file. Pending Batch calls finish first.
func (db *DB) Close() error {
	defer caches.Delete(db.bolt)
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("store %s: close: %w", db.path, err)
	}
	return nil
}

// Backup writes a consistent copy of the whole file to w while the store
// stays online (a read transaction: writers are not blocked). The copy is a
// valid store file that Open accepts.
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// ctxErr lets long scans stop when the caller gives up.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
