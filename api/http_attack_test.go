package api

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Attacks on the HTTP layer every route shares (origins, bodies, JSON,
// path spelling), beside http_test.go, which covers CSRF missing/wrong
// (TestCSRF) and foreign-origin preflight (TestCORS).

// TestAttackCrossOrigin sends preflights and credentialed writes from
// origins that only look like the allowed one.
func TestAttackCrossOrigin(t *testing.T) {
	const allowed = "https://site.example"
	ts := MustServer(t, func(c *Config) { c.CORSOrigins = []string{allowed} })
	victim, _ := ts.MustUser(t, "corsvictim")
	for _, origin := range []string{"https://evil.example", "null", "https://site.example.evil.example",
		"https://evilsite.example", "http://site.example", "https://site.example:8443", "https://SITE.example",
		"https://site.example/", "https://site.example%00.evil.example"} {
		t.Run(origin, func(t *testing.T) {
			r := victim.do("OPTIONS", pagePath("countries/japan"), nil, "Origin", origin,
				"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-csrf-token")
			if r.Status != http.StatusForbidden || r.Header.Get("Access-Control-Allow-Origin") != "" ||
				r.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Fatalf("preflight from %s: %d %v", origin, r.Status, r.Header)
			}
			// A form-like write from that origin carries the victim's
			// cookies but cannot know the CSRF token.
			victim.noCSRF = true
			defer func() { victim.noCSRF = false }()
			r = victim.do("PUT", pagePath("countries/japan"), nil, "Origin", origin)
			r.want(t, 403, "csrf")
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Fatalf("ACAO on a foreign-origin write: %v", r.Header)
			}
		})
	}
	var p pageResponse
	victim.do("GET", "/api/page?id=countries/japan", nil).decode(t, &p)
	if p.Likes != 0 {
		t.Fatalf("cross-origin writes liked the page: %+v", p)
	}
}

// TestAttackNULInJSON sends NUL characters inside JSON strings: refused,
// or stored and rendered without the NUL reaching the HTML.
func TestAttackNULInJSON(t *testing.T) {
	ts := MustServer(t)
	c := ts.MustBearer(t, "nulsender")
	ts.client(t).do("POST", "/api/auth/register", `{"username":"nul\u0000l","email":"n@example.com","password":"`+
		testPassword+`"}`).want(t, 400, "invalid")
	ts.client(t).do("POST", "/api/auth/login", `{"login":"nulsender\u0000","password":"`+testPassword+`"}`).
		want(t, 401, "unauthenticated")
	c.do("POST", "/api/comments", `{"page":"countries/japan\u0000","body":"x"}`).want(t, 400, "invalid")
	r := c.do("POST", "/api/comments", `{"page":"countries/japan","body":"a\u0000<script>alert(1)</script>"}`)
	switch r.Status {
	case 400:
	case 201:
		var out commentResponse
		r.decode(t, &out)
		if strings.ContainsRune(out.Comment.HTML, 0) || strings.Contains(out.Comment.HTML, "<script") {
			t.Fatalf("comment html = %q", out.Comment.HTML)
		}
	default:
		t.Fatalf("comment with NUL: %d %s", r.Status, r.Body)
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestAttackHugeBody sends every endpoint that accepts a request body
// (every route but GET in the route table) a 10 MB body, declared and
// chunked, and one just over bodyLimit: each answers a JSON 413 too_large
// without reading it all, the store is byte for byte what it was, and the
// server keeps serving. Each body is a valid request padded with trailing
// whitespace, so a missing limit would show as a write, not as a 400.
func TestAttackHugeBody(t *testing.T) {
	ts := MustServer(t)
	c := ts.MustBearer(t, "bigsender")
	browser, _ := ts.MustUser(t, "bigbrowser")
	var cm commentResponse
	r := c.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "before"})
	r.want(t, 201, "")
	r.decode(t, &cm)
	var rv reviewResponse
	r = c.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "Before", "rating": 3})
	r.want(t, 201, "")
	r.decode(t, &rv)
	c.do("PUT", pagePath("countries/south-korea"), nil).want(t, 200, "")
	comment, review := fmt.Sprintf("/api/comments/%d", cm.Comment.ID), fmt.Sprintf("/api/reviews/%d", rv.Review.ID)
	bearer := []string{"Authorization", "Bearer " + c.bearer}
	cookies := []string{"Cookie", fmt.Sprintf("bt_access=%s; bt_refresh=%s; bt_csrf=%s",
		browser.cookieAt("/api/", "bt_access"), browser.cookie("bt_refresh"), browser.cookie("bt_csrf")),
		"X-CSRF-Token", browser.cookie("bt_csrf")}
	login := fmt.Sprintf(`{"login":"bigbrowser","password":%q}`, testPassword)
	// endpoints: for each route, a request it would act on were the body
	// small (but approve: bigsender is no admin). Logout comes last: were
	// it not refused, it would end the bearer's session.
	endpoints := []struct {
		method, route, path, body string
		hdr                       []string
	}{
		{"POST", "/api/auth/register", "/api/auth/register",
			fmt.Sprintf(`{"username":"huge1","email":"huge1@example.com","password":%q}`, testPassword), nil},
		{"POST", "/api/auth/login", "/api/auth/login", login, nil},
		{"POST", "/api/auth/token", "/api/auth/token", login, nil},
		{"POST", "/api/auth/refresh", "/api/auth/refresh", `{}`, cookies},
		{"PUT", "/api/likes", pagePath("countries/japan"), `{}`, bearer},
		{"DELETE", "/api/likes", pagePath("countries/south-korea"), `{}`, bearer},
		{"POST", "/api/comments", "/api/comments", `{"page":"countries/japan","body":"huge"}`, bearer},
		{"PATCH", "/api/comments/:id", comment, `{"body":"edited by a huge body"}`, bearer},
		{"DELETE", "/api/comments/:id", comment, `{}`, bearer},
		{"POST", "/api/reviews", "/api/reviews", `{"country":"japan","title":"Huge","rating":5}`, bearer},
		{"PATCH", "/api/reviews/:id", review, `{"title":"Edited by a huge body"}`, bearer},
		{"DELETE", "/api/reviews/:id", review, `{}`, bearer},
		{"POST", "/api/admin/comments/:id/approve", comment + "/approve", `{}`, bearer},
		{"POST", "/api/admin/reviews/:id/approve", review + "/approve", `{}`, bearer},
		{"POST", "/api/comments/:id/report", comment + "/report", `{"reason":"spam"}`, bearer},
		{"POST", "/api/reviews/:id/report", review + "/report", `{"reason":"spam"}`, bearer},
		{"POST", "/api/admin/comments/:id/reject", comment + "/reject", `{}`, bearer},
		{"POST", "/api/admin/comments/:id/restore", comment + "/restore", `{}`, bearer},
		{"POST", "/api/admin/comments/:id/pin", comment + "/pin", `{}`, bearer},
		{"POST", "/api/admin/comments/:id/unpin", comment + "/unpin", `{}`, bearer},
		{"POST", "/api/admin/reviews/:id/reject", review + "/reject", `{}`, bearer},
		{"POST", "/api/admin/reviews/:id/restore", review + "/restore", `{}`, bearer},
		{"POST", "/api/admin/users/:name/block", "/api/admin/users/bigbrowser/block", `{"reason":"huge"}`, bearer},
		{"POST", "/api/admin/users/:name/unblock", "/api/admin/users/bigbrowser/unblock", `{}`, bearer},
		{"POST", "/api/admin/users/:name/role", "/api/admin/users/bigbrowser/role", `{"role":"admin"}`, bearer},
		{"POST", "/api/admin/users/:name/purge", "/api/admin/users/bigbrowser/purge", `{}`, bearer},
		{"POST", "/api/admin/pages/lock", "/api/admin/pages/lock?page=countries/japan", `{}`, bearer},
		{"POST", "/api/admin/pages/unlock", "/api/admin/pages/unlock?page=countries/japan", `{}`, bearer},
		{"PATCH", "/api/auth/me", "/api/auth/me", `{"notify_replies":true}`, bearer},
		{"POST", "/api/auth/password/forgot", "/api/auth/password/forgot", `{"login":"bigsender"}`, nil},
		{"POST", "/api/auth/password/reset", "/api/auth/password/reset", `{"token":"x","password":"y"}`, nil},
		{"POST", "/api/auth/password/change", "/api/auth/password/change",
			fmt.Sprintf(`{"current_password":%q,"password":"another long passphrase"}`, testPassword), bearer},
		{"POST", "/api/auth/email/verify", "/api/auth/email/verify", `{"token":"x"}`, nil},
		{"POST", "/api/auth/email/resend", "/api/auth/email/resend", `{}`, bearer},
		{"POST", "/api/auth/email/change", "/api/auth/email/change",
			fmt.Sprintf(`{"password":%q,"email":"big@new.example"}`, testPassword), bearer},
		{"POST", "/api/notifications/unsubscribe", "/api/notifications/unsubscribe?token=1.x", `{}`, nil},
		{"DELETE", "/api/auth/me", "/api/auth/me", fmt.Sprintf(`{"password":%q}`, testPassword), bearer},
		{"POST", "/api/auth/logout", "/api/auth/logout", `{}`, bearer},
	}
	covered := map[string]bool{}
	for _, e := range endpoints {
		covered[e.method+" "+e.route] = true
	}
	for _, rt := range ts.routes {
		if rt.method != "GET" && !covered[rt.method+" "+rt.path] {
			t.Errorf("route %s %s is not sent a huge body here", rt.method, rt.path)
		}
	}

	before := mustBackup(t, ts)
	changes := len(ts.Changes())
	const size = 10 << 20
	for _, e := range endpoints {
		for _, mode := range []string{"declared", "chunked", "over-limit"} {
			t.Run(e.method+" "+e.route+" "+mode, func(t *testing.T) {
				var res *response
				if mode == "over-limit" {
					body := e.body + strings.Repeat(" ", bodyLimit+1-len(e.body))
					res = ts.client(t).do(e.method, e.path, body, e.hdr...)
				} else {
					res = sendHuge(t, ts.URL, e.method, e.path, e.body, size, mode == "chunked", e.hdr)
				}
				res.want(t, http.StatusRequestEntityTooLarge, beforetrip.ETOOLARGE)
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
					t.Errorf("Content-Type = %q, want JSON", res.Header.Get("Content-Type"))
				}
			})
		}
	}
	if after := mustBackup(t, ts); !bytes.Equal(before, after) {
		t.Errorf("the store changed under refused bodies (%d bytes before, %d after)", len(before), len(after))
	}
	if ch := ts.Changes(); len(ch) != changes {
		t.Errorf("changes announced: %+v", ch[changes:])
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/api/healthz", nil).want(t, 200, "")
	c.do("GET", "/api/auth/me", nil).want(t, 200, "") // the bearer's session survived
}

// sendHuge sends a body of size bytes on a raw connection: body, then
// spaces (valid trailing JSON whitespace), with a Content-Length or
// chunked. The server may answer and close before it is all sent, so
// write errors are ignored; it reads the answer.
func sendHuge(t *testing.T, base, method, path, body string, size int, chunked bool, hdr []string) *response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n", method, path)
	for i := 0; i+1 < len(hdr); i += 2 {
		head += hdr[i] + ": " + hdr[i+1] + "\r\n"
	}
	if chunked {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	} else {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", size)
	}
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		write := func(p []byte) bool {
			if chunked {
				p = append(append(fmt.Appendf(nil, "%x\r\n", len(p)), p...), "\r\n"...)
			}
			_, err := conn.Write(p)
			return err == nil
		}
		if !write([]byte(body)) {
			return
		}
		pad := []byte(strings.Repeat(" ", 64<<10))
		for sent := len(body); sent < size; sent += len(pad) {
			if !write(pad[:min(len(pad), size-sent)]) {
				return
			}
		}
		if chunked {
			io.WriteString(conn, "0\r\n\r\n")
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a %d-byte body: %v", size, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the answer to a %d-byte body: %v", size, err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// mustBackup returns a copy of the whole store file (bbolt's hot
// backup): equal copies mean no transaction wrote in between.
func mustBackup(t *testing.T, ts *testServer) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := ts.DB.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAttackPathSpelling sends a cookie-authenticated like without the CSRF
// header under other spellings of /api: other letter case, doubled or
// dot segments, percent-encoded letters. Routing must not reach a handler
// by a path the /api middleware (CSRF, CORS, body limit, security headers)
// does not see as the API: each is refused, and nothing is liked.
func TestAttackPathSpelling(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "spelling")
	access := c.cookieAt("/api/likes", "bt_access")
	if access == "" {
		t.Fatal("no access cookie")
	}
	c.noCSRF = true
	page := "?page=" + q("countries/japan")
	for _, p := range []string{"/API/likes", "/Api/likes", "/api/LIKES", "/API/LIKES", "//api/likes",
		"/api//likes", "/api/./likes", "/x/../api/likes", "/%61pi/likes", "/api/%6Cikes", "/api/likes/"} {
		r := c.do("PUT", p+page, nil, "Cookie", "bt_access="+access)
		if r.Status < 400 {
			t.Errorf("PUT %s without CSRF header: %d %s", p, r.Status, r.Body)
		}
	}
	var pr pageResponse
	c.do("GET", "/api/page?id=countries/japan", nil).decode(t, &pr)
	if pr.Likes != 0 {
		t.Fatalf("a misspelt path liked the page: %+v", pr)
	}
}
