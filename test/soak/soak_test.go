// Package soak runs the real `beforetrip api` (rebuild worker on) under a
// bounded mixed load and reports latency and memory. It is gated behind
// BEFORETRIP_SOAK=1 so `go test ./...` stays fast:
//
//	BEFORETRIP_SOAK=1 go test -count=1 -v ./test/soak
//
// BEFORETRIP_SOAK_DURATION (default 60s) sets how long the load runs.
package soak

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
	"github.com/beforetrip/beforetrip/test/harness"
)

// clients is how many concurrent users send requests, each waiting for
// its answer before the next (a closed loop).
const clients = 16

// window is the span of the per-window latency lines (does it degrade?).
const window = 10 * time.Second

// TestSoak sends reads, likes, unlikes, comments and reviews for the soak
// duration; it fails on any 5xx or transport error or if store.Verify
// finds the file inconsistent afterwards, and prints p50/p99 latency and
// the server's RSS at start and end as a Markdown table row.
func TestSoak(t *testing.T) {
	if os.Getenv("BEFORETRIP_SOAK") != "1" {
		t.Skip("set BEFORETRIP_SOAK=1 to run the 60 s soak test")
	}
	duration := 60 * time.Second
	if d, err := time.ParseDuration(os.Getenv("BEFORETRIP_SOAK_DURATION")); err == nil && d > 0 {
		duration = d
	}
	srv := harness.NewServer(t, harness.MustBinary(t))
	srv.MustBuildSite()
	srv.Start()
	site := srv.Pages(t)
	var pages, countries []string
	for _, kind := range []string{beforetrip.KindTip, beforetrip.KindReview, beforetrip.KindCountry} {
		for _, p := range site[kind] {
			pages = append(pages, p.ID)
			if kind == beforetrip.KindCountry {
				countries = append(countries, p.Country)
			}
		}
	}
	users := make([]*harness.Client, clients)
	for i := range users {
		users[i] = srv.MustAccount(t, fmt.Sprintf("soak%d", i))
	}
	rssStart := procStatus(t, srv.PID(), "VmRSS")

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	begin := time.Now()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		windows   = make([][]time.Duration, int(duration/window)+1) // latencies per 10 s
		statuses  = map[int]int{}
		failures  []string
		served    atomic.Int64
	)
	var wg sync.WaitGroup
	for i, c := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
			var mine []time.Duration
			perWindow := make([][]time.Duration, len(windows))
			for ctx.Err() == nil {
				method, path, body := pick(rng, pages, countries, i)
				t0 := time.Now()
				st, data, err := c.Do(context.Background(), method, path, body)
				el := time.Since(t0)
				served.Add(1)
				mine = append(mine, el)
				w := min(int(time.Since(begin)/window), len(perWindow)-1)
				perWindow[w] = append(perWindow[w], el)
				mu.Lock()
				statuses[st]++
				if err != nil || st >= 500 {
					failures = append(failures, fmt.Sprintf("%s %s: %d %.200s %v", method, path, st, data, err))
				}
				mu.Unlock()
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			for w := range perWindow {
				windows[w] = append(windows[w], perWindow[w]...)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	rssEnd, peak := procStatus(t, srv.PID(), "VmRSS"), procStatus(t, srv.PID(), "VmHWM")
	srv.Stop()
	db, err := store.Open(srv.Store(), store.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Verify(); err != nil {
		t.Errorf("store after the soak: %v", err)
	}
	db.Close()

	for w, ls := range windows {
		if len(ls) == 0 {
			continue
		}
		slices.Sort(ls)
		t.Logf("%3ds–%3ds: %6d requests, p50 %v, p99 %v", w*10, (w+1)*10, len(ls),
			ls[len(ls)/2].Round(10*time.Microsecond), ls[len(ls)*99/100].Round(10*time.Microsecond))
	}
	slices.Sort(latencies)
	n := len(latencies)
	if n == 0 {
		t.Fatal("no requests served")
	}
	t.Logf("statuses: %v", statuses)
	fmt.Printf("\n| duration | clients | requests | req/s | p50 | p99 | max | 5xx+errors | RSS start | RSS end | RSS peak |\n"+
		"|---|---|---|---|---|---|---|---|---|---|---|\n"+
		"| %s | %d | %d | %.0f | %s | %s | %s | %d | %d MiB | %d MiB | %d MiB |\n\n",
		duration, clients, n, float64(n)/duration.Seconds(), latencies[n/2].Round(10*time.Microsecond),
		latencies[n*99/100].Round(10*time.Microsecond), latencies[n-1].Round(time.Millisecond),
		len(failures), rssStart>>10, rssEnd>>10, peak>>10)
	for i, f := range failures {
		if i == 10 {
			t.Errorf("… %d more", len(failures)-10)
			break
		}
		t.Error(f)
	}
}

// pick chooses the next request: 70% reads, 30% writes.
func pick(rng *rand.Rand, pages, countries []string, who int) (method, path string, body any) {
	page := pages[rng.IntN(len(pages))]
	switch n := rng.IntN(100); {
	case n < 30:
		return "GET", "/api/page?id=" + url.QueryEscape(page), nil
	case n < 45:
		ids := make([]string, 0, 20)
		for range 20 {
			ids = append(ids, pages[rng.IntN(len(pages))])
		}
		return "GET", "/api/pages?ids=" + url.QueryEscape(strings.Join(ids, ",")), nil
	case n < 60:
		return "GET", "/api/comments?page=" + url.QueryEscape(page) + "&limit=50", nil
	case n < 65:
		return "GET", "/api/popular?limit=20", nil
	case n < 70:
		return "GET", "/api/reviews?country=" + url.QueryEscape(countries[rng.IntN(len(countries))]), nil
	case n < 82:
		return "PUT", "/api/likes?page=" + url.QueryEscape(page), nil
	case n < 90:
		return "DELETE", "/api/likes?page=" + url.QueryEscape(page), nil
	case n < 98:
		return "POST", "/api/comments", map[string]any{"page": page,
			"body": fmt.Sprintf("soak comment from %d, *%d*", who, rng.Int())}
	default:
		return "POST", "/api/reviews", map[string]any{"country": countries[rng.IntN(len(countries))],
			"title": fmt.Sprintf("Soak review %d", rng.Int()), "rating": 1 + rng.IntN(5), "body": "Fine trip."}
	}
}

// procStatus returns a kB field of /proc/PID/status: VmRSS (resident set
// size now) or VmHWM (its peak). RSS "start" is taken after the accounts
// logged in, so it includes argon2id's memory, which Go returns lazily.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
