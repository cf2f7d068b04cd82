package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/api"
	"github.com/beforetrip/beforetrip/store"
	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/valyala/fasthttp"
)

// The API benchmarks run the real API over a real bbolt file (fsync on) in
// this process and drive it over loopback HTTP with 64 concurrent clients,
// so `-cpuprofile` shows where the server's time goes. Request logging is
// on (JSON, discarded) as in `beforetrip api`. bench/api.sh measures the
// real binary instead.

const apiConns = 64

// BenchmarkAPIPages is GET /api/pages with 20 IDs, anonymous.
func BenchmarkAPIPages(b *testing.B) {
	srv := MustAPIServer(b)
	runClients(b, srv, func(r *rand.Rand, req *fasthttp.Request) {
		pick := make([]string, 20)
		for i := range pick {
			pick[i] = srv.escaped[r.IntN(len(srv.escaped))]
		}
		req.SetRequestURI(srv.url + "/api/pages?ids=" + strings.Join(pick, ","))
	})
}

// BenchmarkAPILikes is durable PUT /api/likes by 32 Bearer users on random pages.
func BenchmarkAPILikes(b *testing.B) {
	srv := MustAPIServer(b)
	srv.MustTokens(b, 32)
	runClients(b, srv, func(r *rand.Rand, req *fasthttp.Request) {
		req.SetRequestURI(srv.url + "/api/likes?page=" + srv.escaped[r.IntN(len(srv.escaped))])
		req.Header.SetMethod(fasthttp.MethodPut)
		req.Header.Set("Authorization", "Bearer "+srv.tokens[r.IntN(len(srv.tokens))])
	})
}

// runClients sends requests made by prepare from apiConns goroutines and
// reports req/s; any non-200 answer fails the benchmark.
func runClients(b *testing.B, srv *apiServer, prepare func(*rand.Rand, *fasthttp.Request)) {
	hc := &fasthttp.HostClient{Addr: strings.TrimPrefix(srv.url, "http://"), MaxConns: apiConns}
	var seed atomic.Uint64
	b.SetParallelism(max(1, apiConns/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(seed.Add(1), 7))
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		for pb.Next() {
			req.Reset()
			prepare(r, req)
			if err := hc.DoTimeout(req, resp, 10*time.Second); err != nil {
				b.Error(err)
				return
			}
			if resp.StatusCode() != 200 {
				b.Errorf("status %d: %.200s", resp.StatusCode(), resp.Body())
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// apiServer is a running API with page IDs and Bearer tokens to use.
type apiServer struct {
	url     string
	escaped []string // URL-escaped page IDs
	tokens  []string
}

// apiPages is the number of page IDs in the benchmark API's manifest.
const apiPages = 1000

// apiServer1 is the one API server of this test binary: password hashing
// makes users slow to create, and likes accumulate harmlessly.
var apiServer1 *apiServer

// MustAPIServer starts the API once per test binary and returns it.
func MustAPIServer(tb testing.TB) *apiServer {
	tb.Helper()
	if apiServer1 != nil {
		return apiServer1
	}
	dir, err := os.MkdirTemp("", "beforetrip-bench-api-")
	if err != nil {
		tb.Fatal(err)
	}
	cleanups = append(cleanups, func() { _ = os.RemoveAll(dir) })
	s := &apiServer{}
	m := beforetrip.Manifest{Version: beforetrip.ManifestVersion, Built: time.Now()}
	for i := range apiPages {
		country := fmt.Sprintf("country-%02d", i%50)
		section := []string{beforetrip.SectionTips, beforetrip.SectionReviews}[i%4/3]
		id := fmt.Sprintf("countries/%s/%s/page-%d", country, section, i)
		m.Pages = append(m.Pages, beforetrip.PageMeta{ID: id, Kind: beforetrip.KindTip, Title: id,
			URL: beforetrip.PageURL(id), Section: section, Country: country,
			Date: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%700)})
		s.escaped = append(s.escaped, url.QueryEscape(id))
	}
	data, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, beforetrip.ManifestFile), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"))
	if err != nil {
		tb.Fatal(err)
	}
	cleanups = append(cleanups, func() { _ = db.Close() })
	idx, err := api.NewPageIndex(dir, db)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := api.New(api.Config{
		JWTSecret: []byte(strings.Repeat("k", 32)),
		BaseURL:   "http://127.0.0.1/",
		Logger:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}, api.ServicesOf(db, idx))
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = srv.App().Listener(ln) }()
	cleanups = append(cleanups, func() { _ = srv.App().Shutdown() })
	s.url = "http://" + ln.Addr().String()
	apiServer1 = s
	return s
}

// MustTokens makes sure the server has n users with Bearer tokens.
func (s *apiServer) MustTokens(tb testing.TB, n int) {
	tb.Helper()
	for i := len(s.tokens); i < n; i++ {
		s.tokens = append(s.tokens, harness.NewClient(s.url, 0).MustRegister(tb, fmt.Sprintf("benchuser%03d", i), "bench passphrase 2026"))
	}
}
