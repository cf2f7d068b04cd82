//go:build unix

package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// LockOutput takes the output folder out for this process, named command
// in the message a second writer gets (serve adds where it serves, "serve
// at http://127.0.0.1:1313/"): build, serve and api each hold
// LockFile in it locked while they write there. A
// second writer would interleave its files with the first's, and a running
// API's next rebuild, made from the site it holds in memory, would undo
// what a `beforetrip build` published. The lock is the kernel's (flock):
// it goes with the process, however it ends, so a crash leaves none behind.
func LockOutput(out, command string) (release func(), err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	name := filepath.Join(out, LockFile)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("output folder: lock %s: %w", name, err)
		}
		holder := "another beforetrip process"
		if data, _ := os.ReadFile(name); len(data) > 0 {
			holder = strings.TrimSpace(string(data))
		}
		if strings.HasPrefix(command, "serve") && strings.HasPrefix(holder, "beforetrip serve") {
			// Two previews: the production advice (SIGHUP) does not fit.
			return nil, fmt.Errorf("another preview is running on %s: %s; use that one, stop it "+
				"(Ctrl-C in its terminal), or give this one its own folder and port: "+
				"beforetrip serve --out DIR --addr HOST:PORT", out, holder)
		}
		return nil, fmt.Errorf("%s is being written by %s; to rebuild under a running "+
			"`beforetrip api` send it SIGHUP (systemctl reload beforetrip), or stop it first", out, holder)
	}
	// Who holds it, for the message above (best effort: the lock is what counts).
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("beforetrip %s (pid %d)\n", command, os.Getpid())), 0)
	return func() { f.Close() }, nil
}
