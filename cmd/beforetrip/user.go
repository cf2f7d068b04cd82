package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/store"
)

// userUsage is the synopsis of `beforetrip user`.
const userUsage = `user list [PREFIX] | user set-role NAME ROLE | user block NAME [--days N] [--reason TEXT] |
user unblock NAME | user purge NAME   [--data DIR] [--config FILE]`

// adminCall is one administrative action: remote through the admin socket
// of a running server, local on the store file (with the site's config,
// for actions that rebuild pages).
type adminCall struct {
	remote func(ctx context.Context, sock string) error
	local  func(ctx context.Context, db *store.DB, site *localSite) error
}

// userCommand is one subcommand of `beforetrip user`: how many positional
// arguments it takes and how it makes its call.
type userCommand struct {
	name     string
	min, max int // positional arguments after the name
	call     func(args []string, f *adminFlags, stdout io.Writer) (adminCall, error)
}

var userCommands = []userCommand{
	{"list", 0, 1, userList},
	{"set-role", 2, 2, userSetRole},
	{"block", 1, 1, userBlock},
	{"unblock", 1, 1, userUnblock},
	{"purge", 1, 1, userPurge},
}

// adminFlags are the flags of user and moderation.
type adminFlags struct {
	data    *string
	loadCfg func() (*Config, error)
	days    *int
	reason  *string
	kind    *string
	stderr  io.Writer // build messages of a local rebuild
}

func newAdminFlags(name, usage string, stderr io.Writer) (*flag.FlagSet, *adminFlags) {
	fs := newFlagSet(name, usage, stderr)
	f := &adminFlags{data: dataFlag(fs), loadCfg: configFlag(fs), stderr: stderr}
	f.days = fs.Int("days", 0, "block: for `N` days (0: for good)")
	f.reason = fs.String("reason", "", "block, reject: the reason the author is shown")
	f.kind = fs.String("kind", "", "moderation queue: pending or reported (default: both)")
	return fs, f
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, f := newAdminFlags("user", userUsage, stderr)
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	for _, c := range userCommands {
		if len(pos) == 0 || pos[0] != c.name {
			continue
		}
		if n := len(pos) - 1; n < c.min || n > c.max {
			break
		}
		call, err := c.call(pos[1:], f, stdout)
		if err != nil {
			return err
		}
		return runAdmin(ctx, "user "+strings.Join(pos, " "), f, call)
	}
	return usageError{errors.New("user: usage: beforetrip " + userUsage)}
}

// runAdmin makes call against the running server or the store file of the
// data folder.
func runAdmin(ctx context.Context, op string, f *adminFlags, call adminCall) error {
	dir, err := dataDir(*f.data, f.loadCfg)
	if err != nil {
		return err
	}
	err = withStore(ctx, dir, f.loadCfg, func(sock string) error { return call.remote(ctx, sock) },
		func(db *store.DB) error {
			return call.local(ctx, db, &localSite{dataDir: dir, loadCfg: f.loadCfg, stderr: f.stderr})
		})
	if err != nil {
		return cliError(op, err)
	}
	return nil
}

func userList(args []string, _ *adminFlags, stdout io.Writer) (adminCall, error) {
	prefix := ""
	if len(args) == 1 {
		prefix = args[0]
	}
	show := func(users []beforetrip.UserSummary) error { return printUsers(stdout, users) }
	return adminCall{
		remote: func(ctx context.Context, sock string) error {
			users, err := admin.Users(ctx, sock, prefix)
			if err != nil {
				return err
			}
			return show(users)
		},
		local: func(ctx context.Context, db *store.DB, _ *localSite) error {
			var all []beforetrip.UserSummary
			q := beforetrip.UserQuery{Prefix: prefix}
			for {
				page, err := db.Users(ctx, q)
				if err != nil {
					return err
				}
				all = append(all, page.Users...)
				if q.Cursor = page.Next; q.Cursor == "" {
					return show(all)
				}
			}
		},
	}, nil
}

// printUsers writes one line per user: name, role, block, creation date
// and counts.
func printUsers(w io.Writer, users []beforetrip.UserSummary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tBLOCKED\tCREATED\tCOMMENTS\tREVIEWS\tREPORTS")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", u.Username, u.Role, blockText(&u.User),
			u.CreatedAt.UTC().Format("2006-01-02"), u.Comments, u.Reviews, u.ReportsAgainst)
	}
	return tw.Flush()
}

// blockText says whether and until when a user is blocked, and why.
func blockText(u *beforetrip.User) string {
	if !u.Blocked {
		return "-"
	}
	s := "for good"
	if u.BlockedUntil != nil {
		s = "until " + u.BlockedUntil.UTC().Format("2006-01-02 15:04 UTC")
	}
	if u.BlockReason != "" {
		s += ": " + u.BlockReason
	}
	return s
}

func userSetRole(args []string, _ *adminFlags, stdout io.Writer) (adminCall, error) {
	name, role := args[0], beforetrip.Role(args[1])
	if !role.Valid() {
		return adminCall{}, usageError{fmt.Errorf("user set-role: unknown role %q (want reader, editor or admin)", role)}
	}
	done := func() { fmt.Fprintf(stdout, "user %s: role set to %s\n", name, role) }
	return adminCall{
		remote: func(ctx context.Context, sock string) error { return then(admin.SetRole(ctx, sock, name, role), done) },
		local: func(ctx context.Context, db *store.DB, _ *localSite) error {
			return then(db.ChangeRole(ctx, beforetrip.CLIActor, name, role), done)
		},
	}, nil
}

func userBlock(args []string, f *adminFlags, stdout io.Writer) (adminCall, error) {
	name, days, reason := args[0], *f.days, *f.reason
	// The same rule as the admin API, checked before anything is opened.
	b, err := beforetrip.BlockFor(time.Now(), days, reason)
	if err != nil {
		return adminCall{}, usageError{fmt.Errorf("user block: %s", beforetrip.ErrorMessage(err))}
	}
	done := func() {
		how := "for good"
		if b.Until != nil {
			how = "until " + b.Until.Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(stdout, "user %s: blocked %s, all sessions revoked\n", name, how)
	}
	return adminCall{
		remote: func(ctx context.Context, sock string) error {
			return then(admin.Block(ctx, sock, name, days, reason), done)
		},
		local: func(ctx context.Context, db *store.DB, _ *localSite) error {
			return then(db.Block(ctx, beforetrip.CLIActor, name, b), done)
		},
	}, nil
}

func userUnblock(args []string, _ *adminFlags, stdout io.Writer) (adminCall, error) {
	name := args[0]
	done := func() { fmt.Fprintf(stdout, "user %s: unblocked\n", name) }
	return adminCall{
		remote: func(ctx context.Context, sock string) error { return then(admin.Unblock(ctx, sock, name), done) },
		local: func(ctx context.Context, db *store.DB, _ *localSite) error {
			return then(db.Unblock(ctx, beforetrip.CLIActor, name), done)
		},
	}, nil
}

// userPurge removes a user's comments and reviews; the running server
// rebuilds the pages that showed them, or, with none running, the command
// rebuilds the site itself.
func userPurge(args []string, _ *adminFlags, stdout io.Writer) (adminCall, error) {
	name := args[0]
	done := func(r admin.PurgeResult, how string) {
		fmt.Fprintf(stdout, "user %s: %d comments and %d reviews removed; %s\n", name, r.Comments, r.Reviews, how)
	}
	return adminCall{
		remote: func(ctx context.Context, sock string) error {
			r, err := admin.Purge(ctx, sock, name)
			return then(err, func() { done(r, "the running server rebuilds their pages") })
		},
		local: func(ctx context.Context, db *store.DB, site *localSite) error {
			// The config is read first: a purge that could not rebuild
			// would leave pages showing what is gone.
			if err := site.prepare(); err != nil {
				return err
			}
			res, err := db.PurgeUser(ctx, beforetrip.CLIActor, name)
			if err != nil {
				return err
			}
			var r admin.PurgeResult
			for _, m := range res {
				if m.Comment != nil {
					r.Comments++
				} else {
					r.Reviews++
				}
			}
			how, err := site.rebuild(ctx, db, res...)
			return then(err, func() { done(r, how) })
		},
	}, nil
}

// then runs done when err is nil and returns err.
func then(err error, done func()) error {
	if err == nil {
		done()
	}
	return err
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
// bbolt's lock keeps the two from ever writing the file at once. When the
// configured store is PostgreSQL only a running server will do: a bbolt
// file left in dir (the source of a store copy) is stale.
func withStore(ctx context.Context, dir string, loadCfg func() (*Config, error), remote func(sock string) error, local func(*store.DB) error) error {
	err := remote(filepath.Join(dir, "admin.sock"))
	if !errors.Is(err, admin.ErrNoServer) {
		return err
	}
	if cfg, cerr := loadCfg(); cerr == nil {
		if kind, _, _ := parseStoreURL(cfg.Store.URL, dir); kind == storePostgres {
			return errors.New("store.url names PostgreSQL: run this while beforetrip api runs with this data folder " +
				"(it goes through its admin socket); without a server it is not supported yet")
		}
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
