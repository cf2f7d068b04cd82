package admin

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// socketListener is the admin socket plus what is needed to remove it
// safely: only if the path still names our socket.
type socketListener struct {
	*net.UnixListener
	path string
	info os.FileInfo
}

// listen creates the socket at path with mode 0600 and no window in which
// it is reachable with looser permissions: it is bound inside a fresh 0700
// folder, chmodded there, then renamed over path (which also replaces a
// stale socket left by a crash).
func listen(path string) (*socketListener, error) {
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("admin: %s: another server is already listening there", path)
	}
	// A short name: socket paths are limited to 107 bytes.
	dir, err := os.MkdirTemp(filepath.Dir(path), ".a")
	if err != nil {
		return nil, fmt.Errorf("admin: socket folder: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("admin: listen: %w", err)
	}
	// The file moves, so net must not unlink the old name on Close: remove
	// does it for the real one.
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("admin: chmod socket: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		l.Close()
		return nil, fmt.Errorf("admin: place socket at %s: %w", path, err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("admin: %w", err)
	}
	return &socketListener{UnixListener: l, path: path, info: info}, nil
}

// remove deletes the socket file unless another server has replaced it.
func (l *socketListener) remove() {
	l.Close()
	if info, err := os.Lstat(l.path); err == nil && os.SameFile(info, l.info) {
		os.Remove(l.path)
	}
}
