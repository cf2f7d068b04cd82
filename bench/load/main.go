// Command load drives the beforetrip API with many concurrent connections and
// reports throughput, latency percentiles and errors.
//
//	go run ./bench/load --url http://127.0.0.1:8080 --mode pages --conns 64 --duration 10s \
//	    --manifest bench/out/10000/public/.beforetrip-pages.json
//	go run ./bench/load --url http://127.0.0.1:8080 --mode likes --users 100 ...
//
// Modes: "pages" sends GET /api/pages?ids= with --ids random page IDs (what
// every list page's widget does); "likes" registers --users accounts (or
// reuses them), gets Bearer tokens from POST /api/auth/token (so no CSRF
// token is needed) and sends PUT /api/likes?page= for random (user, page)
// pairs, i.e. durable writes; "publish" has --users accounts like one page
// (--page, default the --manifest's first tip) one after another and
// after each waits until the built list --watch (e.g. public/popular/index.html)
// shows the new count: like -> page on disk. --dump-tokens writes the
// --users accounts' tokens, one a line, for bench/wrk/likes.lua. Run the
// API with BEFORETRIP_API_LIMITS=off.
//
// It uses fasthttp's client because on a small machine the load generator
// shares the CPUs with the server: a cheaper client leaves more for the API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "load:", err)
		}
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	URL      string
	Mode     string
	Conns    int
	Duration time.Duration
	Warmup   time.Duration
	Manifest string
	IDs      int
	Users    int
	Prefix   string
	Auth     bool
	Markdown bool
	Timeout  time.Duration
	DumpIDs  string
	Tokens   string
	Watch    string
	Page     string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "API base URL (without /api)")
	fs.StringVar(&o.Mode, "mode", "pages", "pages (GET /api/pages), likes (PUT /api/likes) or publish (like -> built page)")
	fs.IntVar(&o.Conns, "conns", 64, "concurrent connections, one request in flight each")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "measured run time")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "unmeasured run time before it")
	fs.StringVar(&o.Manifest, "manifest", "", "page-ID manifest (public/.beforetrip-pages.json); default: IDs from GET /api/popular")
	fs.IntVar(&o.IDs, "ids", 20, "page IDs per GET /api/pages request")
	fs.IntVar(&o.Users, "users", 100, "accounts that like pages (likes and publish modes, --dump-tokens, or pages mode with --auth)")
	fs.StringVar(&o.Prefix, "prefix", "loaduser", "username prefix; existing accounts with it are reused")
	fs.BoolVar(&o.Auth, "auth", false, "pages mode: send Bearer tokens (viewer-specific \"liked\")")
	fs.BoolVar(&o.Markdown, "md", false, "print one Markdown table row instead of the text report")
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Second, "per-request timeout (counted as an error)")
	fs.StringVar(&o.DumpIDs, "dump-ids", "", "write the URL-escaped page IDs to this file (for bench/wrk/pages.lua) and exit")
	fs.StringVar(&o.Tokens, "dump-tokens", "", "register --users accounts, write their Bearer tokens to this file (for bench/wrk/likes.lua) and exit")
	fs.StringVar(&o.Watch, "watch", "", "publish mode: the built list file that shows --page's count")
	fs.StringVar(&o.Page, "page", "", "publish mode: the page to like (default: the manifest's first tip)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.URL = strings.TrimRight(o.URL, "/")
	if o.Mode != "pages" && o.Mode != "likes" && o.Mode != "publish" {
		return fmt.Errorf("--mode %q: want pages, likes or publish", o.Mode)
	}
	if o.Mode == "publish" && o.Watch == "" {
		return errors.New("--mode publish needs --watch FILE")
	}
	if o.Conns < 1 || o.Duration <= 0 || o.IDs < 1 || o.IDs > 100 {
		return errors.New("--conns ≥ 1, --duration > 0 and 1 ≤ --ids ≤ 100 please")
	}

	c := newClient(o)
	if o.Mode == "publish" && o.Page == "" {
		page, err := firstTip(o.Manifest)
		if err != nil {
			return err
		}
		o.Page = page
	}
	ids, err := pageIDs(ctx, c, o.Manifest)
	if err != nil {
		return err
	}
	if o.DumpIDs != "" {
		return dumpIDs(o.DumpIDs, ids)
	}
	var tokens []string
	if o.Mode != "pages" || o.Auth || o.Tokens != "" {
		fmt.Fprintf(stderr, "load: preparing %d users...\n", o.Users)
		start := time.Now()
		if tokens, err = userTokens(ctx, c, o.Prefix, o.Users); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "load: %d tokens in %v\n", len(tokens), time.Since(start).Round(time.Millisecond))
	}
	if o.Tokens != "" {
		return writeLines(o.Tokens, tokens)
	}
	if o.Mode == "publish" {
		return publishLag(ctx, c, o, o.Page, tokens, stdout)
	}
	fmt.Fprintf(stderr, "load: %s, %d page IDs, %d conns, %v (+%v warm-up)\n", o.Mode, len(ids), o.Conns, o.Duration, o.Warmup)
	st, err := drive(ctx, c, o, ids, tokens)
	if err != nil {
		return err
	}
	if o.Markdown {
		st.markdownRow(stdout, o)
	} else {
		st.report(stdout, o)
	}
	return nil
}
