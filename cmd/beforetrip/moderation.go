package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/build"
	"github.com/beforetrip/beforetrip/store"
)

// moderationUsage is the synopsis of `beforetrip moderation`.
const moderationUsage = `moderation queue [--kind pending|reported] |
moderation approve|reject|restore comment|review ID [--reason TEXT]   [--data DIR] [--config FILE]`

func runModeration(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, f := newAdminFlags("moderation", moderationUsage, stderr)
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	var call adminCall
	switch {
	case len(pos) == 1 && pos[0] == "queue":
		call, err = moderationQueue(*f.kind, stdout)
	case len(pos) == 3 && beforetrip.Decision(pos[0]).Valid():
		call, err = moderationDecide(pos, *f.reason, stdout)
	default:
		return usageError{errors.New("moderation: usage: beforetrip " + moderationUsage)}
	}
	if err != nil {
		return err
	}
	return runAdmin(ctx, "moderation "+strings.Join(pos, " "), f, call)
}

// moderationQueue lists the pending queue, the reported one or both.
func moderationQueue(kind string, stdout io.Writer) (adminCall, error) {
	kinds := []beforetrip.QueueKind{beforetrip.QueuePending, beforetrip.QueueReported}
	switch q := beforetrip.QueueKind(kind); q {
	case "":
	case beforetrip.QueuePending, beforetrip.QueueReported:
		kinds = []beforetrip.QueueKind{q}
	default:
		return adminCall{}, usageError{fmt.Errorf("moderation queue: unknown --kind %q (want pending or reported)", kind)}
	}
	list := func(get func(beforetrip.QueueKind) ([]beforetrip.QueueItem, error)) error {
		for _, k := range kinds {
			items, err := get(k)
			if err != nil {
				return err
			}
			printQueue(stdout, k, items)
		}
		return nil
	}
	return adminCall{
		remote: func(ctx context.Context, sock string) error {
			return list(func(k beforetrip.QueueKind) ([]beforetrip.QueueItem, error) { return admin.Queue(ctx, sock, k) })
		},
		local: func(ctx context.Context, db *store.DB, _ *localSite) error {
			return list(func(k beforetrip.QueueKind) ([]beforetrip.QueueItem, error) {
				var all []beforetrip.QueueItem
				cursor := ""
				for {
					page, err := db.Queue(ctx, k, cursor, 0)
					if err != nil {
						return nil, err
					}
					all = append(all, page.Items...)
					if cursor = page.Next; cursor == "" {
						return all, nil
					}
				}
			})
		},
	}, nil
}

// printQueue writes one line per item (the ID a decision takes, page,
// author, since when, the start of its text) and one per report.
func printQueue(w io.Writer, k beforetrip.QueueKind, items []beforetrip.QueueItem) {
	fmt.Fprintf(w, "%s: %d\n", k, len(items))
	for _, it := range items {
		var id uint64
		var author, text string
		if it.Comment != nil {
			id, author, text = it.Comment.ID, it.Comment.Author.Username, it.Comment.Body
		} else {
			id, author, text = it.Review.ID, it.Review.Author.Username, it.Review.Title
		}
		fmt.Fprintf(w, "  %s %d  %s  by %s  since %s  %q\n", it.Kind, id, it.Page, author,
			it.Since.UTC().Format("2006-01-02 15:04"), excerpt(text, 60))
		for _, r := range it.Reports {
			fmt.Fprintf(w, "    reported %s by %s", r.Reason, r.Reporter.Username)
			if r.Text != "" {
				fmt.Fprintf(w, ": %q", excerpt(r.Text, 60))
			}
			fmt.Fprintln(w)
		}
	}
}

// excerpt is the first n characters of s on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// moderationDecide applies approve, reject or restore to one item.
func moderationDecide(pos []string, reason string, stdout io.Writer) (adminCall, error) {
	d, kind := beforetrip.Decision(pos[0]), beforetrip.ItemKind(pos[1])
	id, err := strconv.ParseUint(pos[2], 10, 64)
	if !kind.Valid() || err != nil || id == 0 {
		return adminCall{}, usageError{fmt.Errorf("moderation %s: want comment|review ID, got %s %s", d, pos[1], pos[2])}
	}
	if _, err := beforetrip.ValidReason(reason); err != nil {
		return adminCall{}, usageError{fmt.Errorf("moderation %s: %s", d, beforetrip.ErrorMessage(err))}
	}
	done := func(how string) { fmt.Fprintf(stdout, "%s %d: %s; %s\n", kind, id, d, how) }
	return adminCall{
		remote: func(ctx context.Context, sock string) error {
			return then(admin.Decide(ctx, sock, kind, id, d, reason), func() { done("the running server rebuilds its page") })
		},
		local: func(ctx context.Context, db *store.DB, site *localSite) error {
			if err := site.prepare(); err != nil {
				return err
			}
			res, err := db.Decide(ctx, beforetrip.CLIActor, kind, id, d, reason)
			if err != nil {
				return err
			}
			how, err := site.rebuild(ctx, db, *res)
			return then(err, func() { done(how) })
		},
	}, nil
}

// localSite rebuilds the static site after a change made on the store file
// while no server runs (a running server rebuilds by itself).
type localSite struct {
	dataDir string
	loadCfg func() (*Config, error)
	stderr  io.Writer
	cfg     *Config
}

// prepare reads the site's config; it runs before the change, so that a
// change is never made that could not be rebuilt.
func (s *localSite) prepare() error {
	cfg, err := s.loadCfg()
	if err != nil {
		return fmt.Errorf("the site's config is needed to rebuild its pages: %w", err)
	}
	s.cfg = cfg
	return nil
}

// rebuild builds the whole site with the store's data, as serve and api do
// at start, when one of res changed what the public sees.
func (s *localSite) rebuild(ctx context.Context, db *store.DB, res ...beforetrip.ModResult) (string, error) {
	changed := false
	for i := range res {
		_, ok := res[i].Change()
		changed = changed || ok
	}
	if !changed {
		return "no page shows a change", nil
	}
	bc := s.cfg.buildConfig()
	bc.CacheDir = filepath.Join(s.dataDir, "cache", "images") // --data may differ from data_dir
	bc.RenderCacheDir = filepath.Join(s.dataDir, "cache", "render")
	b, err := build.New(bc, build.WithSiteData(db), build.WithLogger(slog.New(slog.NewTextHandler(s.stderr, nil))))
	if err != nil {
		return "", err
	}
	release, err := build.LockOutput(bc.OutDir, "a command-line moderation rebuild")
	if err != nil {
		return "", err
	}
	defer release()
	r, err := b.Build(ctx)
	if err != nil {
		return "", fmt.Errorf("the change is saved but the site did not rebuild (serve or api will at start): %w",
			contentError(err, s.stderr))
	}
	return fmt.Sprintf("site rebuilt in %s (%d files written)", bc.OutDir, len(r.Written)), nil
}
