package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/pgstore"
	"github.com/beforetrip/beforetrip/pgstore/pgtest"
	"github.com/beforetrip/beforetrip/store"
	"github.com/beforetrip/beforetrip/test/harness"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestParseStoreURL(t *testing.T) {
	abs, _ := filepath.Abs("x/site.db")
	tests := []struct {
		raw      string
		kind     storeKind
		target   string
		errorHas string
	}{
		{"", storeBolt, "/data/beforetrip.db", ""},
		{"bbolt:x/site.db", storeBolt, abs, ""},
		{"postgres://bt@db:5432/bt", storePostgres, "postgres://bt@db:5432/bt", ""},
		{"postgresql://bt@db/bt", storePostgres, "postgresql://bt@db/bt", ""},
		{"bbolt:", 0, "", "needs a file path"},
		{"mysql://root:secret@db/bt", 0, "", "want bbolt:PATH or postgres://"},
		{"data/beforetrip.db", 0, "", "want bbolt:PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			kind, target, err := parseStoreURL(tt.raw, "/data")
			if tt.errorHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errorHas) {
					t.Fatalf("err = %v, want one saying %q", err, tt.errorHas)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil || kind != tt.kind || target != tt.target {
				t.Fatalf("= %v, %q, %v; want %v, %q", kind, target, err, tt.kind, tt.target)
			}
		})
	}
}

// TestAPIRefusesBadStoreURL: a store.url of no known kind stops the start
// with one clear line, before anything is written.
func TestAPIRefusesBadStoreURL(t *testing.T) {
	t.Setenv("BEFORETRIP_JWT_SECRET", strings.Repeat("s3cret-", 6))
	t.Setenv("BEFORETRIP_STORE_URL", "redis://localhost/0")
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	out := filepath.Join(root, "www")
	err := Main(context.Background(), []string{"api", "--config", filepath.Join(root, "config.yaml"),
		"--addr", "127.0.0.1:0", "--out", out}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "store.url") {
		t.Fatalf("err = %v, want one naming store.url", err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err == nil {
		t.Error("a site was built with a bad store")
	}
}

// TestAPIOnPostgres runs `beforetrip api --store postgres://…` as in
// production: a reader registers and likes over real HTTP, the like lands
// in PostgreSQL (read back through another connection) and rebuilds the
// list that shows it, and the store's invariants hold.
func TestAPIOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	s, out := MustStartAPI(t, "--store", url)
	written := watchOut(t, out)
	const page = "countries/japan/tips/suica"
	tok := s.MustUser(t, "pg-liker")
	if code := s.api(t, "PUT", "/api/likes?page="+page, tok, nil, nil); code != 200 {
		t.Fatalf("like: %d", code)
	}
	list := filepath.Join(out, "countries/japan/tips/index.html")
	waitForFile(t, s, written, list, "the like", func(html string) bool { return harness.ListedLikes(html, page) == "1" })

	ctx := context.Background()
	db, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stats, err := db.PageStats(ctx, []string{page}, 0)
	if err != nil || stats[page].Likes != 1 {
		t.Fatalf("likes in PostgreSQL = %+v, %v; want 1", stats[page], err)
	}
	if _, err := db.UserByLogin(ctx, "pg-liker"); err != nil {
		t.Errorf("the user is not in PostgreSQL: %v", err)
	}
	if err := db.Verify(ctx); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(s.Root, "data", "beforetrip.db")); err == nil {
		t.Error("api on PostgreSQL also made a bbolt file")
	}
}

// TestUserCommandRefusesStaleBolt: with store.url naming PostgreSQL and no
// server running, `user block` does not write the bbolt file that a store
// copy left in the data folder.
func TestUserCommandRefusesStaleBolt(t *testing.T) {
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	data := filepath.Join(root, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	mustCommunity(t, filepath.Join(data, "beforetrip.db"))
	t.Setenv("BEFORETRIP_STORE_URL", "postgres://nobody@127.0.0.1:1/none")
	err := Main(context.Background(), []string{"user", "block", "reader1", "--config", filepath.Join(root, "config.yaml")},
		io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Fatalf("err = %v, want a refusal naming PostgreSQL", err)
	}
	db, err := store.Open(filepath.Join(data, "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.UserByLogin(context.Background(), "reader1"); err != nil || u.Blocked {
		t.Errorf("the stale bbolt file was changed: %+v, %v", u, err)
	}
}
