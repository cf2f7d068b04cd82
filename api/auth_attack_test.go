package api

import (
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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/golang-jwt/jwt/v5"
)

// Attacks on accounts and tokens over real HTTP, beside auth_test.go.
// Already covered there (not repeated here): alg=none, HS384/HS512/RS256,
// wrong key, expired, nbf and iat in the future, wrong issuer/audience,
// unknown session and other user's ID (TestForgedTokens); token after
// logout (TestLogoutRevokesToken); blocked user's token (TestBlockedUser);
// refresh-token reuse revoking the session and the new token
// (TestRefreshRotation); login rate limit with Retry-After (TestLoginLimits);
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
