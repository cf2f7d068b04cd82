// Package metrics exposes beforetrip's Prometheus metrics: API requests by
// route and status, rebuilds, store operations at the service interfaces,
// the outbox and moderation backlogs, and the Go runtime and process. It is
// the one package that imports client_golang; cmd wires it to the API (as
// its RequestObserver), the rebuild worker (a hook) and the store (wrapped
// services), and serves it on its own listen address (metrics.addr).
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Histogram buckets, in seconds. API reads take about 0.1 ms and a durable
// write one fsync (a few ms); builds take from milliseconds (one page) to
// a minute (a large site's full build).
var (
	requestBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	storeBuckets   = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
	rebuildBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
)

// Metrics holds the collectors of one process in its own registry (never
// the global one: tests run several servers in one process).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	rebuilds *prometheus.HistogramVec
	// storeOps holds an observer per service method, made at New and only
	// read afterwards, so the wrapped services look them up without a lock.
	storeOps map[string]prometheus.Observer

	// observers caches the request histogram's series by method, route
	// and status: a map lookup instead of client_golang's label hashing,
	// variadic slice and strconv on every request.
	mu        sync.RWMutex
	observers map[requestKey]prometheus.Observer
}

type requestKey struct {
	method, route string
	status        int
}

// New returns the metrics of one process; health is read on every scrape
// for the backlog gauges (errors are logged to log and the gauges left out
// of that scrape).
func New(health beforetrip.StoreHealth, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "beforetrip_http_request_duration_seconds",
			Help:    "API requests by method, route pattern and status, and how long they took.",
			Buckets: requestBuckets,
		}, []string{"method", "route", "status"}),
		rebuilds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "beforetrip_rebuild_duration_seconds",
			Help:    "Site builds by the rebuild worker: kind full or incremental, result ok or error.",
			Buckets: rebuildBuckets,
		}, []string{"kind", "result"}),
		observers: map[requestKey]prometheus.Observer{},
	}
	ops := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "beforetrip_store_operation_duration_seconds",
		Help:    "Calls to the store's service interfaces by method (op), and how long they took.",
		Buckets: storeBuckets,
	}, []string{"op"})
	m.storeOps = map[string]prometheus.Observer{}
	for _, op := range storeOpNames() {
		m.storeOps[op] = ops.WithLabelValues(op)
	}
	m.reg.MustRegister(m.requests, m.rebuilds, ops, newBacklogCollector(health, log),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchLeader adds the gauge beforetrip_rebuild_leader, read from leading
// on every scrape: 1 while this process runs the rebuild worker (always,
// on bbolt; on PostgreSQL while it is the elected leader), else 0. Summed
// over the instances of one database it must be 1: 0 means no instance
// rebuilds the pages.
func (m *Metrics) WatchLeader(leading func() bool) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "beforetrip_rebuild_leader",
		Help: "1 while this process runs the rebuild worker (the elected leader on PostgreSQL), else 0.",
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	}))
}

// ObserveRequest records one finished API request (api.RequestObserver).
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	k := requestKey{method, route, status}
	m.mu.RLock()
	o, ok := m.observers[k]
	m.mu.RUnlock()
	if !ok {
		o = m.newObserver(k)
	}
	o.Observe(d.Seconds())
}

// newObserver makes and caches the series of k. Its strings are cloned:
// the server may hand out strings that share a reused buffer.
func (m *Metrics) newObserver(k requestKey) prometheus.Observer {
	k.method, k.route = strings.Clone(k.method), strings.Clone(k.route)
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.observers[k]
	if !ok {
		o = m.requests.WithLabelValues(k.method, k.route, strconv.Itoa(k.status))
		m.observers[k] = o
	}
	return o
}

// ObserveRebuild records one build of the rebuild worker.
func (m *Metrics) ObserveRebuild(full bool, err error, d time.Duration) {
	kind, result := "incremental", "ok"
	if full {
		kind = "full"
	}
	if err != nil {
		result = "error"
	}
	m.rebuilds.WithLabelValues(kind, result).Observe(d.Seconds())
}

// observeStore records one call of a store service method.
func (m *Metrics) observeStore(op string, start time.Time) {
	m.storeOps[op].Observe(time.Since(start).Seconds())
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Serve answers GET /metrics on ln until ctx ends, then shuts down within
// a few seconds (a scrape is short).
func (m *Metrics) Serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("metrics: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}
