package admin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

// discard follows up nothing, for tests that do not watch rebuilds.
var discard = &changeLog{}

// MustServe opens a store with one user "alice" (and a session of hers) in
// a temporary data folder and serves it on admin.sock until the test ends.
func MustServe(tb testing.TB) (dir string, db *store.DB) {
	tb.Helper()
	dir = tb.TempDir()
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"))
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	u := &beforetrip.User{Username: "alice", Email: "alice@example.com"}
	if err := db.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	s := &beforetrip.Session{ID: "s1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)}
	if err := db.CreateSession(ctx, s); err != nil {
		tb.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	sock := filepath.Join(dir, "admin.sock")
	go func() { done <- Serve(sctx, sock, db, discard, slog.New(slog.DiscardHandler)) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			tb.Error("Serve did not return after cancel")
		}
		db.Close()
	})
	waitForSocket(tb, sock, done)
	return dir, db
}

// waitForSocket polls until a server answers on sock (or Serve failed).
func waitForSocket(tb testing.TB, sock string, done <-chan error) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			tb.Fatalf("Serve ended early: %v", err)
		default:
		}
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatal("admin socket never answered")
}

func TestSocketMode(t *testing.T) {
	dir, _ := MustServe(t)
	info, err := os.Stat(filepath.Join(dir, "admin.sock"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&os.ModeSocket == 0 || info.Mode().Perm() != 0o600 {
		t.Errorf("socket mode = %v, want a 0600 socket", info.Mode())
	}
	// listen removes its temporary folder as it returns, which may be just
	// after the socket first answered MustServe: wait for that, not longer.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		leftovers, _ := filepath.Glob(filepath.Join(dir, ".a*"))
		if len(leftovers) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("temporary socket folders left: %v", leftovers)
		}
	}
}

func TestSetRoleAndBlock(t *testing.T) {
	ctx := context.Background()
	dir, db := MustServe(t)
	sock := filepath.Join(dir, "admin.sock")
	if err := SetRole(ctx, sock, "ALICE", beforetrip.RoleEditor); err != nil {
		t.Fatal(err)
	}
	u, _ := db.UserByLogin(ctx, "alice")
	if u.Role != beforetrip.RoleEditor {
		t.Errorf("role = %q, want editor", u.Role)
	}
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"unknown user role", SetRole(ctx, sock, "bob", beforetrip.RoleAdmin), beforetrip.ENOTFOUND},
		{"bad role", SetRole(ctx, sock, "alice", "root"), beforetrip.EINVALID},
		{"unknown user block", Block(ctx, sock, "bob", 0, ""), beforetrip.ENOTFOUND},
		{"negative days", Block(ctx, sock, "alice", -1, ""), beforetrip.EINVALID},
		{"too many days", Block(ctx, sock, "alice", beforetrip.MaxBlockDays+1, ""), beforetrip.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := beforetrip.ErrorCode(tt.err); got != tt.code {
				t.Errorf("code = %q (%v), want %q", got, tt.err, tt.code)
			}
		})
	}
	if err := Block(ctx, sock, "alice", 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, "s1"); beforetrip.ErrorCode(err) != beforetrip.EUNAUTHENTICATED {
		t.Errorf("session after block: %v, want unauthenticated", err)
	}
}

func TestBackupOverSocket(t *testing.T) {
	ctx := context.Background()
	dir, _ := MustServe(t)
	var buf bytes.Buffer
	if err := Backup(ctx, filepath.Join(dir, "admin.sock"), &buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	copyDB, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if _, err := copyDB.UserByLogin(ctx, "alice"); err != nil {
		t.Errorf("backup lacks alice: %v", err)
	}
	if err := copyDB.Verify(); err != nil {
		t.Error(err)
	}
}

func TestNoServer(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "admin.sock")
	err := Block(context.Background(), sock, "alice", 0, "")
	if !errors.Is(err, ErrNoServer) {
		t.Errorf("Block without server: %v, want ErrNoServer", err)
	}
	if err := Backup(context.Background(), sock, io.Discard); !errors.Is(err, ErrNoServer) {
		t.Errorf("Backup without server: %v, want ErrNoServer", err)
	}
}

func TestStaleAndLiveSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "admin.sock")
	// A crashed server leaves its socket file behind.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, sock, db, discard, slog.New(slog.DiscardHandler)) }()
	waitForSocket(t, sock, done)

	// A second server must not steal a live socket.
	if err := Serve(context.Background(), sock, db, discard, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("second Serve on a live socket succeeded")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket left after shutdown: %v", err)
	}
}
