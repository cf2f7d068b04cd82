package pgstore

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/pgstore/pgtest"
	"github.com/beforetrip/beforetrip/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// MustOpen opens the store on a fresh database of the test cluster.
func MustOpen(tb testing.TB, opts ...Option) *DB {
	tb.Helper()
	db, err := Open(context.Background(), pgtest.URL(tb), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TestContract runs the stores' shared contract suite against PostgreSQL.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Open: func(tb testing.TB, now func() time.Time) storetest.Store {
			return MustOpen(tb, WithClock(now))
		},
		Reopen: func(tb testing.TB, s storetest.Store) storetest.Store {
			db := s.(*DB)
			db.Close()
			db, err := Open(context.Background(), db.raw, WithClock(db.now))
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		},
		Verify:       func(ctx context.Context, s storetest.Store) error { return s.(*DB).Verify(ctx) },
		PurgeTokens:  func(s storetest.Store) (int, error) { return s.(*DB).PurgeTokens(context.Background()) },
		RefreshGrace: RefreshGrace,
		MaxStatsIDs:  MaxStatsIDs,
	})
}
