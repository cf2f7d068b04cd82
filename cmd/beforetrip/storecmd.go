package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/pgstore"
	"github.com/beforetrip/beforetrip/store"
)

// runStore is `beforetrip store copy`: the migration path from the bbolt
// file to PostgreSQL.
func runStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "copy" {
		return usageError{errors.New("store: want store copy --from bbolt:PATH --to postgres://…")}
	}
	fs := newFlagSet("store copy", "store copy --from bbolt:PATH --to postgres://USER@HOST/DB", stderr)
	from := fs.String("from", "", "source store `URL` (bbolt:PATH; stop serve/api on it first)")
	to := fs.String("to", "", "destination `URL` (postgres://…, an empty database)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	fromKind, fromPath, err := parseStoreURL(*from, "")
	if err != nil || *from == "" || fromKind != storeBolt {
		return usageError{fmt.Errorf("store copy: --from must be bbolt:PATH (got %q)", redactURL(*from))}
	}
	toKind, toURL, err := parseStoreURL(*to, "")
	if err != nil || toKind != storePostgres {
		return usageError{fmt.Errorf("store copy: --to must be postgres://… (got %q)", redactURL(*to))}
	}
	src, err := store.Open(fromPath)
	if err != nil {
		return fmt.Errorf("store copy: %w (stop beforetrip serve or api on it first)", err)
	}
	defer src.Close()
	if err := src.Verify(); err != nil {
		return fmt.Errorf("store copy: the source does not pass its checks, fix it first: %w", err)
	}
	dump, err := src.Dump(ctx)
	if err != nil {
		return fmt.Errorf("store copy: %w", err)
	}
	dst, err := pgstore.Open(ctx, toURL)
	if err != nil {
		return fmt.Errorf("store copy: %w", err)
	}
	defer dst.Close()
	if err := dst.Load(ctx, dump); err != nil {
		return fmt.Errorf("store copy: %w", err)
	}
	if err := checkCopy(ctx, src, dst, dump.Tally()); err != nil {
		return fmt.Errorf("store copy: %w", err)
	}
	t := dump.Tally()
	fmt.Fprintf(stdout, "store copy: %d users, %d likes, %d comments, %d reviews, %d reports, %d locks, %d audit entries "+
		"copied to %s and verified (sessions were not copied: readers log in again)\n",
		t.Users, t.Likes, t.Comments, t.Reviews, t.Reports, t.Locks, t.Audit, dst.Path())
	return nil
}

// checkCopy compares what the destination holds with the source: the
// number of rows of each kind and every page's counters.
func checkCopy(ctx context.Context, src *store.DB, dst *pgstore.DB, want beforetrip.DumpTally) error {
	got, err := dst.Tally(ctx)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("the copy holds %+v, the source %+v", got, want)
	}
	srcCounts, err := src.PageCounts(ctx)
	if err != nil {
		return err
	}
	dstCounts, err := dst.PageCounts(ctx)
	if err != nil {
		return err
	}
	if !maps.Equal(srcCounts, dstCounts) {
		return fmt.Errorf("page counters differ: source %v, copy %v", srcCounts, dstCounts)
	}
	return nil
}
