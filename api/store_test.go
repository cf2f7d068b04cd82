package api

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/pgstore"
	"github.com/beforetrip/beforetrip/pgstore/pgtest"
	"github.com/beforetrip/beforetrip/store"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testStore is what the API tests use of a store: every service plus
// Verify and a Backup whose copies are equal when nothing was written.
type testStore interface {
	beforetrip.Store
	beforetrip.StoreHealth
	Verify() error
	Close() error
	Backup(w io.Writer) (int64, error)
}

// storeEnv picks the store the API tests run on: unset or "bbolt" for a
// bbolt file, "postgres" for a database of the test binary's PostgreSQL
// cluster (CI runs the API tests once that way).
const storeEnv = "BEFORETRIP_TEST_STORE"

// mustTestStore opens a fresh store of the kind storeEnv names, closed at
// cleanup, whose sessions are judged by now.
func mustTestStore(tb testing.TB, dir string, now func() time.Time) testStore {
	tb.Helper()
	switch kind := os.Getenv(storeEnv); kind {
	case "", "bbolt":
		db, err := store.Open(filepath.Join(dir, "beforetrip.db"), store.WithClock(now))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return db
	case "postgres":
		url := pgtest.URL(tb)
		db, err := pgstore.Open(context.Background(), url, pgstore.WithClock(now))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		return pgTestStore{DB: db, url: url}
	default:
		tb.Fatalf("%s=%q: want bbolt or postgres", storeEnv, kind)
		return nil
	}
}

// pgTestStore adapts *pgstore.DB to testStore.
type pgTestStore struct {
	*pgstore.DB
	url string
}

func (s pgTestStore) Verify() error { return s.DB.Verify(context.Background()) }

// Backup writes every row of every table in a fixed order: two equal
// outputs mean nothing was written in between, which is what the tests
// use bbolt's hot backup for.
func (s pgTestStore) Backup(w io.Writer) (int64, error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		return 0, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	var n int64
	for _, t := range tables {
		rows, err := conn.Query(ctx, fmt.Sprintf(`SELECT row_to_json(t)::text FROM %s t ORDER BY row_to_json(t)::text`,
			pgx.Identifier{t}.Sanitize()))
		if err != nil {
			return n, err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return n, err
		}
		for _, l := range lines {
			m, err := fmt.Fprintf(w, "%s %s\n", t, l)
			n += int64(m)
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
