package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/store"
)

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "backup [--data DIR] [--config FILE] --out FILE", stderr)
	data := dataFlag(fs)
	out := fs.String("out", "", "backup `FILE` to write (replaced atomically)")
	loadCfg := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{errors.New("backup: --out FILE is required")}
	}
	dir, err := dataDir(*data, loadCfg)
	if err != nil {
		return err
	}
	via := "the running server"
	n, err := writeAtomic(*out, func(w io.Writer) error {
		return withStore(ctx, dir, loadCfg,
			func(sock string) error { return admin.Backup(ctx, sock, w) },
			func(db *store.DB) error {
				via = "the store file"
				_, err := db.Backup(w)
				return err
			})
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup: %d bytes from %s to %s\n", n, via, *out)
	return nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeAtomic writes a backup to a temporary file next to path, syncs it,
// checks that it opens as a store, and only then renames it over path: a
// failed or interrupted backup never replaces a good one.
func writeAtomic(path string, write func(io.Writer) error) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	fail := func(err error) (int64, error) {
		f.Close()
		os.Remove(tmp)
		return 0, err
	}
	cw := &countingWriter{w: f}
	if err := write(cw); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	check, err := store.Open(tmp)
	if err != nil {
		return fail(fmt.Errorf("the copy does not open: %w", err))
	}
	if err := check.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	// The rename is durable only once the folder is synced.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return cw.n, nil
}
