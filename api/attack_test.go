package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
	"github.com/golang-jwt/jwt/v5"
)

// Attacks over real HTTP that complement the api package's own tests.
// Already covered there (not repeated here): alg=none, HS384/HS512/RS256,
// wrong key, expired, nbf and iat in the future, wrong issuer/audience,
// unknown session and other user's ID (TestForgedTokens); token after
// logout (TestLogoutRevokesToken); blocked user's token (TestBlockedUser);
// refresh-token reuse revoking the session and the new token
// (TestRefreshRotation); CSRF missing/wrong (TestCSRF); foreign-origin
// preflight (TestCORS); login rate limit with Retry-After (TestLoginLimits);
// same answer for unknown user and wrong password on login (TestLogin).

// accessClaims returns the claims of a client's bt_access cookie.
func accessClaims(t *testing.T, c *client) (string, claims) {
	t.Helper()
	raw := c.cookieAt("/api/", "bt_access")
	var cl claims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &cl); err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return raw, cl
}

// TestAttackTokenConfusion refuses tokens whose algorithm, key or claims
// were changed by an attacker who holds one genuine reader token.
func TestAttackTokenConfusion(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "reader1")
	_, victim := ts.MustUser(t, "victim1")
	ts.MustUser(t, "boss")
	ts.MustRole(t, "boss", beforetrip.RoleAdmin)
	raw, good := accessClaims(t, c)
	parts := strings.Split(raw, ".")

	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	sign := func(m jwt.SigningMethod, key any, cl claims) string {
		s, err := jwt.NewWithClaims(m, cl).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// tamper re-encodes the payload with edit applied and keeps the
	// original header and signature.
	tamper := func(edit func(map[string]any)) string {
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var m map[string]any
		if err := json.Unmarshal(payload, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		out, _ := json.Marshal(m)
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString(out) + "." + parts[2]
	}
	header := func(h string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(h)) + "." + parts[1] + "." + parts[2]
	}
	tests := []struct{ name, token string }{
		{"ES256", sign(jwt.SigningMethodES256, ecKey, good)},
		{"HS256 keyed with an RSA public key", sign(jwt.SigningMethodHS256, pubPEM, good)},
		{"sub changed, signature kept", tamper(func(m map[string]any) { m["sub"] = fmt.Sprint(victim.ID) })},
		{"role changed, signature kept", tamper(func(m map[string]any) { m["role"] = "admin" })},
		{"exp extended, signature kept", tamper(func(m map[string]any) { m["exp"] = time.Now().Add(24 * time.Hour).Unix() })},
		{"header alg none, signature kept", header(`{"alg":"none","typ":"JWT"}`)},
		{"header alg HS512, signature kept", header(`{"alg":"HS512","typ":"JWT"}`)},
		{"signature stripped", parts[0] + "." + parts[1] + "."},
		{"extra segment", raw + ".x"},
		{"empty", " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := ts.client(t)
			cl.bearer = tt.token
			cl.do("GET", "/api/auth/me", nil).want(t, 401, "unauthenticated")
			cl.do("PUT", pagePath("countries/japan"), nil).want(t, 401, "unauthenticated")
			cl.do("GET", "/api/admin/pending", nil).want(t, 401, "unauthenticated")
		})
	}
	t.Run("role claim is not trusted", func(t *testing.T) {
		// Even a validly signed token claiming admin (as if the secret
		// leaked) gets the role the store holds.
		good.Role = "admin"
		cl := ts.client(t)
		cl.bearer = sign(jwt.SigningMethodHS256, testSecret, good)
		cl.do("GET", "/api/admin/pending", nil).want(t, 403, "forbidden")
	})
	t.Run("token in the query string is ignored", func(t *testing.T) {
		ts.client(t).do("GET", "/api/auth/me?access_token="+q(raw), nil).want(t, 401, "unauthenticated")
	})
	var p pageResponse
	ts.client(t).do("GET", "/api/page?id=countries/japan", nil).decode(t, &p)
	if p.Likes != 0 {
		t.Fatalf("a forged token liked a page: %+v", p)
	}
}

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

// TestAttackAccountEnumeration checks that the token endpoint and logins
// by email answer an unknown account exactly like a wrong password, and
// that a blocked account is revealed only to someone who knows its
// password.
func TestAttackAccountEnumeration(t *testing.T) {
	ts := MustServer(t)
	ts.MustUser(t, "known")
	ts.MustUser(t, "blocked1")
	if err := ts.DB.BlockUser(context.Background(), "blocked1"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/auth/login", "/api/auth/token"} {
		var bodies []string
		for _, login := range []string{"unknown", "known", "unknown@example.com", "known@example.com", "blocked1"} {
			r := ts.client(t).do("POST", path, map[string]string{"login": login, "password": "wrong password"})
			r.want(t, 401, "unauthenticated")
			if len(r.Header.Values("Set-Cookie")) != 0 {
				t.Fatalf("%s %s: failed login set cookies", path, login)
			}
			bodies = append(bodies, string(r.Body))
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Fatalf("%s answers differ between accounts:\n%s", path, strings.Join(bodies, "\n"))
			}
		}
	}
	// Registration must refuse a taken name or email, but with one answer.
	name := ts.client(t).do("POST", "/api/auth/register", map[string]string{
		"username": "known", "email": "fresh@example.com", "password": testPassword})
	email := ts.client(t).do("POST", "/api/auth/register", map[string]string{
		"username": "fresh", "email": "known@example.com", "password": testPassword})
	name.want(t, 409, "conflict")
	if string(name.Body) != string(email.Body) || name.Status != email.Status {
		t.Fatalf("taken name and taken email answer differently:\n%s\n%s", name.Body, email.Body)
	}
}

// hostilePageIDs are malformed or look-alike page IDs; none names a page.
var hostilePageIDs = []string{
	"../../etc/passwd", "countries/../../../etc", "countries/japan/..", "./countries/japan",
	"%2e%2e/%2e%2e/etc", "countries/%2e%2e", "..%2f..%2fetc", `countries\japan`, `..\..\windows`,
	"countries/japan\x00", "countries/japan\x00/../../x", "countries/japan\u202e", "countries/ja\u200bpan",
	"\ufeffcountries/japan", "\xc0\xae\xc0\xae/etc", "countries/\xff\xfe", "countries/japan/", "/countries/japan",
	"countries//japan", "COUNTRIES/JAPAN", "countries/ｊａｐａｎ", "．．/．．/etc",
	"countries/south-korea/tips/\u1100\u116d\u1110\u1169\u11bc\u110f\u1161\u1103\u1173", // NFD of 교통카드
	strings.Repeat("a/", 300) + "a", "countries/japan\n", "countries/japan\r\nX-Injected: 1",
}

// TestAttackHostilePageIDs sends every hostile ID to every endpoint that
// takes a page or country: 400 or 404 each time, and nothing is written.
func TestAttackHostilePageIDs(t *testing.T) {
	ts := MustServer(t)
	c := ts.MustBearer(t, "pathwalker")
	type call struct {
		method, path string
		body         any
	}
	calls := func(id string) []call {
		return []call{
			{"GET", "/api/page?id=" + q(id), nil},
			{"PUT", "/api/likes?page=" + q(id), nil},
			{"DELETE", "/api/likes?page=" + q(id), nil},
			{"GET", "/api/comments?page=" + q(id), nil},
			{"POST", "/api/comments", map[string]any{"page": id, "body": "hi"}},
			{"POST", "/api/reviews", map[string]any{"country": id, "title": "t", "rating": 5, "body": "b"}},
			{"GET", "/api/reviews?country=" + q(id), nil},
			{"GET", "/api/popular?country=" + q(id), nil},
			{"GET", "/api/reviews/" + strings.ReplaceAll(q(id), "+", "%20"), nil},
		}
	}
	for _, id := range hostilePageIDs {
		t.Run(strings.ToValidUTF8(id, "?"), func(t *testing.T) {
			for _, cl := range calls(id) {
				r := c.do(cl.method, cl.path, cl.body)
				ok := r.Status == 400 || r.Status == 404
				// Lists filtered by an unknown country may answer empty.
				if r.Status == 200 && cl.method == "GET" && (strings.HasPrefix(cl.path, "/api/reviews?") ||
					strings.HasPrefix(cl.path, "/api/popular?")) {
					ok = !strings.Contains(string(r.Body), `"id"`)
				}
				if !ok {
					t.Errorf("%s %s: %d %s", cl.method, cl.path, r.Status, r.Body)
				}
			}
			r := c.do("GET", "/api/pages?ids="+q(id)+",countries/japan", nil)
			if r.Status != 400 && (r.Status != 200 || strings.Count(string(r.Body), `"likes"`) != 1) {
				t.Errorf("GET /api/pages with %q: %d %s", id, r.Status, r.Body)
			}
		})
	}
	mustNothingWritten(t, ts)
}

// mustNothingWritten checks that the store holds no likes, comments or
// reviews and that no change was announced.
func mustNothingWritten(t *testing.T, ts *testServer) {
	t.Helper()
	ctx := context.Background()
	counts, err := ts.DB.PageCounts(ctx)
	if err != nil || len(counts) != 0 {
		t.Fatalf("page counts = %v, %v; want none", counts, err)
	}
	revs, err := ts.DB.Reviews(ctx, beforetrip.ReviewQuery{Limit: 10})
	if err != nil || len(revs.Reviews) != 0 {
		t.Fatalf("reviews = %+v, %v; want none", revs, err)
	}
	for _, p := range testPages[1:] { // the home page ("") takes no comments
		cs, err := ts.DB.Comments(ctx, beforetrip.CommentQuery{Page: p.ID, Limit: 10, Moderator: true})
		if err != nil || len(cs.Comments) != 0 {
			t.Fatalf("comments of %q = %+v, %v; want none", p.ID, cs, err)
		}
	}
	if ch := ts.Changes(); len(ch) != 0 {
		t.Fatalf("changes announced: %+v", ch)
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
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

// mustBulkServer is MustServer over a store without fsync, for tests that
// need thousands of rows: durability is not what they test.
func mustBulkServer(tb testing.TB) *testServer {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"), store.WithNoSync())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	MustManifest(tb, dir, testPages)
	index, err := NewPageIndex(dir, db)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Config{JWTSecret: testSecret, BaseURL: "http://site.test/"}, Services{Users: db, Sessions: db, Likes: db,
		Comments: db, Moderation: db, Reviews: db, Popular: db, Pages: index, Accounts: db, Mail: db})
	if err != nil {
		tb.Fatal(err)
	}
	srv.hasher = newHasher(1024, 1, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.App().Listener(ln)
	tb.Cleanup(func() { srv.App().ShutdownWithTimeout(5 * time.Second) })
	return &testServer{Server: srv, URL: "http://" + ln.Addr().String(), DB: db, Index: index}
}

// pageAll follows next cursors through GET /api/comments and fails on a
// repeated ID; it returns the IDs in the order served.
func pageAll(t *testing.T, c *client, page, order string, limit int) []uint64 {
	t.Helper()
	var ids []uint64
	seen := map[uint64]bool{}
	cursor := ""
	for i := 0; ; i++ {
		if i > 100000/limit {
			t.Fatal("cursor never ends")
		}
		got := listComments(t, c, fmt.Sprintf("page=%s&order=%s&limit=%d&cursor=%s", q(page), order, limit, q(cursor)))
		if len(got.Comments) > limit {
			t.Fatalf("page of %d comments, limit %d", len(got.Comments), limit)
		}
		for _, cm := range got.Comments {
			if seen[cm.ID] {
				t.Fatalf("comment %d served twice", cm.ID)
			}
			seen[cm.ID] = true
			ids = append(ids, cm.ID)
		}
		if got.Next == "" {
			return ids
		}
		cursor = got.Next
	}
}

// TestAttackDeepReplyChain posts a chain of 1,000 replies, each answering
// the one before, and pages through it.
func TestAttackDeepReplyChain(t *testing.T) {
	ts := mustBulkServer(t)
	c := ts.MustBearer(t, "chatty")
	const depth = 1000
	page := "countries/japan/tips/jr-pass"
	parent := map[uint64]uint64{}
	var prev uint64
	for i := 0; i < depth; i++ {
		cm := mustComment(t, c, page, fmt.Sprintf("reply %d", i), prev)
		parent[cm.ID] = prev
		prev = cm.ID
	}
	ids := pageAll(t, ts.client(t), page, "oldest", 100)
	if len(ids) != depth {
		t.Fatalf("paged %d comments, want %d", len(ids), depth)
	}
	for i, id := range ids {
		if _, ok := parent[id]; !ok {
			t.Fatalf("unknown comment %d", id)
		}
		if i > 0 && parent[id] != ids[i-1] {
			t.Fatalf("comment %d: parent %d, want %d", id, parent[id], ids[i-1])
		}
	}
	// Deleting the middle keeps the chain: the replies stay.
	c.do("DELETE", fmt.Sprintf("/api/comments/%d", ids[depth/2]), nil).want(t, 204, "")
	if n := len(pageAll(t, ts.client(t), page, "newest", 100)); n != depth {
		t.Fatalf("after a soft delete %d comments, want %d", n, depth)
	}
}

// TestAttackTenThousandComments pages 10,000 comments of one page through
// the API in both orders: every comment once, in order, no gaps.
func TestAttackTenThousandComments(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	ts := mustBulkServer(t)
	const n = 10000
	page := "countries/japan"
	ctx := context.Background()
	u := &beforetrip.User{Username: "bulk", Email: "bulk@example.com", Role: beforetrip.RoleReader}
	if err := ts.DB.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	want := map[uint64]bool{}
	for i := 0; i < n; i++ {
		cm := &beforetrip.Comment{Page: page, Author: beforetrip.Author{ID: u.ID, Username: u.Username},
			Body: fmt.Sprint(i), HTML: fmt.Sprintf("<p>%d</p>", i)}
		if err := ts.DB.CreateComment(ctx, cm); err != nil {
			t.Fatal(err)
		}
		want[cm.ID] = true
	}
	for _, order := range []string{"oldest", "newest"} {
		t.Run(order, func(t *testing.T) {
			ids := pageAll(t, ts.client(t), page, order, 100)
			if len(ids) != n {
				t.Fatalf("paged %d comments, want %d", len(ids), n)
			}
			for i, id := range ids {
				if !want[id] {
					t.Fatalf("unknown comment %d", id)
				}
				if i > 0 && (order == "oldest") != (id > ids[i-1]) {
					t.Fatalf("order %s broken at %d: %d after %d", order, i, id, ids[i-1])
				}
			}
		})
	}
	var p pageResponse
	ts.client(t).do("GET", "/api/page?id="+q(page), nil).decode(t, &p)
	if p.Comments != n {
		t.Fatalf("comment count = %d, want %d", p.Comments, n)
	}
}

// TestAttackParallelBruteForce fires 50 wrong-password logins for one
// account at once: the limit must hold under concurrency (at most 10
// guesses checked), the rest 429 with Retry-After, and even the right
// password then waits.
func TestAttackParallelBruteForce(t *testing.T) {
	ts := limitedServer(t)
	ts.MustUser(t, "target1")
	const n = 50
	statuses := make(chan *response, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- failLogin(ts.client(t), "target1")
		}()
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for r := range statuses {
		switch r.Status {
		case 401:
			checked++
		case 429:
			wantRetryAfter(t, r)
		default:
			t.Fatalf("status %d %s", r.Status, r.Body)
		}
	}
	if checked > 10 {
		t.Fatalf("%d of %d parallel guesses were checked, want at most 10", checked, n)
	}
	wantRetryAfter(t, ts.client(t).do("POST", "/api/auth/login", map[string]string{"login": "target1", "password": testPassword}))
}

// TestAttackLikeDeletedReview races likes and comments on a reader
// review's page against the review's deletion: once the delete is
// acknowledged and the racing requests are answered, the deleted page
// must hold no likes, comments or popularity entry.
func TestAttackLikeDeletedReview(t *testing.T) {
	ts := MustServer(t)
	author := ts.MustBearer(t, "racer0")
	likers := make([]*client, 12)
	for i := range likers {
		likers[i] = ts.MustBearer(t, fmt.Sprintf("racer%d", i+1))
	}
	ctx := context.Background()
	for round := range 10 {
		r := author.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "Race", "rating": 3, "body": "x"})
		r.want(t, 201, "")
		var out reviewResponse
		r.decode(t, &out)
		page := out.Review.PageID()
		var wg sync.WaitGroup
		for i, c := range likers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%3 == 0 {
					c.do("POST", "/api/comments", map[string]any{"page": page, "body": "racing"})
				} else {
					c.do("PUT", pagePath(page), nil)
				}
			}()
		}
		author.do("DELETE", fmt.Sprintf("/api/reviews/%d", out.Review.ID), nil).want(t, 204, "")
		wg.Wait()
		counts, err := ts.DB.PageCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := counts[page]; ok {
			t.Fatalf("round %d: deleted review %s still has %+v", round, page, c)
		}
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestAttackNoEmailLeak reads everything public about a user's comment
// and review, anonymously and as another user: the e-mail never appears.
func TestAttackNoEmailLeak(t *testing.T) {
	ts := MustServer(t)
	alice, _ := ts.MustUser(t, "leaky")
	bob, _ := ts.MustUser(t, "nosy")
	cm := mustComment(t, alice, "countries/japan", "hello", 0)
	r := alice.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "T", "rating": 4, "body": "b"})
	r.want(t, 201, "")
	var rev reviewResponse
	r.decode(t, &rev)
	alice.do("PUT", pagePath(rev.Review.PageID()), nil).want(t, 200, "")
	paths := []string{
		"/api/comments?page=countries/japan",
		fmt.Sprintf("/api/reviews/%d", rev.Review.ID),
		"/api/reviews?country=japan",
		fmt.Sprintf("/api/reviews?author=%d", cm.Author.ID),
		"/api/popular",
		"/api/page?id=" + q(rev.Review.PageID()),
	}
	for _, c := range []*client{ts.client(t), bob} {
		for _, p := range paths {
			r := c.do("GET", p, nil)
			r.want(t, 200, "")
			if strings.Contains(string(r.Body), "@") {
				t.Errorf("GET %s shows an e-mail: %s", p, r.Body)
			}
		}
	}
}

// TestAttackLoginLimitAliases guesses one account's password from many
// IPs, alternating its username and e-mail: the limit must count the
// account, not the spelling, so 10 guesses per minute in all. The 11th
// attempt carries the right password: if it were checked it would log in.
// A locked account must answer like a wrong password, not with a 429 that
// would tell the attacker the e-mail belongs to the name.
func TestAttackLoginLimitAliases(t *testing.T) {
	ts := limitedServer(t, trustLocalProxy)
	ts.MustUser(t, "alias1")
	c := ts.client(t)
	spellings := []string{"alias1", "Alias1@Example.com"}
	for i := 0; i < 10; i++ {
		failLogin(c, spellings[i%2], "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)).want(t, 401, "unauthenticated")
	}
	wrong := failLogin(c, "nobody@example.com", "X-Forwarded-For", "198.51.100.9")
	wrong.want(t, 401, "unauthenticated")
	for i, login := range spellings {
		t.Run(login, func(t *testing.T) {
			r := c.do("POST", "/api/auth/login", map[string]string{"login": login, "password": testPassword},
				"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
			r.want(t, 401, "unauthenticated")
			if string(r.Body) != string(wrong.Body) || r.Header.Get("Retry-After") != "" {
				t.Fatalf("locked account answers %s (Retry-After %q), an unknown login %s",
					r.Body, r.Header.Get("Retry-After"), wrong.Body)
			}
		})
	}
	t.Run("other accounts", func(t *testing.T) {
		ts.MustUser(t, "alias2")
		c.do("POST", "/api/auth/login", map[string]string{"login": "alias2@example.com", "password": testPassword},
			"X-Forwarded-For", "198.51.100.20").want(t, 200, "")
	})
}

// TestAttackConcurrentRefresh is two tabs of one browser (one cookie jar)
// refreshing at the same moment, as happens when a reader restores a
// window of several pages after the access token expired, or when a
// refresh answer is lost and retried. Reuse detection must not log the
// reader out: the second request is the same browser, not a thief.
func TestAttackConcurrentRefresh(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "twotabs")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.do("POST", "/api/auth/refresh", nil)
		}()
	}
	wg.Wait()
	c.do("GET", "/api/auth/me", nil).want(t, 200, "")
	c.do("POST", "/api/auth/refresh", nil).want(t, 200, "")
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
