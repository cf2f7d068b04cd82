package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"
)

// TestContract runs the stores' shared contract suite against a bbolt file.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Open: func(tb testing.TB, now func() time.Time) storetest.Store {
			db, err := Open(filepath.Join(tb.TempDir(), "beforetrip.db"), WithClock(now))
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		},
		Reopen: func(tb testing.TB, s storetest.Store) storetest.Store {
			db := s.(*DB)
			db.Close()
			db, err := Open(db.Path(), WithClock(db.now))
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		},
		Verify:       func(_ context.Context, s storetest.Store) error { return s.(*DB).Verify() },
		PurgeTokens:  func(s storetest.Store) (int, error) { return s.(*DB).purgeTokens() },
		RefreshGrace: RefreshGrace,
		MaxStatsIDs:  MaxStatsIDs,
	})
}
