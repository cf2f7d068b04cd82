package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/api"
	"github.com/beforetrip/beforetrip/store"
)

// MustAPI starts the real API over a real bbolt file on a loopback port,
// with a manifest of the given page IDs, and returns its URL, the manifest
// path and the store.
func MustAPI(tb testing.TB, ids []string) (string, string, *store.DB) {
	tb.Helper()
	dir := tb.TempDir()
	m := beforetrip.Manifest{Version: beforetrip.ManifestVersion, Built: time.Now()}
	for _, id := range ids {
		country, section, _ := beforetrip.SplitPageID(id)
		m.Pages = append(m.Pages, beforetrip.PageMeta{ID: id, Kind: beforetrip.KindTip, Title: id,
			URL: beforetrip.PageURL(id), Section: section, Country: country, Date: time.Now()})
	}
	data, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	manifest := filepath.Join(dir, beforetrip.ManifestFile)
	if err := os.WriteFile(manifest, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	idx, err := api.NewPageIndex(dir, db)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := api.New(api.Config{JWTSecret: []byte(strings.Repeat("s", 32)), BaseURL: "http://127.0.0.1/"}, api.ServicesOf(db, idx))
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	tb.Cleanup(func() { _ = srv.App().Shutdown() })
	return "http://" + ln.Addr().String(), manifest, db
}

// requestTimeout is the per-request timeout of the test's runs: the time
// the test has left. Registering hashes a password with argon2, which under
// -race on a busy 2-core machine took more than the tool's default 5 s, and
// the test failed with "POST /api/auth/register: timeout".
func requestTimeout(t *testing.T) string {
	if d, ok := t.Deadline(); ok {
		return max(time.Until(d), time.Second).Round(time.Second).String()
	}
	return "10m"
}

func TestLoad(t *testing.T) {
	ids := []string{"countries/japan", "countries/japan/tips/jr-pass", "countries/south-korea/tips/교통-팁",
		"countries/france/reviews/paris-in-five-days", "countries/italy/tips/trains"}
	url, manifest, db := MustAPI(t, ids)
	common := []string{"--url", url, "--conns", "3", "--duration", "300ms", "--warmup", "0", "--manifest", manifest,
		"--timeout", requestTimeout(t)}
	tests := []struct {
		name string
		args []string
	}{
		{"pages", []string{"--mode", "pages", "--ids", "4"}},
		{"pages with tokens", []string{"--mode", "pages", "--auth", "--users", "2", "--prefix", "reader"}},
		{"likes", []string{"--mode", "likes", "--users", "3"}},
		{"likes again with the same users", []string{"--mode", "likes", "--users", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			if err := run(context.Background(), append(common, tt.args...), &out, &errOut); err != nil {
				t.Fatalf("run: %v\n%s", err, errOut.String())
			}
			report := out.String()
			if !strings.Contains(report, "errors    0\n") || strings.Contains(report, "requests  0 ") {
				t.Errorf("report shows errors or no requests:\n%s", report)
			}
		})
	}
	t.Run("dump tokens", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "tokens.txt")
		var out, errOut strings.Builder
		if err := run(context.Background(), append(common, "--dump-tokens", file, "--users", "2", "--prefix", "wrk"), &out, &errOut); err != nil {
			t.Fatalf("run: %v\n%s", err, errOut.String())
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		tokens := strings.Fields(string(data))
		if len(tokens) != 2 {
			t.Fatalf("%d tokens written, want 2: %q", len(tokens), data)
		}
		c := newClient(options{URL: url, Conns: 1, Timeout: time.Minute})
		for _, tok := range tokens {
			if status, body, err := c.do("GET", "/api/auth/me", nil, tok); err != nil || status != 200 {
				t.Errorf("GET /api/auth/me with a dumped token: %d %s %v", status, body, err)
			}
		}
	})
	counts, err := db.PageCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var likes int64
	for _, c := range counts {
		likes += c.Likes
	}
	if likes == 0 || likes > 3*int64(len(ids)) {
		// More likes than (user, page) pairs means a repeated like was
		// counted twice: concurrent PUTs of one pair share a bbolt Batch.
		t.Errorf("likes counted = %d, want 1..%d (3 users × %d pages)", likes, 3*len(ids), len(ids))
	}
}

func TestMarkdownRow(t *testing.T) {
	s := &stats{elapsed: time.Second, status: map[int]int{200: 3, 500: 1},
		latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond, 4 * time.Millisecond}}
	var b strings.Builder
	s.markdownRow(&b, options{Mode: "likes", Conns: 8, Duration: time.Second})
	want := "| PUT /api/likes | 8 | 1s | 4 | 3.00 ms | 4.00 ms | 4.00 ms | 4.00 ms | 1 |\n"
	if got := b.String(); got != want {
		t.Errorf("markdownRow = %q, want %q", got, want)
	}
}
