package live_test

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/live"
	"github.com/gofiber/fiber/v2"
)

// rawGet sends one request line exactly as given (no client-side
// normalizing of "//", "\" or "..") and returns the response.
func rawGet(t *testing.T, base, target string) *http.Response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte("GET " + target + " HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	res.Body.Close()
	return res
}

// TestAttackStaticRedirects asks for folders without their trailing slash
// through paths that smuggle another host: the "/" redirect must stay on
// this site. Browsers read a Location starting with "//" or "/\" as
// another host (an open redirect, usable for phishing from our domain).
func TestAttackStaticRedirects(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"countries/japan/index.html", "tags/맛집/index.html", "404.html"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", live.Static(dir))
	base := MustServe(t, app, nil)
	tests := []struct{ target, want string }{
		{"/countries", "/countries/"},
		{"/countries?x=1", "/countries/?x=1"},
		{"/tags/%EB%A7%9B%EC%A7%91", "/tags/%EB%A7%9B%EC%A7%91/"},
		{"//countries", "/countries/"},
		{"//evil.example/%2e%2e/countries", "/countries/"},
		{"//evil.example/../countries", "/countries/"},
		{`/\evil.example/../countries`, "/countries/"},
		{"/%5Cevil.example/../countries", "/countries/"},
		{"/%2F%2Fevil.example/..%2F..%2Fcountries", "/countries/"},
		{"///evil.example/../../countries", "/countries/"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			res := rawGet(t, base, tt.target)
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusMovedPermanently {
				t.Fatalf("status %d, Location %q", res.StatusCode, loc)
			}
			u, err := url.Parse(strings.ReplaceAll(loc, `\`, "/")) // as a browser reads it
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Fatalf("Location %q leaves the site", loc)
			}
			if loc != tt.want {
				t.Errorf("Location %q, want %q", loc, tt.want)
			}
		})
	}
}
