package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape fetches the metrics of the server whose start log names their
// address, and returns each sample line's value by its name and labels.
func scrape(tb testing.TB, s *testServer) map[string]float64 {
	tb.Helper()
	// api's log reaches stderr through a buffer flushed every so often.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(s.stderr.String(), "beforetrip: started") &&
		time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	m := regexp.MustCompile(`metrics"?[=:]"?([0-9.:]+)`).FindStringSubmatch(s.lastLogLine(tb, "beforetrip: started"))
	if m == nil {
		tb.Fatalf("no metrics address in the start log: %s", s.lastLogLine(tb, "beforetrip: started"))
	}
	resp, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		tb.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	samples := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		i := strings.LastIndexByte(line, ' ')
		if line == "" || line[0] == '#' || i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			tb.Fatalf("metrics line %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples
}

// TestServeMetrics scrapes a real `serve` after real requests and a like's
// real rebuild: request counts carry the route pattern (not the path), the
// builds their kind, the store calls their method, the backlog gauges are
// read, the process leads the rebuilds, and the Go and process collectors
// are there.
func TestServeMetrics(t *testing.T) {
	t.Setenv("BEFORETRIP_METRICS_ADDR", "127.0.0.1:0")
	s := MustStartServe(t)
	token := s.MustUser(t, "mia")
	const page = "countries/japan/tips/jr-pass"
	if code := s.api(t, "PUT", "/api/likes?page="+page, token, nil, nil); code != 200 {
		t.Fatalf("like: %d", code)
	}
	s.waitFor(t, "/popular/") // the like's incremental rebuild
	for range 3 {
		if code, _ := s.get(t, "/api/page?id="+page); code != 200 {
			t.Fatalf("GET /api/page: %d", code)
		}
	}
	if code, _ := s.get(t, "/api/reviews/4242"); code != 404 {
		t.Fatalf("GET /api/reviews/4242: %d, want 404", code)
	}
	if code, _ := s.get(t, "/api/readyz"); code != 200 {
		t.Fatalf("GET /api/readyz: %d", code)
	}
	got := scrape(t, s)
	const req = "beforetrip_http_request_duration_seconds_count"
	for _, tt := range []struct {
		series string
		min    float64
	}{
		{req + `{method="GET",route="/api/page",status="200"}`, 3},
		{req + `{method="PUT",route="/api/likes",status="200"}`, 1},
		{req + `{method="GET",route="/api/reviews/:id",status="404"}`, 1},
		{req + `{method="GET",route="/api/readyz",status="200"}`, 1},
		{req + `{method="POST",route="/api/auth/register",status="201"}`, 1},
		{`beforetrip_http_request_duration_seconds_bucket{method="PUT",route="/api/likes",status="200",le="+Inf"}`, 1},
		{`beforetrip_rebuild_duration_seconds_count{kind="full",result="ok"}`, 1},
		{`beforetrip_rebuild_duration_seconds_count{kind="incremental",result="ok"}`, 1},
		{`beforetrip_store_operation_duration_seconds_count{op="SetLike"}`, 1},
		{`beforetrip_store_operation_duration_seconds_count{op="PageStats"}`, 3},
		{`beforetrip_store_operation_duration_seconds_count{op="CountsOf"}`, 1},
		{`beforetrip_moderation_queue_items{queue="pending"}`, 0},
		{`beforetrip_moderation_queue_items{queue="reported"}`, 0},
		{`beforetrip_outbox_mails`, 0},
		{`beforetrip_rebuild_leader`, 1}, // on bbolt the one process rebuilds
		{`go_goroutines`, 1},
		{`process_cpu_seconds_total`, 0},
	} {
		v, ok := got[tt.series]
		if !ok || v < tt.min {
			t.Errorf("%s = %v (present %t), want at least %v", tt.series, v, ok, tt.min)
		}
	}
	for series := range got {
		if strings.Contains(series, "4242") || strings.Contains(series, "jr-pass") {
			t.Errorf("a raw path or ID became a label value: %s", series)
		}
	}
}

// TestAPIMetricsAndShutdownLog: `beforetrip api` serves metrics too, and
// logs its start and, when stopped, what it drained and what it left.
func TestAPIMetricsAndShutdownLog(t *testing.T) {
	t.Setenv("BEFORETRIP_METRICS_ADDR", "127.0.0.1:0")
	var s *testServer
	// Registered first, so it runs after MustStartAPI's cleanup stopped it.
	t.Cleanup(func() {
		line := s.lastLogLine(t, "beforetrip: stopped")
		for _, field := range []string{`"requests_drained":`, `"requests_cut":0`, `"rebuild_changes_left":`, `"outbox_mails_left":`} {
			if !strings.Contains(line, field) {
				t.Errorf("stop log lacks %s: %s", field, line)
			}
		}
		if !strings.Contains(s.stderr.String(), `"msg":"beforetrip: shutting down","in_flight_requests":`) {
			t.Errorf("no shutdown line with in_flight_requests in:\n%s", tail(s.stderr.String(), 2000))
		}
	})
	s, _ = MustStartAPI(t)
	if code, _ := s.get(t, "/api/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	got := scrape(t, s)
	if v := got[`beforetrip_http_request_duration_seconds_count{method="GET",route="/api/healthz",status="200"}`]; v != 1 {
		t.Errorf("healthz requests counted %v, want 1", v)
	}
	if v := got[`beforetrip_rebuild_duration_seconds_count{kind="full",result="ok"}`]; v != 1 {
		t.Errorf("full builds counted %v, want 1 (the one at start)", v)
	}
}

// TestLogLevel: log.level=warn drops the per-request info lines and keeps
// warnings; a level that is not one of the four is refused at start.
func TestLogLevel(t *testing.T) {
	t.Run("warn", func(t *testing.T) {
		t.Setenv("BEFORETRIP_LOG_LEVEL", "warn")
		s, _ := MustStartAPI(t)
		for range 3 {
			if code, _ := s.get(t, "/api/healthz"); code != 200 {
				t.Fatalf("healthz: %d", code)
			}
		}
		log := s.stderr.String()
		if strings.Contains(log, `"msg":"request"`) || strings.Contains(log, `"level":"INFO"`) {
			t.Errorf("info lines at log.level warn:\n%s", tail(log, 2000))
		}
		if !strings.Contains(log, `"level":"WARN"`) {
			t.Errorf("no warning (NO MAIL SERVER) at log.level warn:\n%s", tail(log, 2000))
		}
	})
	t.Run("bad", func(t *testing.T) {
		t.Setenv("BEFORETRIP_LOG_LEVEL", "loud")
		_, err := loadConfig(filepath.Join(t.TempDir(), "none.yaml"), false)
		if err == nil || !strings.Contains(err.Error(), "log.level") {
			t.Errorf("got %v, want an error naming log.level", err)
		}
	})
}
