package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/store"
)

// mustStoreWithUser creates <dir>/beforetrip.db holding user alice with one
// session, a like and a comment, and returns it open.
func mustStoreWithUser(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"))
	if err != nil {
		tb.Fatal(err)
	}
	u := &beforetrip.User{Username: "alice", Email: "alice@example.com"}
	if err := db.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateSession(ctx, &beforetrip.Session{ID: "s1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		tb.Fatal(err)
	}
	page := beforetrip.PageMeta{ID: "countries/japan/tips/jr-pass", Section: "tips", Country: "japan"}
	if _, err := db.SetLike(ctx, page, u.ID, true); err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateComment(ctx, &beforetrip.Comment{Page: page.ID, Author: beforetrip.Author{ID: u.ID}, Body: "좋아요"}); err != nil {
		tb.Fatal(err)
	}
	return db
}

// noFollow follows up no moderation step (the test serves no site).
type noFollow struct{}

func (noFollow) Moderated(context.Context, *beforetrip.ModResult) {}

// runMain runs the CLI and returns its stdout.
func runMain(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	err := Main(context.Background(), args, &stdout, &stderr)
	return stdout.String(), err
}

// mustOpenBackup opens a backup file as the API would and checks it holds
// alice, her like and her comment, with every invariant intact.
func mustOpenBackup(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatalf("backup does not open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Verify(); err != nil {
		tb.Error(err)
	}
	counts, err := db.PageCounts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if got := counts["countries/japan/tips/jr-pass"]; got != (beforetrip.Counts{Likes: 1, Comments: 1}) {
		tb.Errorf("backup counts = %+v, want 1 like and 1 comment", got)
	}
	return db
}

func TestBackupAndUserDirect(t *testing.T) {
	dir := t.TempDir()
	mustStoreWithUser(t, dir).Close()

	out, err := runMain(t, "user", "set-role", "alice", "admin", "--data", dir)
	if err != nil || !strings.Contains(out, "role set to admin") {
		t.Fatalf("set-role: %q, %v", out, err)
	}
	if _, err := runMain(t, "user", "--data", dir, "block", "alice"); err != nil {
		t.Fatalf("block: %v", err)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	out, err = runMain(t, "backup", "--data", dir, "--out", file)
	if err != nil || !strings.Contains(out, "from the store file") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	db := mustOpenBackup(t, file)
	u, err := db.UserByLogin(context.Background(), "alice")
	if err != nil || u.Role != beforetrip.RoleAdmin || !u.Blocked {
		t.Errorf("alice in backup = %+v, %v; want a blocked admin", u, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".backup.db.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestBackupThroughSocket runs the commands while a server holds the store
// open (and its file lock): they must go through the admin socket.
func TestBackupThroughSocket(t *testing.T) {
	dir := t.TempDir()
	db := mustStoreWithUser(t, dir)
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	sock := filepath.Join(dir, "admin.sock")
	go func() {
		done <- admin.Serve(ctx, sock, db, noFollow{}, slog.New(slog.DiscardHandler))
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("admin.Serve: %v", err)
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("admin socket never answered")
		}
		time.Sleep(5 * time.Millisecond)
	}

	file := filepath.Join(t.TempDir(), "backup.db")
	// An older backup at the same path is replaced whole.
	if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runMain(t, "backup", "--data", dir, "--out", file)
	if err != nil || !strings.Contains(out, "from the running server") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	mustOpenBackup(t, file)

	if _, err := runMain(t, "user", "block", "alice", "--data", dir); err != nil {
		t.Fatalf("block: %v", err)
	}
	if _, err := db.Session(context.Background(), "s1"); beforetrip.ErrorCode(err) != beforetrip.EUNAUTHENTICATED {
		t.Errorf("session after block over the socket: %v, want unauthenticated", err)
	}
	_, err = runMain(t, "user", "set-role", "nobody", "admin", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), "user not found") {
		t.Errorf("set-role of unknown user: %v", err)
	}
}

func TestBackupUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no out", []string{"backup", "--data", dir}, 2, "--out"},
		{"extra arg", []string{"backup", "--data", dir, "--out", "x", "y"}, 2, "unexpected"},
		{"no subcommand", []string{"user", "--data", dir}, 2, "usage"},
		{"bad role", []string{"user", "set-role", "alice", "root", "--data", dir}, 2, "unknown role"},
		{"block without name", []string{"user", "block", "--data", dir}, 2, "usage"},
		{"no store", []string{"user", "block", "alice", "--data", dir}, 1, "no store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runMain(t, tt.args...)
			if err == nil || exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v (exit %d), want exit %d mentioning %q", err, exitCode(err), tt.code, tt.want)
			}
		})
	}
}
