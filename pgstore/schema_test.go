package pgstore

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/beforetrip/beforetrip/pgstore/pgtest"
)

// TestMigrations: a new database gets every migration, opening it again
// changes nothing, and a database whose schema is newer than the binary
// knows is refused.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != len(migrations) {
		t.Fatalf("schema version = %d, %v; want %d", v, err, len(migrations))
	}
	db.Close()
	db, err = Open(ctx, url) // again: nothing to do
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := db.pool.Exec(ctx, "UPDATE schema_version SET version = $1", len(migrations)+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, url)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary knows") {
		t.Fatalf("open of a newer schema: err = %v", err)
	}
}

// TestLoadMigrations: the files must be numbered 1, 2, … without gaps.
func TestLoadMigrations(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		ok    bool
	}{
		{"in order", []string{"0001_a.sql", "0002_b.sql"}, true},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, false},
		{"not a number", []string{"first.sql"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
			}
			ms, err := loadMigrations(fsys)
			if (err == nil) != tt.ok {
				t.Fatalf("loadMigrations = %v, %v; want ok %v", ms, err, tt.ok)
			}
		})
	}
}
