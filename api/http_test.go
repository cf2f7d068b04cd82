package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/gofiber/fiber/v2"
)

func TestRoutingErrorsAndHeaders(t *testing.T) {
	ts := MustServer(t)
	c := ts.client(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/healthz", 200, ""},
		{"GET", "/api/nope", 404, "not_found"},
		{"GET", "/api", 404, "not_found"},
		{"DELETE", "/api/healthz", 405, "method_not_allowed"},
		{"GET", "/api/likes", 405, "method_not_allowed"},
		{"POST", "/api/comments/12", 405, "method_not_allowed"},
		{"GET", "/api/comments/abc", 405, "method_not_allowed"},
		{"GET", "/api/reviews/abc", 404, "not_found"},
		{"GET", "/api/reviews/0", 404, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := c.do(tt.method, tt.path, nil)
			r.want(t, tt.status, tt.code)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			if tt.status == 405 && r.Header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
			for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "X-Request-Id"} {
				if r.Header.Get(h) == "" {
					t.Errorf("missing header %s", h)
				}
			}
			if r.Header.Get("Cross-Origin-Resource-Policy") == "same-origin" {
				t.Error("CORP same-origin would block the cross-origin widget")
			}
		})
	}
	r := c.do("GET", "/api/healthz", nil, "X-Request-ID", "abc-123")
	if string(r.Body) != `{"ok":true}` || r.Header.Get("X-Request-ID") != "abc-123" {
		t.Fatalf("healthz = %s, request id %q", r.Body, r.Header.Get("X-Request-ID"))
	}
	r = c.do("GET", "/api/healthz", nil, "X-Request-ID", "bad id\twith spaces")
	if id := r.Header.Get("X-Request-ID"); id == "" || strings.Contains(id, " ") {
		t.Fatalf("request id = %q, want a generated one", id)
	}
}

func TestPanicIsJSON500(t *testing.T) {
	ts := MustServer(t)
	c := ts.MustBearer(t, "pan")
	ts.panicNotify.Store(true)
	r := c.do("PUT", pagePath("countries/japan"), nil)
	r.want(t, 500, "internal")
	if strings.Contains(string(r.Body), "exploded") {
		t.Fatalf("internal text leaked: %s", r.Body)
	}
	ts.panicNotify.Store(false)
	c.do("GET", "/api/healthz", nil).want(t, 200, "") // the server lives on
}

func TestCSRF(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "henry")
	token := c.cookie("bt_csrf")
	if len(token) < 32 {
		t.Fatalf("csrf cookie = %q", token)
	}
	like := pagePath("countries/japan")
	tests := []struct {
		name, method, path, header string
		status                     int
		code                       string
	}{
		{"like without header", "PUT", like, "", 403, "csrf"},
		{"like with wrong header", "PUT", like, token + "x", 403, "csrf"},
		{"unlike without header", "DELETE", like, "", 403, "csrf"},
		{"comment without header", "POST", "/api/comments", "", 403, "csrf"},
		{"refresh without header", "POST", "/api/auth/refresh", "", 403, "csrf"},
		{"logout without header", "POST", "/api/auth/logout", "", 403, "csrf"},
		{"like with header", "PUT", like, token, 200, ""},
		{"read needs none", "GET", "/api/page?id=countries/japan", "", 200, ""},
	}
	c.noCSRF = true
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.header != "" {
				hdr = []string{"X-CSRF-Token", tt.header}
			}
			var body any
			if tt.path == "/api/comments" {
				body = map[string]string{"page": "countries/japan", "body": "hello"}
			}
			c.do(tt.method, tt.path, body, hdr...).want(t, tt.status, tt.code)
		})
	}
	// The refused requests changed nothing: still logged in, one like.
	c.do("GET", "/api/auth/me", nil).want(t, 200, "")
	var p pageResponse
	c.do("GET", "/api/page?id=countries/japan", nil).decode(t, &p)
	if p.Likes != 1 || p.Comments != 0 {
		t.Fatalf("page = %+v", p)
	}
}

func TestCORS(t *testing.T) {
	const allowed = "https://site.example"
	ts := MustServer(t, func(c *Config) { c.CORSOrigins = []string{allowed} })
	c := ts.client(t)
	pre := func(origin string) *response {
		return c.do("OPTIONS", "/api/likes?page=countries/japan", nil, "Origin", origin,
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-csrf-token")
	}
	r := pre(allowed)
	r.want(t, http.StatusNoContent, "")
	if r.Header.Get("Access-Control-Allow-Origin") != allowed || r.Header.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "X-CSRF-Token") ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "PUT") {
		t.Fatalf("preflight headers = %v", r.Header)
	}
	r = pre("https://evil.example")
	if r.Status != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("evil preflight: %d %v", r.Status, r.Header)
	}
	// The refusal is the API's JSON error, not text/plain (issue 12).
	r.want(t, http.StatusForbidden, "forbidden")
	r = c.do("GET", "/api/healthz", nil, "Origin", allowed)
	if r.Header.Get("Access-Control-Allow-Origin") != allowed || !strings.Contains(r.Header.Get("Vary"), "Origin") ||
		!strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-CSRF-Token") {
		t.Fatalf("simple request headers = %v", r.Header)
	}
	r = c.do("GET", "/api/healthz", nil, "Origin", "https://evil.example")
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("CORS header for a foreign origin")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	ts := MustServer(t)
	svc := ServicesOf(ts.DB, ts.Index)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"short secret", Config{JWTSecret: []byte("short")}, "at least 32"},
		{"SameSite=None without Secure", Config{JWTSecret: testSecret, BaseURL: "http://site.test/", Cookie: CookieConfig{SameSite: "None"}}, "needs Secure"},
		{"bad SameSite", Config{JWTSecret: testSecret, BaseURL: "http://site.test/", Cookie: CookieConfig{SameSite: "lax-ish"}}, "SameSite"},
		{"wildcard origin", Config{JWTSecret: testSecret, BaseURL: "http://site.test/", CORSOrigins: []string{"*"}}, "credentials"},
		{"bad proxy", Config{JWTSecret: testSecret, BaseURL: "http://site.test/", TrustedProxies: []string{"nginx"}}, "trusted proxy"},
		{"bad moderation", Config{JWTSecret: testSecret, BaseURL: "http://site.test/", Moderation: "later"}, "moderation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, svc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want error containing %q", err, tt.want)
			}
		})
	}
	if _, err := New(Config{JWTSecret: testSecret, BaseURL: "http://site.test/", Cookie: CookieConfig{SameSite: "None", Secure: true}}, svc); err != nil {
		t.Fatalf("SameSite=None with Secure: %v", err)
	}
}

func TestRequestLog(t *testing.T) {
	var logs harness.SyncBuffer
	ts := MustServer(t, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&logs, nil)) })
	c := ts.client(t)
	c.do("GET", "/api/page?id=countries/japan&secret=hunter2", nil, "X-Request-ID", "req-42").want(t, 200, "")
	c.do("GET", "/api/nope", nil).want(t, 404, "")
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("request lines = %d, want 2: %s", len(lines), logs.String())
	}
	if lines[0]["request_id"] != "req-42" || lines[0]["path"] != "/api/page" || lines[0]["status"] != 200.0 ||
		lines[0]["method"] != "GET" || lines[0]["duration"] == nil {
		t.Fatalf("first line = %v", lines[0])
	}
	if lines[1]["status"] != 404.0 || lines[1]["request_id"] == "" {
		t.Fatalf("second line = %v", lines[1])
	}
	if strings.Contains(logs.String(), "hunter2") {
		t.Fatal("query values logged")
	}
}

// TestStaticAfterAPI mounts static files after the API, as `serve` does:
// unknown /api paths still answer JSON, other paths keep plain errors.
func TestStaticAfterAPI(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>home</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := mustServerSetup(t, func(s *Server) { s.App().Static("/", dir) })
	c := ts.client(t)
	c.do("GET", "/api/nope", nil).want(t, 404, "not_found")
	c.do("GET", "/api/healthz", nil).want(t, 200, "")
	if r := c.do("GET", "/", nil); r.Status != 200 || string(r.Body) != "<h1>home</h1>" {
		t.Fatalf("static home: %d %s", r.Status, r.Body)
	}
	r := c.do("GET", "/missing/", nil)
	if r.Status != 404 || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("static 404: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if r.Header.Get("Content-Security-Policy") != "" {
		t.Fatal("API security headers on a static page")
	}
	// A page whose path merely starts with "api" is a page, not the API.
	r = c.do("GET", "/apiary/", nil)
	if r.Status != 404 || r.Header.Get("Content-Security-Policy") != "" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/apiary/: %d %v", r.Status, r.Header)
	}
}

// TestRequestsTakeTurns: a request yields the processor after its handler,
// before its response is written, so the requests queued behind a busy
// keep-alive connection get their turn (issue 20: without it, wrk's p99
// was 33-38 ms against nginx's 2-12 ms). With one processor, a goroutine
// the handler starts can run before the response is written only if the
// request yields; the response's body is read at write time and says
// whether it did. Not every time: every 61st time it looks for work, Go's
// scheduler takes the global queue first, where a yield puts the
// yielding goroutine, so it may run on before the other (one CI run in
// some dozens saw that). So of 20 requests at least half must have
// yielded; without the yield none does.
func TestRequestsTakeTurns(t *testing.T) {
	ts := mustServerSetup(t, func(s *Server) {
		s.App().Get("/turn", func(c *fiber.Ctx) error {
			var ran atomic.Bool // this request's own: an earlier one's goroutine may run late
			go ran.Store(true)
			read := false
			c.Context().Response.SetBodyStream(readFunc(func(p []byte) (int, error) {
				if read {
					return 0, io.EOF
				}
				read = true
				return copy(p, strconv.FormatBool(ran.Load())), nil
			}), -1)
			return nil
		})
	})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const n = 20
	turns := 0
	for range n {
		r := ts.client(t).do("GET", "/turn", nil)
		if r.Status != 200 {
			t.Fatalf("GET /turn: %d %q", r.Status, r.Body)
		}
		if string(r.Body) == "true" {
			turns++
		}
	}
	if turns < n/2 {
		t.Fatalf("%d of %d responses were written before other goroutines had a turn", n-turns, n)
	}
}

type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }
