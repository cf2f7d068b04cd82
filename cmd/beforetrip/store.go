package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/pgstore"
	"github.com/beforetrip/beforetrip/store"
)

// siteStore is what serve and api need of a store: every service
// interface, the admin socket's operations and the session purge. Both
// *store.DB (bbolt) and *pgstore.DB (PostgreSQL) are one.
type siteStore interface {
	beforetrip.Store
	beforetrip.StoreHealth
	admin.Store
	PurgeSessionsEvery(ctx context.Context, interval time.Duration, log *slog.Logger)
	Close() error
}

var (
	_ siteStore = (*store.DB)(nil)
	_ siteStore = (*pgstore.DB)(nil)
)

// storeKind is what a store.url names.
type storeKind int

const (
	storeBolt storeKind = iota
	storePostgres
)

// parseStoreURL checks store.url: "" (the bbolt file beforetrip.db in
// dataDir), "bbolt:PATH" or a postgres:// (postgresql://) URL. It returns
// the kind and the path or URL to open.
func parseStoreURL(raw, dataDir string) (storeKind, string, error) {
	switch {
	case raw == "":
		return storeBolt, filepath.Join(dataDir, "beforetrip.db"), nil
	case strings.HasPrefix(raw, "bbolt:"):
		path := strings.TrimPrefix(raw, "bbolt:")
		if path == "" {
			return 0, "", fmt.Errorf("store.url %q: bbolt: needs a file path (bbolt:data/beforetrip.db)", raw)
		}
		abs, err := filepath.Abs(path)
		return storeBolt, abs, err
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return storePostgres, raw, nil
	}
	return 0, "", fmt.Errorf("store.url %q: want bbolt:PATH or postgres://USER@HOST/DB", redactURL(raw))
}

// redactURL hides anything after a scheme's "//", which may hold a
// password, in messages.
func redactURL(raw string) string {
	if i := strings.Index(raw, "//"); i >= 0 {
		return raw[:i+2] + "…"
	}
	return raw
}

// openStore opens the store that store.url names (see parseStoreURL).
func openStore(ctx context.Context, raw, dataDir string) (siteStore, error) {
	kind, target, err := parseStoreURL(raw, dataDir)
	if err != nil {
		return nil, err
	}
	if kind == storePostgres {
		// A database that does not answer must not hang the start.
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return pgstore.Open(ctx, target)
	}
	db, err := store.Open(target)
	if err != nil {
		return nil, fmt.Errorf("%w (is another beforetrip serve or api running on this data folder?)", err)
	}
	return db, nil
}

// storeURL is --store if given, else store.url (BEFORETRIP_STORE_URL).
func storeURL(flagValue string, cfg *Config) string {
	if flagValue != "" {
		return flagValue
	}
	return cfg.Store.URL
}
