package api

import (
	"bytes"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func withLimits(c *Config) { c.Limits = true }

// limitedServer is a server with rate limits on and their clock stopped,
// so no bucket refills while a slow (-race) test spends its tokens.
func limitedServer(t *testing.T, opts ...func(*Config)) *testServer {
	t.Helper()
	stopped := time.Now()
	return mustServerSetup(t, func(s *Server) {
		s.limits = newLimits(func() time.Time { return stopped }, s.cfg.ReadLimit, s.svc.Logins)
	},
		append(opts, withLimits)...)
}

func trustLocalProxy(c *Config) { c.TrustedProxies = []string{" 127.0.0.0/8 "} }

func failLogin(c *client, name string, hdr ...string) *response {
	return c.do("POST", "/api/auth/login", map[string]string{"login": name, "password": "wrong password"}, hdr...)
}

func wantRetryAfter(t *testing.T, r *response) {
	t.Helper()
	wantRetryAfterUpTo(t, r, 3600)
}

// wantRetryAfterUpTo checks a 429 whose Retry-After is 1 to max seconds.
func wantRetryAfterUpTo(t *testing.T, r *response, max int) {
	t.Helper()
	r.want(t, 429, "rate_limited")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > max {
		t.Fatalf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
}

func TestLoginLimits(t *testing.T) {
	t.Run("per IP", func(t *testing.T) {
		ts := limitedServer(t)
		ts.MustUser(t, "victim")
		c := ts.client(t)
		for i := 0; i < 10; i++ {
			failLogin(c, fmt.Sprintf("name%d", i)).want(t, 401, "unauthenticated")
		}
		wantRetryAfter(t, failLogin(c, "another"))
		// Even the right password waits: the IP is locked out.
		wantRetryAfter(t, c.do("POST", "/api/auth/login", map[string]string{"login": "victim", "password": testPassword}))
	})
	t.Run("per name", func(t *testing.T) {
		ts := limitedServer(t, trustLocalProxy)
		c := ts.client(t)
		for i := 0; i < 10; i++ {
			failLogin(c, "target", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)).want(t, 401, "unauthenticated")
		}
		wantRetryAfter(t, failLogin(c, "TARGET", "X-Forwarded-For", "198.51.100.1"))
		failLogin(c, "someone-else", "X-Forwarded-For", "198.51.100.1").want(t, 401, "unauthenticated")
	})
	t.Run("parallel guesses", func(t *testing.T) {
		// 30 guesses at once: exactly 10 are checked, however they interleave.
		ts := limitedServer(t)
		ts.MustUser(t, "target")
		statuses := make([]int, 30)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Go(func() { statuses[i] = failLogin(ts.client(t), "target").Status })
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[401] != 10 || count[429] != 20 {
			t.Fatalf("statuses = %v, want 10×401 and 20×429", count)
		}
	})
	t.Run("successful logins are free", func(t *testing.T) {
		ts := limitedServer(t)
		ts.MustUser(t, "regular")
		c := ts.client(t)
		for i := 0; i < 15; i++ {
			c.do("POST", "/api/auth/login", map[string]string{"login": "regular", "password": testPassword}).want(t, 200, "")
		}
	})
}

// TestForwardedFor checks that X-Forwarded-For decides the client IP only
// when the peer (here 127.0.0.1) is a trusted proxy.
func TestForwardedFor(t *testing.T) {
	tests := []struct {
		name    string
		opts    []func(*Config)
		other   string // XFF of the 11th attempt
		limited bool
	}{
		{"trusted proxy: another client is not limited", []func(*Config){trustLocalProxy}, "203.0.113.99", false},
		{"trusted proxy: same client is limited", []func(*Config){trustLocalProxy}, "203.0.113.7", true},
		{"trusted proxy: right-most untrusted hop counts", []func(*Config){trustLocalProxy}, "203.0.113.99, 203.0.113.7", true},
		{"untrusted peer: header ignored", nil, "203.0.113.99", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := limitedServer(t, tt.opts...)
			c := ts.client(t)
			for i := 0; i < 10; i++ {
				failLogin(c, fmt.Sprintf("n%d", i), "X-Forwarded-For", "203.0.113.7").want(t, 401, "")
			}
			r := failLogin(c, "n-last", "X-Forwarded-For", tt.other)
			if tt.limited {
				wantRetryAfter(t, r)
			} else {
				r.want(t, 401, "unauthenticated")
			}
		})
	}
}

func TestRegistrationLimit(t *testing.T) {
	ts := limitedServer(t)
	for i := 0; i < 20; i++ {
		ts.MustUser(t, fmt.Sprintf("newbie%d", i))
	}
	r := ts.client(t).do("POST", "/api/auth/register", map[string]string{
		"username": "newbie99", "email": "n99@example.com", "password": testPassword})
	wantRetryAfter(t, r)
}

func TestWriteLimit(t *testing.T) {
	ts := limitedServer(t)
	c := ts.MustBearer(t, "busy")
	other := ts.MustBearer(t, "calm")
	for i := 0; i < 120; i++ {
		method := "PUT"
		if i%2 == 1 {
			method = "DELETE"
		}
		c.do(method, pagePath("countries/japan"), nil).want(t, 200, "")
	}
	wantRetryAfter(t, c.do("PUT", pagePath("countries/japan"), nil))
	other.do("PUT", pagePath("countries/japan"), nil).want(t, 200, "")
	c.do("GET", "/api/page?id=countries/japan", nil).want(t, 200, "") // reads are not limited
}

func TestBucketRefill(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newBucketSet(2, time.Minute, func() time.Time { return now }) // one token per 30 s
	for i := 0; i < 2; i++ {
		if w := b.take("k"); w != 0 {
			t.Fatalf("take %d waited %v", i, w)
		}
	}
	if w := b.take("k"); w != 30*time.Second {
		t.Fatalf("empty bucket wait = %v, want 30s", w)
	}
	if w := b.take("other"); w != 0 {
		t.Fatal("keys share a bucket")
	}
	now = now.Add(20 * time.Second)
	if w := b.check("k"); w != 10*time.Second {
		t.Fatalf("after 20 s wait = %v, want 10s", w)
	}
	now = now.Add(10 * time.Second)
	if w := b.take("k"); w != 0 {
		t.Fatalf("refilled bucket waited %v", w)
	}
	now = now.Add(2 * time.Minute)
	b.take("fresh")
	if _, ok := b.buckets["other"]; ok {
		t.Fatal("full buckets are not swept")
	}
}

func TestLimitsOffWarns(t *testing.T) {
	for _, on := range []bool{false, true} {
		var buf bytes.Buffer
		ts := MustServer(t)
		_, err := New(Config{JWTSecret: testSecret, BaseURL: "http://site.test/", Limits: on, Logger: slog.New(slog.NewTextHandler(&buf, nil))},
			ServicesOf(ts.DB, ts.Index))
		if err != nil {
			t.Fatal(err)
		}
		warned := strings.Contains(buf.String(), "level=WARN") && strings.Contains(buf.String(), "RATE LIMITS ARE OFF")
		if warned == on {
			t.Fatalf("limits %v: log %q", on, buf.String())
		}
	}
}
