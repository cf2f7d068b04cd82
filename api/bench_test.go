package api

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// benchClients is how many HTTP clients a like benchmark uses, and
// benchParallelism the goroutines per CPU (RunParallel): 8 per CPU keeps the
// server busy while clients wait on the network.
const (
	benchClients     = 16
	benchParallelism = 8
)

// reportRate adds requests per second to the benchmark's output.
func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkPages20 measures GET /api/pages with 20 IDs, as the widget asks
// on every list page, for a logged-in reader (liked flags included).
func BenchmarkPages20(b *testing.B) {
	ts := MustServer(b)
	var pages []beforetrip.PageMeta
	for i := 0; i < 20; i++ {
		pages = append(pages, beforetrip.PageMeta{ID: fmt.Sprintf("countries/japan/tips/t%02d", i),
			Kind: beforetrip.KindTip, Section: "tips", Country: "japan"})
	}
	MustManifest(b, dirOf(ts), append(testPages, pages...))
	if err := ts.Index.Reload(); err != nil {
		b.Fatal(err)
	}
	c := ts.MustBearer(b, "reader")
	ids := make([]string, len(pages))
	for i, p := range pages {
		ids[i] = p.ID
		if i%3 == 0 {
			c.do("PUT", pagePath(p.ID), nil).want(b, 200, "")
		}
	}
	path := "/api/pages?ids=" + q(strings.Join(ids, ","))
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := c.do("GET", path, nil); r.Status != 200 {
				b.Errorf("status %d", r.Status)
			}
		}
	})
	reportRate(b)
}

// BenchmarkLikePut measures PUT /api/likes with every client alternating
// like and unlike, so each request is a real, durable (fsync'd) write
// coalesced by bbolt's Batch.
func BenchmarkLikePut(b *testing.B) {
	ts := MustServer(b)
	clients := make([]*client, benchClients)
	for i := range clients {
		clients[i] = ts.MustBearer(b, fmt.Sprintf("liker%02d", i))
	}
	var next atomic.Int32
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := clients[int(next.Add(1)-1)%len(clients)]
		path := pagePath("countries/japan/tips/jr-pass")
		for i := 0; pb.Next(); i++ {
			method := "PUT"
			if i%2 == 1 {
				method = "DELETE"
			}
			if r := c.do(method, path, nil); r.Status != 200 {
				b.Errorf("status %d: %s", r.Status, r.Body)
			}
		}
	})
	reportRate(b)
}
