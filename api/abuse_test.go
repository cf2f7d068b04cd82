package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// referenceBomb is issue 12's payload: one link definition with a URL of
// urlLen characters, then as many uses of it as fit in n characters (the
// 19,995-character review rendered to 25.1 MB of HTML).
func referenceBomb(n, urlLen int) string {
	def := "[a]: http://e.example/" + strings.Repeat("a", urlLen) + "\n\n"
	return def + strings.Repeat("[a] ", (n-len(def))/4)
}

// TestAttackAmplifiedReaderText: reader texts whose HTML would pass the
// reader-HTML limits are refused with 400 invalid and a readable message,
// on create and on edit, and nothing is stored.
func TestAttackAmplifiedReaderText(t *testing.T) {
	ts := MustServer(t)
	kim, _ := ts.MustUser(t, "kim")
	review := referenceBomb(19995, 9978)
	comment := referenceBomb(4000, 2100)
	quotes := strings.Repeat(">", beforetrip.MaxReviewBodyLen)
	wantRefused := func(r *response) {
		t.Helper()
		r.want(t, 400, "invalid")
		var e struct {
			Error struct{ Message, Field string }
		}
		r.decode(t, &e)
		if e.Error.Field != "body" || !strings.Contains(e.Error.Message, "please") && !strings.Contains(e.Error.Message, "shorten") {
			t.Fatalf("error = %+v", e.Error)
		}
	}
	wantRefused(kim.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "t", "rating": 5, "body": review}))
	// Raw JSON: encoding/json would send each ">" as six bytes, past the
	// 64 KiB body limit.
	wantRefused(kim.do("POST", "/api/reviews", `{"country":"japan","title":"t","rating":5,"body":"`+quotes+`"}`,
		"Content-Type", "application/json"))
	wantRefused(kim.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": comment}))

	rv := mustReview(t, kim, "japan", "fine", 4)
	cm := mustComment(t, kim, "countries/japan", "fine", 0)
	wantRefused(kim.do("PATCH", fmt.Sprintf("/api/reviews/%d", rv.ID), map[string]any{"body": review}))
	wantRefused(kim.do("PATCH", fmt.Sprintf("/api/comments/%d", cm.ID), map[string]any{"body": comment}))

	var reviews beforetrip.ReviewPage
	ts.client(t).do("GET", "/api/reviews", nil).decode(t, &reviews)
	var comments beforetrip.CommentPage
	ts.client(t).do("GET", "/api/comments?page=countries/japan", nil).decode(t, &comments)
	if len(reviews.Reviews) != 1 || reviews.Reviews[0].Body != "Loved **it**." ||
		len(comments.Comments) != 1 || comments.Comments[0].Body != "fine" {
		t.Fatalf("stored: %+v %+v", reviews.Reviews, comments.Comments)
	}
}

// TestStorageQuota: one user's comments and reviews, Markdown plus HTML,
// are limited to StorageQuota bytes a day (429 with Retry-After past it);
// another user still writes, and a refused write spends nothing.
func TestStorageQuota(t *testing.T) {
	ts := limitedServer(t)
	kim, _ := ts.MustUser(t, "kim")
	lee, _ := ts.MustUser(t, "lee")
	body := strings.Repeat("서울 맛집 ", beforetrip.MaxReviewBodyLen/6) // ~47 KB, its HTML as much
	post := func(c *client) *response {
		return c.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "t", "rating": 5, "body": body})
	}
	written := 0
	for ; written < 20; written++ {
		r := post(kim)
		if r.Status == 429 {
			wantRetryAfterUpTo(t, r, 24*3600)
			break
		}
		r.want(t, 201, "")
	}
	if stored := 2 * len(body); written < StorageQuota/(stored+1024) || written > StorageQuota/stored {
		t.Fatalf("%d reviews of ~%d bytes stored before 429 (quota %d bytes)", written, stored, StorageQuota)
	}
	// Comments draw on the same quota: what the last review left is a few
	// long comments at most.
	comment := strings.Repeat("서울 맛집 ", 600)
	for i := 0; ; i++ {
		r := kim.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": comment})
		if r.Status == 429 {
			break
		}
		r.want(t, 201, "")
		if i*2*len(comment) > 2*len(body) {
			t.Fatalf("%d comments after the quota was used up", i+1)
		}
	}
	post(lee).want(t, 201, "")
}

// TestReadLimit: GETs under /api are limited per client IP (ReadLimit per
// minute); another client is still served, and writes do not count.
func TestReadLimit(t *testing.T) {
	ts := limitedServer(t, trustLocalProxy, func(c *Config) { c.ReadLimit = 30 })
	c := ts.client(t)
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	for i := 0; i < 30; i++ {
		c.do("GET", "/api/comments?page=countries/japan", nil, from("203.0.113.7")...).want(t, 200, "")
	}
	wantRetryAfter(t, c.do("GET", "/api/reviews", nil, from("203.0.113.7")...))
	c.do("GET", "/api/reviews", nil, from("203.0.113.8")...).want(t, 200, "")
	failLogin(c, "kim", from("203.0.113.7")...).want(t, 401, "unauthenticated")
}

// TestIPv6PrefixLimits: per-IP limits key IPv6 clients by their /64
// (Config.IPv6Prefix): 12 guesses from 12 addresses of one /64 were all
// checked before.
func TestIPv6PrefixLimits(t *testing.T) {
	guess := func(ts *testServer, ip string) *response {
		return failLogin(ts.client(t), fmt.Sprintf("user-%s", ip), "X-Forwarded-For", ip)
	}
	ts := limitedServer(t, trustLocalProxy)
	for i := 1; i <= 10; i++ {
		guess(ts, fmt.Sprintf("2001:db8:1:2::%x", i)).want(t, 401, "unauthenticated")
	}
	wantRetryAfter(t, guess(ts, "2001:db8:1:2:ffff:1:2:3"))
	guess(ts, "2001:db8:1:3::1").want(t, 401, "unauthenticated") // the next /64
	guess(ts, "192.0.2.1").want(t, 401, "unauthenticated")

	// A /128 prefix limits each address alone.
	ts = limitedServer(t, trustLocalProxy, func(c *Config) { c.IPv6Prefix = 128 })
	for i := 1; i <= 12; i++ {
		guess(ts, fmt.Sprintf("2001:db8:1:2::%x", i)).want(t, 401, "unauthenticated")
	}
}

// TestAllowedHosts: with AllowedHosts set (as `serve` does), a Host name
// that is not listed, as in a DNS rebinding attack, gets a JSON 403 on API
// and other paths; IP addresses, localhost and listed names are served.
func TestAllowedHosts(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.AllowedHosts = []string{"preview.example"} })
	c := ts.client(t)
	port := ts.URL[strings.LastIndexByte(ts.URL, ':'):]
	for host, want := range map[string]int{
		"rebind.attacker.example" + port: 403,
		"rebind.attacker.example":        403,
		"127.0.0.1" + port:               200,
		"[::1]" + port:                   200,
		"localhost" + port:               200,
		"Preview.Example" + port:         200,
	} {
		r := c.do("GET", "/api/healthz", nil, "Host", host)
		if r.Status != want {
			t.Errorf("Host %s: status %d, want %d", host, r.Status, want)
		}
		if want == 403 && r.errorCode() != "forbidden" {
			t.Errorf("Host %s: body %s, want the JSON error", host, r.Body)
		}
	}
	// Without AllowedHosts (`api` behind nginx) any Host is answered.
	MustServer(t).client(t).do("GET", "/api/healthz", nil, "Host", "rebind.attacker.example").want(t, 200, "")
}

// TestDeletedCommentHasNoAuthor: a deleted comment keeps its place in the
// thread but the API no longer tells who wrote it (issue 12: author id and
// name stayed visible).
func TestDeletedCommentHasNoAuthor(t *testing.T) {
	ts := MustServer(t)
	kim, _ := ts.MustUser(t, "kim")
	lee, _ := ts.MustUser(t, "lee")
	cm := mustComment(t, kim, "countries/japan", "to be deleted", 0)
	mustComment(t, lee, "countries/japan", "a reply", cm.ID)
	kim.do("DELETE", fmt.Sprintf("/api/comments/%d", cm.ID), nil).want(t, 204, "")
	r := ts.client(t).do("GET", "/api/comments?page=countries/japan", nil)
	var page beforetrip.CommentPage
	r.decode(t, &page)
	if len(page.Comments) != 2 || strings.Contains(string(r.Body), `"kim"`) {
		t.Fatalf("comments = %s", r.Body)
	}
	for _, c := range page.Comments {
		if c.ID == cm.ID && (!c.Deleted || c.Author != (beforetrip.Author{})) {
			t.Fatalf("deleted comment = %+v", c)
		}
	}
}

// TestCSRFBoundToSession: the CSRF token is its session's (an HMAC of the
// session ID). Someone who plants a bt_csrf cookie of their choice and
// sends it in the header (a plain double submit passed before) is refused;
// the token stays the same across a refresh, and each session has its own.
func TestCSRFBoundToSession(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "henry")
	own := c.cookie("bt_csrf")
	like := pagePath("countries/japan")
	planted := strings.Repeat("p", 43)
	c.setCookie("bt_csrf", planted, "/")
	c.noCSRF = true
	c.do("PUT", like, nil, "X-CSRF-Token", planted).want(t, 403, "csrf")
	c.setCookie("bt_csrf", own, "/")
	c.do("PUT", like, nil, "X-CSRF-Token", own).want(t, 200, "")
	c.do("POST", "/api/auth/refresh", nil, "X-CSRF-Token", own).want(t, 200, "")
	if got := c.cookie("bt_csrf"); got != own {
		t.Fatalf("token after refresh %q, want the session's %q", got, own)
	}
	other := ts.client(t)
	other.do("POST", "/api/auth/login", map[string]string{"login": "henry", "password": testPassword}).want(t, 200, "")
	if other.cookie("bt_csrf") == own {
		t.Fatal("two sessions share a CSRF token")
	}
}
