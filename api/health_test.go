package api

import (
	"testing"
	"time"
)

// readyz follows the store: 200 while it answers, a JSON 503 once it is
// closed; healthz (liveness) stays 200 either way.
func TestReadyzFollowsTheStore(t *testing.T) {
	ts := MustServer(t)
	c := ts.client(t)
	c.do("GET", "/api/readyz", nil).want(t, 200, "")
	c.do("GET", "/api/healthz", nil).want(t, 200, "")
	if err := ts.DB.Close(); err != nil {
		t.Fatal(err)
	}
	r := c.do("GET", "/api/readyz", nil)
	r.want(t, 503, codeUnavailable)
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("503 Content-Type = %q, want application/json", ct)
	}
	c.do("GET", "/api/healthz", nil).want(t, 200, "")
}

// requestRecorder is a RequestObserver that keeps what it hears.
type requestRecorder struct{ seen chan [3]any }

func (r requestRecorder) ObserveRequest(method, route string, status int, _ time.Duration) {
	r.seen <- [3]any{method, route, status}
}

// The observer hears the route pattern, never the raw path.
func TestObserverGetsRoutePatterns(t *testing.T) {
	rec := requestRecorder{seen: make(chan [3]any, 10)}
	ts := MustServer(t, func(c *Config) { c.Observer = rec })
	c := ts.client(t)
	c.do("GET", "/api/reviews/4242", nil).want(t, 404, "not_found")
	c.do("GET", "/api/nope", nil).want(t, 404, "not_found")
	for _, want := range [][3]any{{"GET", "/api/reviews/:id", 404}, {"GET", "/api/*", 404}} {
		if got := <-rec.seen; got != want {
			t.Errorf("observed %v, want %v", got, want)
		}
	}
}
