package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/store"
)

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("user", "user set-role NAME ROLE | user block NAME [--data DIR] [--config FILE]", stderr)
	data := dataFlag(fs)
	loadCfg := configFlag(fs)
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 3 && pos[0] == "set-role":
		name, role := pos[1], beforetrip.Role(pos[2])
		if !role.Valid() {
			return usageError{fmt.Errorf("user set-role: unknown role %q (want reader, editor or admin)", role)}
		}
		dir, err := dataDir(*data, loadCfg)
		if err != nil {
			return err
		}
		err = withStore(ctx, dir,
			func(sock string) error { return admin.SetRole(ctx, sock, name, role) },
			func(db *store.DB) error { return db.SetRole(ctx, name, role) })
		if err != nil {
			return cliError("user set-role "+name, err)
		}
		fmt.Fprintf(stdout, "user %s: role set to %s\n", name, role)
	case len(pos) == 2 && pos[0] == "block":
		name := pos[1]
		dir, err := dataDir(*data, loadCfg)
		if err != nil {
			return err
		}
		err = withStore(ctx, dir,
			func(sock string) error { return admin.Block(ctx, sock, name) },
			func(db *store.DB) error { return db.BlockUser(ctx, name) })
		if err != nil {
			return cliError("user block "+name, err)
		}
		fmt.Fprintf(stdout, "user %s: blocked, all sessions revoked\n", name)
	default:
		return usageError{errors.New("user: usage: beforetrip user set-role NAME ROLE | beforetrip user block NAME")}
	}
	return nil
}

// dataFlag registers --data.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data `DIR` holding beforetrip.db (default: data_dir from the config)")
}

// dataDir is --data when given, else the config's data_dir.
func dataDir(flagValue string, loadCfg func() (*Config, error)) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	cfg, err := loadCfg()
	if err != nil {
		return "", err
	}
	return cfg.Path(cfg.DataDir), nil
}

// parseWithArgs parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseWithArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return nil, parseFlags(fs, rest)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	return pos, nil
}

// withStore runs remote against the admin socket of a running server in
// dir, or, when none answers, local against the store file opened directly.
// bbolt's lock keeps the two from ever writing the file at once.
func withStore(ctx context.Context, dir string, remote func(sock string) error, local func(*store.DB) error) error {
	err := remote(filepath.Join(dir, "admin.sock"))
	if !errors.Is(err, admin.ErrNoServer) {
		return err
	}
	path := filepath.Join(dir, "beforetrip.db")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no store at %s (run beforetrip serve or api with this data folder first, or pass --data): %w", path, err)
	}
	db, err := store.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(local(db), db.Close())
}

// cliError shows a domain error by its message alone (its code is for
// programs) and keeps other errors whole.
func cliError(op string, err error) error {
	var e *beforetrip.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%s: %s", op, e.Message)
	}
	return fmt.Errorf("%s: %w", op, err)
}
