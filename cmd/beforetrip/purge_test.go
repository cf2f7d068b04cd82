package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

// TestServePurgesSessions: a server started on a store that holds an
// expired session deletes it (the purge runs at start, then hourly).
func TestServePurgesSessions(t *testing.T) {
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	MustCopyTree(t, "../../themes/default", filepath.Join(root, "themes", "default"))
	if err := os.MkdirAll(filepath.Join(root, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(root, "data", "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := &beforetrip.User{Username: "old", Email: "old@example.com", PasswordHash: []byte("x")}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	expired := &beforetrip.Session{ID: "gone", UserID: u.ID, TokenHash: []byte("t"), ExpiresAt: time.Now().Add(-time.Hour)}
	if err := db.CreateSession(ctx, expired); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := MustStartServeAt(t, root)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(s.stderr.String(), "purged unusable sessions") {
		if time.Now().After(deadline) {
			t.Fatalf("no purge within 30s; log:\n%s", tail(s.logWithoutRequests(), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(s.stderr.String(), "sessions=1") {
		t.Errorf("purge log does not count one session:\n%s", tail(s.logWithoutRequests(), 3000))
	}
}
