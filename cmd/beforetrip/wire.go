package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/admin"
	"github.com/beforetrip/beforetrip/api"
	"github.com/beforetrip/beforetrip/build"
	"github.com/beforetrip/beforetrip/live"
	"github.com/beforetrip/beforetrip/mail"
	"github.com/beforetrip/beforetrip/metrics"
	"github.com/beforetrip/beforetrip/pgstore"
)

// liveOptions are what serve and api decide before wiring the running site.
type liveOptions struct {
	command    string // "serve" or "api", named in the output folder's lock
	served     string // serve: the URL it serves, named in the lock too
	cfg        *Config
	reload     func() (*Config, error) // reads the config file again
	outDir     string                  // absolute
	dataDir    string                  // absolute
	storeURL   string                  // store.url or --store ("" = bbolt in dataDir)
	secret     []byte
	drafts     bool
	future     bool // publish future-dated pages now (previews)
	liveReload bool
	log        *slog.Logger
	// terminal shows the links of mails written to <data>/outbox when no
	// SMTP server is configured.
	terminal io.Writer
	// hooks run after each build, after the page index is reloaded.
	hooks []func(live.Result)
}

// newBuilder makes the worker's builders for the site of o over db.
func (o liveOptions) newBuilder(db beforetrip.SiteData) live.NewBuilder {
	contentDir, themeDir := o.cfg.Path(o.cfg.ContentDir), o.cfg.Path(o.cfg.ThemeDir)
	return func() (*build.Builder, error) {
		// Re-read the config file: this runs at start and after it changed.
		// The folders stay those the watcher watches; a change of them, of
		// addresses or of API settings needs a restart.
		c, err := o.reload()
		if err != nil {
			return nil, err
		}
		bc := c.buildConfig()
		bc.OutDir, bc.Drafts, bc.Future, bc.LiveReload = o.outDir, o.drafts, o.future, o.liveReload
		bc.CacheDir = filepath.Join(o.dataDir, "cache", "images") // --data may differ from data_dir
		bc.RenderCacheDir = filepath.Join(o.dataDir, "cache", "render")
		bc.ContentDir, bc.ThemeDir = contentDir, themeDir
		// Count rebuilds render on half the cores: during a like storm
		// they would otherwise take both cores of a small server from
		// the likes they are caused by (bench/RESULTS.md, issue 3).
		return build.New(bc, build.WithSiteData(db), build.WithLogger(o.log),
			build.WithDataRebuildWorkers(max(1, runtime.GOMAXPROCS(0)/2)))
	}
}

// liveSite is the running site shared by serve and api: the store, the
// rebuild worker that owns the builder, and the API whose notifier is the
// worker.
type liveSite struct {
	db     siteStore
	pages  *api.PageIndex
	worker *live.Worker
	api    *api.Server
	mail   *mail.Sender
	log    *slog.Logger
	// release lets go of the output folder (build.LockOutput; on
	// PostgreSQL the leader takes and releases it in lead).
	release func()
	command string // "serve" or "api", for the start log
	holder  string // who holds the output folder's lock, as its lock file says
	// pg is the store when it is PostgreSQL: the rebuild worker runs only
	// while this process is the rebuild leader (leader.go).
	pg *pgstore.DB
	// leading is true while the rebuild worker runs here: from start on
	// bbolt, while this process is the elected leader on PostgreSQL.
	leading   atomic.Bool
	outDir    string
	storeName string // store.url without secrets, for the start log
	// metrics and metricsLn are nil unless metrics.addr is set.
	metrics   *metrics.Metrics
	metricsLn net.Listener
}

// openLiveSite opens the store and wires the API to the rebuild worker. The
// worker is not running yet: see run.
func openLiveSite(o liveOptions) (*liveSite, error) {
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	holder, release, err := claimOutput(o)
	if err != nil {
		return nil, err
	}
	db, err := openStore(context.Background(), o.storeURL, o.dataDir)
	if err != nil {
		release()
		return nil, err
	}
	s := &liveSite{db: db, log: o.log, release: release, command: o.command, outDir: o.outDir,
		storeName: redactURL(o.storeURL), holder: holder}
	s.pg, _ = db.(*pgstore.DB)
	if s.storeName == "" {
		s.storeName = "bbolt:" + filepath.Join(o.dataDir, "beforetrip.db")
	}
	if s.pages, err = api.NewPageIndex(o.outDir, db); err != nil {
		s.close()
		return nil, err
	}
	svc, observer, err := s.openMetrics(o, db)
	if err != nil {
		s.close()
		return nil, err
	}
	s.worker = s.newWorker(o, svc)
	s.mail, err = mail.New(svc, mail.Config{
		SMTPURL: o.cfg.Mail.SMTPURL, From: o.cfg.MailFrom(),
		Dir: filepath.Join(o.dataDir, "outbox"), Terminal: o.terminal,
		Site: o.cfg.Title, Language: o.cfg.Language,
	}, mail.WithLogger(o.log))
	if err != nil {
		s.close()
		return nil, err
	}
	services := api.ServicesOf(svc, s.pages)
	services.Mail, services.Notifier, services.Health = s.mail, s.notifier(), db
	s.api, err = api.New(o.apiConfig(observer), services)
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// claimOutput names this process as the output folder's holder and, on
// bbolt, takes the folder's lock: this process is then its one writer, and
// a second serve or api on it is refused. On PostgreSQL only the rebuild
// leader writes it, and takes the lock while it leads (lead): release is
// then a no-op.
func claimOutput(o liveOptions) (holder string, release func(), err error) {
	holder = o.command
	if o.served != "" {
		holder += " at " + o.served
	}
	kind, _, err := parseStoreURL(o.storeURL, o.dataDir)
	if err != nil {
		return "", nil, err
	}
	release = func() {}
	if kind == storeBolt {
		if release, err = build.LockOutput(o.outDir, holder); err != nil {
			return "", nil, err
		}
	}
	return holder, release, nil
}

// openMetrics binds metrics.addr when it is set, before the first build so
// that a port in use fails at once. svc is the store the API, mail and
// builders use: db itself, or db counted by the metrics, which then
// observe requests too.
func (s *liveSite) openMetrics(o liveOptions, db siteStore) (svc metrics.Store, observer api.RequestObserver, err error) {
	// observer stays a nil interface without metrics: a nil *Metrics
	// would be a non-nil observer.
	addr := o.cfg.Metrics.Addr
	if addr == "" {
		return db, nil, nil
	}
	if s.metricsLn, err = net.Listen("tcp", addr); err != nil {
		return nil, nil, fmt.Errorf("metrics.addr: %w", err)
	}
	s.metrics = metrics.New(db, o.log)
	s.metrics.WatchLeader(s.leading.Load)
	return s.metrics.Store(db), s.metrics, nil
}

// newWorker makes the rebuild worker, whose builders read the site's data
// from svc. Its hooks, in order: hand the page index the builder's pages,
// count the rebuild in the metrics (when on), then o.hooks.
func (s *liveSite) newWorker(o liveOptions, svc metrics.Store) *live.Worker {
	hooks := []func(live.Result){func(r live.Result) {
		// The builder hands over its pages when it wrote the manifest
		// (pages added, removed or renamed); a like rebuild does not.
		if r.Err == nil && r.Build.Manifest != nil {
			s.pages.Set(r.Build.Manifest)
			s.announceBuilt()
		}
	}}
	if s.metrics != nil {
		hooks = append(hooks, func(r live.Result) { s.metrics.ObserveRebuild(r.Full, r.Err, r.Done.Sub(r.Started)) })
	}
	opts := []live.Option{
		live.WithDebounce(o.cfg.Rebuild.Debounce),
		live.WithMaxWait(o.cfg.Rebuild.MaxWait),
		live.WithLogger(o.log),
	}
	for _, h := range append(hooks, o.hooks...) {
		opts = append(opts, live.WithHook(h))
	}
	return live.NewWorker(o.newBuilder(svc), opts...)
}

// apiConfig maps the checked configuration onto the API's.
func (o liveOptions) apiConfig(observer api.RequestObserver) api.Config {
	return api.Config{
		CORSOrigins:    o.cfg.API.CORSOrigins,
		TrustedProxies: o.cfg.API.TrustedProxies,
		Limits:         o.cfg.LimitsOn(),
		ReadLimit:      o.cfg.API.ReadLimit,
		IPv6Prefix:     o.cfg.API.IPv6Prefix,
		Cookie: api.CookieConfig{
			Secure:   o.cfg.API.Cookies.Secure,
			SameSite: o.cfg.API.Cookies.SameSite,
			Domain:   o.cfg.API.Cookies.Domain,
		},
		JWTSecret:            o.secret,
		Moderation:           o.cfg.Comments.Moderation,
		ReviewModeration:     o.cfg.Reviews.Moderation,
		HideAfterReports:     o.cfg.Comments.HideAfterReports,
		EditWindow:           o.cfg.Comments.EditWindow,
		BaseURL:              o.cfg.BaseURL,
		RequireVerifiedEmail: o.cfg.Accounts.RequireVerifiedEmail,
		AllowedHosts:         o.allowedHosts(),
		Logger:               o.log,
		Observer:             observer,
	}
}

// close closes the store and lets go of the output folder (and the metrics
// listener, when run never served it).
func (s *liveSite) close() error {
	defer s.release()
	if s.metricsLn != nil {
		s.metricsLn.Close()
	}
	return s.db.Close()
}

// run serves ln until ctx ends: it starts the worker and waits for the
// first full build (so pages and the page index are current before the
// first request), the admin socket, and any extra tasks (the watcher).
// Shutdown order: stop accepting HTTP (after before(), which ends streams
// that would hold it up), let an in-flight build finish, close the store.
func (s *liveSite) run(ctx context.Context, ln net.Listener, socket string, stdout io.Writer,
	banner string, before func(), tasks ...func(context.Context)) error {
	// stop ends the worker, the watcher and the admin socket also when HTTP
	// fails on its own.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	s.startWorker(ctx, &wg, stdout)
	for _, t := range tasks {
		wg.Go(func() { t(ctx) })
	}
	// Logins leave sessions behind; those that can no longer be used go
	// once an hour (and at start).
	wg.Go(func() { s.db.PurgeSessionsEvery(ctx, time.Hour, s.log) })
	// Mails queued in the store's outbox (also those left by a previous
	// run) go out from here, off the request path.
	wg.Go(func() { s.mail.Run(ctx) })
	wg.Go(func() {
		if err := admin.Serve(ctx, socket, s.db, s.api, s.log); err != nil {
			s.log.Error("admin socket", "path", socket, "err", err)
		}
	})
	if s.metricsLn != nil {
		wg.Go(func() {
			if err := s.metrics.Serve(ctx, s.metricsLn); err != nil {
				s.log.Error("metrics", "addr", s.metricsLn.Addr().String(), "err", err)
			}
		})
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- s.api.App().Listener(ln) }()
	s.logStart(ln.Addr()) // before the banner: tests read the metrics address from it
	fmt.Fprintln(stdout, banner)

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		err = fmt.Errorf("http: %w", err)
	}
	stop()
	if before != nil {
		before()
	}
	inFlight := s.shutdownHTTP(ctx)
	wg.Wait()
	s.logStopped(ctx, inFlight)
	return errors.Join(err, s.close())
}

// serveSecret returns BEFORETRIP_JWT_SECRET, or the secret kept in
// <data>/jwt.secret, creating it (32 random bytes, hex, mode 0600) on first
// use so that sessions survive restarts of `serve`.
func serveSecret(cfg *Config, dataDir string) ([]byte, error) {
	if secret, err := cfg.jwtSecret(); err != nil || secret != nil {
		return secret, err
	}
	path := filepath.Join(dataDir, "jwt.secret")
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := api.CheckJWTSecret(data); err != nil {
			return nil, fmt.Errorf("%s: %w (delete it to make a new one)", path, err)
		}
		return data, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	var raw [32]byte
	rand.Read(raw[:])
	secret := []byte(hex.EncodeToString(raw[:]))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("jwt secret: %w", err)
	}
	return secret, nil
}

// absFlag returns the flag value made absolute, or the config's path when
// the flag was not given.
func absFlag(flagValue string, cfg *Config, cfgValue string) (string, error) {
	p := cfg.Path(cfgValue)
	if flagValue != "" {
		p = flagValue
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("path %s: %w", p, err)
	}
	return abs, nil
}

// allowedHosts are the host names `serve` answers besides IP addresses and
// localhost: base_url's and server.allowed_hosts. `api` answers any Host:
// it runs behind nginx, whose server_name decides.
func (o liveOptions) allowedHosts() []string {
	if o.command != "serve" {
		return nil
	}
	hosts := append([]string{}, o.cfg.Server.AllowedHosts...)
	if u, err := url.Parse(o.cfg.BaseURL); err == nil && u.Hostname() != "" {
		hosts = append(hosts, u.Hostname())
	}
	return append(hosts, "localhost")
}
