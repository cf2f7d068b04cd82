package store

import (
	"path/filepath"
	"testing"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
)

// MustOpen opens a fresh store in a temporary folder, closed at cleanup.
func MustOpen(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "beforetrip.db"), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustUser creates a reader named name (email name@example.com).
func MustUser(tb testing.TB, db *DB, name string) *beforetrip.User {
	tb.Helper()
	return storetest.MustUser(tb, db, name)
}

// checkInvariants fails tb if any counter, index or popular entry disagrees
// with the rows it describes.
func checkInvariants(tb testing.TB, db *DB) {
	tb.Helper()
	if err := db.Verify(); err != nil {
		tb.Fatalf("invariants: %v", err)
	}
}

// wantCode fails tb unless err carries the domain error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := beforetrip.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}
