package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/beforetrip/beforetrip/live"
	"github.com/beforetrip/beforetrip/watch"
)

// serveOptions are serve's flags resolved against the config.
type serveOptions struct {
	cfg             *Config
	load            func() (*Config, error) // re-reads the config file
	cfgFile         string                  // the config file the watcher follows
	addr            string
	outDir, dataDir string // absolute
	storeURL        string
	drafts, future  bool
}

// parseServe reads serve's flags and the config they name.
func parseServe(args []string, stderr io.Writer) (*serveOptions, error) {
	fs := newFlagSet("serve", "serve [--config FILE] [--addr HOST:PORT] [--data DIR] [--store URL] [--out DIR] [--drafts] [--future]", stderr)
	load := configFlag(fs)
	addr := fs.String("addr", "", "listen on `HOST:PORT` (default: server.addr, 127.0.0.1:1313)")
	dataFlag := fs.String("data", "", "store and secrets `DIR` (default: data_dir)")
	storeFlag := fs.String("store", "", "store `URL`: bbolt:PATH or postgres://… (default: store.url, else bbolt in the data folder)")
	outFlag := fs.String("out", "", "output `DIR` (default: out_dir)")
	drafts := fs.Bool("drafts", false, "build draft pages too")
	future := fs.Bool("future", false, "publish tips and reviews dated in the future now (previews)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	cfg, err := load()
	if err != nil {
		return nil, err
	}
	o := &serveOptions{cfg: cfg, load: load, addr: *addr, drafts: *drafts, future: *future, storeURL: storeURL(*storeFlag, cfg),
		cfgFile: filepath.Join(cfg.Dir, filepath.Base(fs.Lookup("config").Value.String()))}
	if o.outDir, err = absFlag(*outFlag, cfg, cfg.OutDir); err != nil {
		return nil, err
	}
	if o.dataDir, err = absFlag(*dataFlag, cfg, cfg.DataDir); err != nil {
		return nil, err
	}
	if o.addr == "" {
		o.addr = cfg.Server.Addr
	}
	return o, nil
}

// runServe is `beforetrip serve`: the all-in-one local server. It builds the
// site with the live-reload script, rebuilds on every save under content/
// and themes/ and on config changes, rebuilds on likes, comments and reader
// reviews, and serves the site, the API and /_live/ on one port.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	cfg, load, outDir, dataDir := o.cfg, o.load, o.outDir, o.dataDir
	logger := cfg.Logger(stderr)

	// Bind first: a port in use should fail before a long build.
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("serve: data folder: %w", err)
	}
	secret, err := serveSecret(cfg, dataDir)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Links use the address actually served, unless base_url names another
	// site on purpose. The builder takes its config from reload, at start
	// and after each config change.
	// The API's mailed links (reset, verify, replies) follow too.
	var baseNote string
	cfg.BaseURL, baseNote = previewBaseURL(cfg.BaseURL, ln.Addr())
	reload := func() (*Config, error) {
		c, err := load()
		if err == nil {
			c.BaseURL, _ = previewBaseURL(c.BaseURL, ln.Addr())
		}
		return c, err
	}
	hub := live.NewHub()
	site, err := openLiveSite(liveOptions{
		command: "serve", served: servedURL(ln.Addr()),
		cfg: cfg, reload: reload, outDir: outDir, dataDir: dataDir, storeURL: o.storeURL, secret: secret,
		drafts: o.drafts, future: o.future, liveReload: true, log: logger, terminal: stdout,
		hooks: []func(live.Result){func(r live.Result) { hub.Built(r.Changed(), r.DataOnly(), r.Err) }},
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	app := site.api.App()
	hub.Mount(app)
	app.Get("/*", live.Static(outDir, live.WithLiveReload()))

	w, err := watch.New([]string{cfg.Path(cfg.ContentDir), cfg.Path(cfg.ThemeDir)}, o.cfgFile,
		func(b watch.Batch) { feedWorker(site.worker, b) }, watch.WithLogger(logger))
	if err != nil {
		site.close()
		return fmt.Errorf("serve: %w", err)
	}
	banner := fmt.Sprintf("beforetrip serving %s (site, API, live reload)\n%s", servedURL(ln.Addr()), baseNote)
	return site.run(ctx, ln, filepath.Join(dataDir, "admin.sock"), stdout, banner, hub.Close,
		func(ctx context.Context) {
			if err := w.Run(ctx); err != nil {
				logger.Error("watch", "err", err)
			}
		})
}

// previewBaseURL returns the base URL serve builds with, and a line saying
// why. A base_url on this machine (a loopback host, as the shipped
// http://127.0.0.1:1313/) stands for "where serve runs", so the address
// actually served replaces it: with --addr on another port, the feed, the
// sitemap and canonical links would otherwise point at a server that is not
// there. Any other base_url names the real site on purpose and is kept.
func previewBaseURL(configured string, served net.Addr) (base, note string) {
	here := servedURL(served)
	u, err := url.Parse(configured)
	if configured != "" && err == nil && !isLoopback(u.Hostname()) {
		return configured, fmt.Sprintf("base_url: %s (set in the config: feed, sitemap and canonical links point there, not here)", configured)
	}
	if configured == "" || configured == here {
		return here, fmt.Sprintf("base_url: %s (the address served)", here)
	}
	return here, fmt.Sprintf("base_url: %s (the address served, instead of the config's local %s)", here, configured)
}

// servedURL is the URL of the site served on addr; a wildcard address
// (0.0.0.0, [::]) is reached on this machine through loopback.
func servedURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// feedWorker queues a watcher batch on the rebuild worker.
func feedWorker(w *live.Worker, b watch.Batch) {
	switch {
	case b.Config:
		w.ConfigChanged(b.First)
	case b.Rescan:
		w.RebuildAll(b.First)
	}
	w.FilesChanged(b.Paths, b.First)
}
