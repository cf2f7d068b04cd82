package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// testSecret signs the test servers' tokens; tests forge tokens with it.
var testSecret = []byte("test-secret-0123456789-abcdefghijklmnop")

const testPassword = "correct horse battery"

// testPages is the manifest of the test site.
var testPages = []beforetrip.PageMeta{
	{ID: "", Kind: beforetrip.KindHome, Title: "Home", URL: "/"},
	{ID: "countries", Kind: beforetrip.KindList, Title: "Countries", URL: "/countries/"},
	{ID: "countries/japan", Kind: beforetrip.KindCountry, Title: "Japan", URL: "/countries/japan/", Country: "japan"},
	{ID: "countries/japan/tips/jr-pass", Kind: beforetrip.KindTip, Title: "JR Pass", URL: "/countries/japan/tips/jr-pass/",
		Section: "tips", Country: "japan", Date: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
	{ID: "countries/japan/tips/ic-cards", Kind: beforetrip.KindTip, Title: "IC cards", URL: "/countries/japan/tips/ic-cards/",
		Section: "tips", Country: "japan", Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
	{ID: "countries/japan/reviews/kyoto", Kind: beforetrip.KindReview, Title: "Kyoto in autumn",
		URL: "/countries/japan/reviews/kyoto/", Section: "reviews", Country: "japan", Date: time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC)},
	{ID: "countries/south-korea", Kind: beforetrip.KindCountry, Title: "South Korea", URL: "/countries/south-korea/", Country: "south-korea"},
	{ID: "countries/south-korea/tips/교통카드", Kind: beforetrip.KindTip, Title: "교통카드", URL: "/countries/south-korea/tips/교통카드/",
		Section: "tips", Country: "south-korea", Date: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
}

// testServer is a real API on a real port over a real store (a bbolt file,
// or PostgreSQL: see storeEnv).
type testServer struct {
	*Server
	URL   string
	DB    testStore
	Index *PageIndex

	mu          sync.Mutex
	changes     []beforetrip.Change
	panicNotify atomic.Bool
	storeSkew   atomic.Int64 // nanoseconds the store's clock runs ahead
}

// storeNow is the store's clock: the real time plus what AdvanceStore added.
func (ts *testServer) storeNow() time.Time {
	return time.Now().Add(time.Duration(ts.storeSkew.Load()))
}

// AdvanceStore moves the store's clock forward by d (e.g. past the refresh
// grace period) without sleeping.
func (ts *testServer) AdvanceStore(d time.Duration) { ts.storeSkew.Add(int64(d)) }

// Changes returns the changes notified so far.
func (ts *testServer) Changes() []beforetrip.Change {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]beforetrip.Change(nil), ts.changes...)
}

// MustManifest writes a manifest of pages into dir.
func MustManifest(tb testing.TB, dir string, pages []beforetrip.PageMeta) {
	tb.Helper()
	data, err := json.Marshal(beforetrip.Manifest{Version: beforetrip.ManifestVersion, Built: time.Now(), Pages: pages})
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, beforetrip.ManifestFile), data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// MustServer starts the API on 127.0.0.1:0 with a fresh store and the test
// manifest. Rate limits are off unless an option turns them on; password
// hashing uses light argon2id parameters so tests stay fast.
func MustServer(tb testing.TB, opts ...func(*Config)) *testServer {
	tb.Helper()
	return mustServerSetup(tb, nil, opts...)
}

// mustServerSetup is MustServer with a setup step that may adjust the
// Server (e.g. the rate limiters' clock) before it starts serving.
func mustServerSetup(tb testing.TB, setup func(*Server), opts ...func(*Config)) *testServer {
	tb.Helper()
	return mustServerWith(tb, nil, setup, opts...)
}

// mustServerWith is mustServerSetup with a step that may replace services
// (e.g. a real mail sender for the outbox) before New.
func mustServerWith(tb testing.TB, services func(*Services), setup func(*Server), opts ...func(*Config)) *testServer {
	tb.Helper()
	dir := tb.TempDir()
	ts := &testServer{}
	db := mustTestStore(tb, dir, ts.storeNow)
	MustManifest(tb, dir, testPages)
	index, err := NewPageIndex(dir, db)
	if err != nil {
		tb.Fatal(err)
	}
	ts.DB, ts.Index = db, index
	cfg := Config{JWTSecret: testSecret, BaseURL: "http://site.test/"}
	for _, o := range opts {
		o(&cfg)
	}
	notifier := beforetrip.NotifierFunc(func(ch beforetrip.Change) {
		if ts.panicNotify.Load() {
			panic("notifier exploded")
		}
		ts.mu.Lock()
		ts.changes = append(ts.changes, ch)
		ts.mu.Unlock()
	})
	svc := ServicesOf(db, index)
	svc.Notifier = notifier
	if services != nil {
		services(&svc)
	}
	srv, err := New(cfg, svc)
	if err != nil {
		tb.Fatal(err)
	}
	srv.hasher = newHasher(1024, 1, 1)
	if setup != nil {
		setup(srv)
	}
	ts.Server = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.App().Listener(ln)
	tb.Cleanup(func() { srv.App().ShutdownWithTimeout(5 * time.Second) })
	ts.URL = "http://" + ln.Addr().String()
	return ts
}

// client is a browser-like HTTP client: a cookie jar, and the CSRF header
// copied from the bt_csrf cookie unless noCSRF.
type client struct {
	tb     testing.TB
	base   string
	hc     *http.Client
	jar    *cookiejar.Jar
	bearer string
	noCSRF bool
}

// The timeout is the test's remaining time, not a fixed one: register and
// login hash with argon2, slow under -race on a busy machine.
func (ts *testServer) client(tb testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	timeout := 10 * time.Minute
	if t, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := t.Deadline(); ok {
			timeout = max(time.Until(d), time.Second)
		}
	}
	return &client{tb: tb, base: ts.URL, jar: jar, hc: &http.Client{Jar: jar, Timeout: timeout}}
}

// response is a read HTTP response.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *response) decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// errorCode is the error code of a JSON error body ("" if none).
func (r *response) errorCode() string {
	var e errorBody
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// do sends a request; body is raw when a string or []byte, JSON otherwise.
// hdr are header name/value pairs.
func (c *client) do(method, path string, body any, hdr ...string) *response {
	c.tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.tb.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if !c.noCSRF {
		if v := c.cookie("bt_csrf"); v != "" {
			req.Header.Set("X-CSRF-Token", v)
		}
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" { // net/http sends req.Host, not the header
			req.Host = hdr[i+1]
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.tb.Fatal(err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// cookie returns the value the jar would send to path /api/auth/ (which
// sees all three cookies).
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.base + "/api/auth/x")
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the jar as the server would have.
func (c *client) setCookie(name, value, path string) {
	u, _ := url.Parse(c.base + "/")
	c.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: path}})
}

// want checks a response's status and, for errors, its JSON error code.
func (r *response) want(tb testing.TB, status int, code string) {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if code != "" && r.errorCode() != code {
		tb.Fatalf("error code = %q, want %q; body %s", r.errorCode(), code, r.Body)
	}
}

// register creates an account through the API and leaves the client
// logged in.
func (c *client) register(name string) beforetrip.User {
	c.tb.Helper()
	r := c.do("POST", "/api/auth/register", map[string]string{
		"username": name, "email": name + "@example.com", "password": testPassword})
	r.want(c.tb, http.StatusCreated, "")
	var out userResponse
	r.decode(c.tb, &out)
	return out.User
}

// MustUser registers a logged-in client named name.
func (ts *testServer) MustUser(tb testing.TB, name string) (*client, beforetrip.User) {
	tb.Helper()
	c := ts.client(tb)
	return c, c.register(name)
}

// MustRole sets a user's role in the store.
func (ts *testServer) MustRole(tb testing.TB, name string, role beforetrip.Role) {
	tb.Helper()
	if err := ts.DB.SetRole(context.Background(), name, role); err != nil {
		tb.Fatal(err)
	}
}

// MustBearer creates a user in the store and returns a client holding a
// Bearer token got from POST /api/auth/token.
func (ts *testServer) MustBearer(tb testing.TB, name string) *client {
	tb.Helper()
	u := &beforetrip.User{Username: name, Email: name + "@example.com", Role: beforetrip.RoleReader,
		PasswordHash: ts.hasher.hash(testPassword)}
	if err := ts.DB.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	c := ts.client(tb)
	r := c.do("POST", "/api/auth/token", map[string]string{"login": name, "password": testPassword})
	r.want(tb, http.StatusOK, "")
	var tok tokenResponse
	r.decode(tb, &tok)
	c.bearer = tok.AccessToken
	return c
}

func q(s string) string { return url.QueryEscape(s) }

func pagePath(id string) string { return fmt.Sprintf("/api/likes?page=%s", q(id)) }

// dirOf is the output folder the test server's manifest lives in.
func dirOf(ts *testServer) string { return filepath.Dir(ts.Index.path) }
