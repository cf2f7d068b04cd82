package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// slowConns is how many idle connections TestNginxSlowClients holds open
// from one address: 2,050 took the shipped config down (issue 12).
const slowConns = 2500

// raiseFileLimit lifts this process's open-file limit to its hard limit
// (and, as root, the hard limit too): the test holds slowConns sockets.
// nginx, started after, inherits it.
func raiseFileLimit(tb testing.TB, need uint64) {
	tb.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		tb.Fatal(err)
	}
	if lim.Max < need {
		lim.Max = need // only root may; the error below says so otherwise
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		tb.Fatalf("open-file limit: need %d: %v", need, err)
	}
}

// from returns an HTTP client whose connections leave from the loopback
// address ip, so nginx sees another client than the attacker's.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

// TestNginxSlowClients: with deploy/nginx.conf, slowConns connections from
// one address that send half a request and then nothing (slowloris) do not
// stop nginx from serving another client, pages and API alike; nginx
// closes them after client_header_timeout. One address sending requests
// fast gets JSON 429s from the API's stricter rate limit while the other
// client is still served.
func TestNginxSlowClients(t *testing.T) {
	harness.MustNginx(t)
	raiseFileLimit(t, 2*slowConns+1024)
	public, apiPort := tinySite(t), echoUpstream(t)
	base := harness.StartNginx(t, public, apiPort)
	addr := strings.TrimPrefix(base, "http://")

	attacker := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 10 * time.Second}
	conns := make([]net.Conn, 0, slowConns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < slowConns; i++ {
		c, err := attacker.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
		conns = append(conns, c)
		if _, err := fmt.Fprintf(c, "GET /?%d HTTP/1.1\r\nHost: x\r\n", i); err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
	}
	start := time.Now()
	reader := from("127.0.0.3")
	for _, path := range []string{"/", "/api/healthz"} {
		resp, err := reader.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s with %d slow connections open: %v", path, slowConns, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s with %d slow connections open: status %d", path, slowConns, resp.StatusCode)
		}
	}
	t.Logf("%d slow connections open; another client served in %v", slowConns, time.Since(start))

	// nginx closes the slow ones: client_header_timeout is 10 s.
	for _, c := range []net.Conn{conns[0], conns[slowConns/2], conns[slowConns-1]} {
		_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
		if _, err := io.ReadAll(c); err != nil && !strings.Contains(err.Error(), "reset") {
			t.Errorf("a slow connection was not closed by nginx: %v", err)
		}
	}

	// Request rate: 200 quick API requests from one address meet the JSON
	// 429; the other client is still served.
	flood := from("127.0.0.4")
	limited := 0
	for i := 0; i < 200; i++ {
		resp, err := flood.Get(base + "/api/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if !strings.Contains(string(body), `"rate_limited"`) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("429 answer %q (%s), want the JSON error", body, resp.Header.Get("Content-Type"))
			}
		}
	}
	if limited == 0 {
		t.Fatal("200 API requests in a row from one address were never limited")
	}
	resp, err := reader.Get(base + "/api/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("another client during the flood: status %d", resp.StatusCode)
	}
	t.Logf("%d of 200 rapid API requests from one address got 429", limited)
}

// TestNginxClientKey checks the key of deploy/nginx.conf's per-client
// limits: an IPv4 address is itself, an IPv6 address is its /64, from
// nginx's compressed notation. The test reads the address from a request
// header instead of the peer, which is always 127.0.0.1 here.
func TestNginxClientKey(t *testing.T) {
	harness.MustNginx(t)
	base := harness.StartNginx(t, tinySite(t), echoUpstream(t),
		[2]string{"map $remote_addr $bt_client {", "map $http_x_test_addr $bt_client {"},
		[2]string{"location = /404.html {", "location = /_key { return 200 \"$bt_client\"; }\n        location = /404.html {"})
	for addr, want := range map[string]string{
		"192.0.2.1":              "192.0.2.1",
		"::ffff:192.0.2.1":       "::ffff:192.0.2.1",
		"2001:db8:1:2:3:4:5:6":   "2001:db8:1:2",
		"2001:db8:1:2::5":        "2001:db8:1:2",
		"2001:db8:1:2::":         "2001:db8:1:2",
		"2001:db8:1:3:ffff::1":   "2001:db8:1:3",
		"2001:db8:1::5":          "2001:db8:1::",
		"2001:db8::1":            "2001:db8::",
		"::1":                    "::",
		"fe80::1:2:3:4":          "fe80::",
		"2001:db8:aaaa:bbbb:c::": "2001:db8:aaaa:bbbb",
	} {
		req, _ := http.NewRequest("GET", base+"/_key", nil)
		req.Header.Set("X-Test-Addr", addr)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != want {
			t.Errorf("key of %s = %q, want %q", addr, got, want)
		}
	}
}
