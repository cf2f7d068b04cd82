package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// stats are the merged results of all workers for the measured period.
type stats struct {
	elapsed   time.Duration
	latencies []time.Duration // successful and failed requests alike
	status    map[int]int     // by HTTP status; 0 = transport error or timeout
	sample    string          // the first error seen, for the report
}

// drive runs o.Conns closed-loop workers for o.Warmup+o.Duration and
// returns what happened after the warm-up.
func drive(ctx context.Context, c *client, o options, ids, tokens []string) (*stats, error) {
	escaped := make([]string, len(ids))
	for i, id := range ids {
		escaped[i] = url.QueryEscape(id)
	}
	begin := time.Now()
	measureFrom := begin.Add(o.Warmup)
	end := measureFrom.Add(o.Duration)

	results := make([]*stats, o.Conns)
	var wg sync.WaitGroup
	for w := range o.Conns {
		wg.Go(func() {
			results[w] = worker(ctx, c, o, uint64(w), escaped, tokens, measureFrom, end)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total := &stats{elapsed: o.Duration, status: map[int]int{}}
	for _, r := range results {
		total.latencies = append(total.latencies, r.latencies...)
		for code, n := range r.status {
			total.status[code] += n
		}
		if total.sample == "" {
			total.sample = r.sample
		}
	}
	slices.Sort(total.latencies)
	return total, nil
}

// worker keeps one request in flight until end, recording requests that
// start at or after measureFrom.
func worker(ctx context.Context, c *client, o options, seed uint64, escaped, tokens []string, measureFrom, end time.Time) *stats {
	r := rand.New(rand.NewPCG(seed, 0x10ad))
	st := &stats{status: map[int]int{}, latencies: make([]time.Duration, 0, 1<<14)}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	pick := make([]string, o.IDs)
	for ctx.Err() == nil {
		start := time.Now()
		if !start.Before(end) {
			break
		}
		req.Reset()
		token := ""
		switch o.Mode {
		case "pages":
			for i := range pick {
				pick[i] = escaped[r.IntN(len(escaped))]
			}
			req.SetRequestURI(c.base + "/api/pages?ids=" + strings.Join(pick, ","))
			req.Header.SetMethod(fasthttp.MethodGet)
			if o.Auth {
				token = tokens[r.IntN(len(tokens))]
			}
		case "likes":
			req.SetRequestURI(c.base + "/api/likes?page=" + escaped[r.IntN(len(escaped))])
			req.Header.SetMethod(fasthttp.MethodPut)
			token = tokens[r.IntN(len(tokens))]
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		err := c.hc.DoTimeout(req, resp, o.Timeout)
		took := time.Since(start)
		if start.Before(measureFrom) {
			continue
		}
		st.latencies = append(st.latencies, took)
		code := 0
		if err == nil {
			code = resp.StatusCode()
		}
		st.status[code]++
		if st.sample == "" && (err != nil || code >= 300) {
			if err != nil {
				st.sample = err.Error()
			} else {
				st.sample = fmt.Sprintf("status %d: %.200s", code, resp.Body())
			}
		}
	}
	return st
}

func (s *stats) errors() int {
	n := 0
	for code, k := range s.status {
		if code < 200 || code >= 300 {
			n += k
		}
	}
	return n
}

func (s *stats) rps() float64 { return float64(len(s.latencies)) / s.elapsed.Seconds() }

// pct returns the p-th percentile latency (nearest rank).
func (s *stats) pct(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(s.latencies)))
	if i >= len(s.latencies) {
		i = len(s.latencies) - 1
	}
	return s.latencies[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func (s *stats) report(w io.Writer, o options) {
	fmt.Fprintf(w, "mode %s, %d conns, %v\n", o.Mode, o.Conns, o.Duration)
	fmt.Fprintf(w, "requests  %d (%.0f req/s)\n", len(s.latencies), s.rps())
	fmt.Fprintf(w, "latency   p50 %s  p90 %s  p99 %s  max %s\n", ms(s.pct(50)), ms(s.pct(90)), ms(s.pct(99)), ms(s.pct(100)))
	codes := make([]int, 0, len(s.status))
	for code := range s.status {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	fmt.Fprint(w, "status   ")
	for _, code := range codes {
		fmt.Fprintf(w, " %d×%d", code, s.status[code])
	}
	fmt.Fprintf(w, "\nerrors    %d\n", s.errors())
	if s.sample != "" {
		fmt.Fprintf(w, "first error: %s\n", s.sample)
	}
}

// markdownRow prints | mode | conns | duration | req/s | p50 | p90 | p99 | max | errors |.
func (s *stats) markdownRow(w io.Writer, o options) {
	what := "GET /api/pages (" + fmt.Sprint(o.IDs) + " ids)"
	if o.Mode == "likes" {
		what = "PUT /api/likes"
	}
	fmt.Fprintf(w, "| %s | %d | %v | %.0f | %s | %s | %s | %s | %d |\n", what, o.Conns, o.Duration,
		s.rps(), ms(s.pct(50)), ms(s.pct(90)), ms(s.pct(99)), ms(s.pct(100)), s.errors())
}
