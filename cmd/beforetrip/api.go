package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// runAPI is `beforetrip api`: the API for production, behind nginx, which
// serves the output folder. No watcher, no static files, no live reload;
// but likes, comment counts and reader reviews still rebuild the pages that
// show them, debounced, into --out (after a full build at start, so the
// page manifest and the baked counts are current).
func runAPI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("api", "api [--config FILE] [--addr HOST:PORT] [--data DIR] [--store URL] [--out DIR]", stderr)
	load := configFlag(fs)
	addr := fs.String("addr", "", "listen on `HOST:PORT` (default: api.addr, 127.0.0.1:8080)")
	dataFlag := fs.String("data", "", "store `DIR` (default: data_dir)")
	storeFlag := fs.String("store", "", "store `URL`: bbolt:PATH or postgres://… (default: store.url, else bbolt in the data folder)")
	outFlag := fs.String("out", "", "output `DIR` nginx serves (default: out_dir)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	secret, err := cfg.jwtSecret()
	if err != nil {
		return fmt.Errorf("api: %w; refusing to start", err)
	}
	if secret == nil {
		return errors.New("api: BEFORETRIP_JWT_SECRET is not set: it must hold at least 32 random bytes " +
			"(e.g. export BEFORETRIP_JWT_SECRET=$(openssl rand -hex 32)); refusing to start")
	}
	outDir, err := absFlag(*outFlag, cfg, cfg.OutDir)
	if err != nil {
		return err
	}
	dataDir, err := absFlag(*dataFlag, cfg, cfg.DataDir)
	if err != nil {
		return err
	}
	if *addr == "" {
		*addr = cfg.API.Addr
	}
	level, _ := cfg.LogLevel() // checked when the config was loaded
	logger, closeLog := newBufferedLogger(stderr, level)
	defer closeLog()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	defer ln.Close()
	site, err := openLiveSite(liveOptions{
		command: "api",
		cfg:     cfg, reload: load, outDir: outDir, dataDir: dataDir, storeURL: storeURL(*storeFlag, cfg),
		secret: secret, log: logger, terminal: stdout,
	})
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	if !site.mail.SMTP() {
		logger.Warn("api: NO MAIL SERVER: mail.smtp_url is not set, so password reset, verification and reply mails " +
			"are only written to " + filepath.Join(dataDir, "outbox") + " and never reach readers; " +
			"set mail.smtp_url (or BEFORETRIP_MAIL_SMTP_URL) in production")
	}
	// SIGHUP publishes editorial changes: the worker, the one writer of
	// --out, reads the config, content and theme again and makes a full
	// build (unchanged files are not rewritten). A second writer, such as
	// `beforetrip build` into --out, would be undone by the worker's next
	// data rebuild, made from the site it holds in memory. Registered
	// before the first build, so no hang-up is missed or kills the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloadOnHangup := func(ctx context.Context) {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				logger.Info("api: SIGHUP: reading config, content and theme again for a full build")
				site.hangUp()
			}
		}
	}
	banner := fmt.Sprintf("beforetrip api listening on http://%s/api/ (rebuilding %s)", ln.Addr(), outDir)
	return site.run(ctx, ln, filepath.Join(dataDir, "admin.sock"), stdout, banner, nil, reloadOnHangup)
}
