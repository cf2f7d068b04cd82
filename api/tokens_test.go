package api

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/golang-jwt/jwt/v5"
)

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestForgedTokens sends tokens that must all be refused, each with a
// valid session behind it so only the token itself is at fault.
func TestForgedTokens(t *testing.T) {
	ts := MustServer(t)
	c, u := ts.MustUser(t, "grace")
	c.do("PUT", pagePath("countries/japan"), nil).want(t, 200, "")
	raw := c.cookieAt("/api/", "bt_access")
	var good claims
	if _, _, err := jwt.NewParser().ParseUnverified(raw, &good); err != nil {
		t.Fatal(err)
	}
	if good.Subject == "" || good.SessionID == "" || good.Role != "reader" {
		t.Fatalf("claims = %+v", good)
	}
	now := time.Now()
	mk := func(edit func(*claims)) claims {
		cl := good
		cl.IssuedAt = jwt.NewNumericDate(now)
		cl.NotBefore = jwt.NewNumericDate(now)
		cl.ExpiresAt = jwt.NewNumericDate(now.Add(time.Minute))
		edit(&cl)
		return cl
	}
	sign := func(m jwt.SigningMethod, key any, cl claims) string {
		s, err := jwt.NewWithClaims(m, cl).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	valid := mk(func(*claims) {})
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"valid (control)", sign(jwt.SigningMethodHS256, testSecret, valid), true},
		{"expired", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) {
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
		})), false},
		{"no expiry", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) { c.ExpiresAt = nil })), false},
		{"not yet valid", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) {
			c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour))
		})), false},
		{"issued in the future", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
		})), false},
		{"wrong key", sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-123456"), valid), false},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid), false},
		{"HS384 with the right key", sign(jwt.SigningMethodHS384, testSecret, valid), false},
		{"HS512 with the right key", sign(jwt.SigningMethodHS512, testSecret, valid), false},
		{"RS256", sign(jwt.SigningMethodRS256, rsaKey, valid), false},
		{"wrong issuer", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) { c.Issuer = "evil" })), false},
		{"wrong audience", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) {
			c.Audience = jwt.ClaimStrings{"other"}
		})), false},
		{"unknown session", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) { c.SessionID = "nope" })), false},
		{"other user's id", sign(jwt.SigningMethodHS256, testSecret, mk(func(c *claims) { c.Subject = "999" })), false},
		{"garbage", "not.a.token", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, viaCookie := range []bool{false, true} {
				cl := ts.client(t)
				if viaCookie {
					cl.setCookie("bt_access", tt.token, "/api")
				} else {
					cl.bearer = tt.token
				}
				r := cl.do("GET", "/api/auth/me", nil)
				if tt.ok {
					r.want(t, 200, "")
					continue
				}
				r.want(t, 401, "unauthenticated")
				// Public reads treat bad credentials as anonymous.
				var p pageResponse
				r = cl.do("GET", "/api/page?id=countries/japan", nil)
				r.want(t, 200, "")
				r.decode(t, &p)
				if p.Liked || p.Likes != 1 {
					t.Fatalf("page with forged token = %+v", p)
				}
			}
		})
	}
	_ = u
}

// cookieAt returns the value of a cookie the jar sends to path.
func (c *client) cookieAt(path, name string) string {
	for _, ck := range c.jar.Cookies(mustURL(c.base + path)) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// TestVerifiedTokensStillExpire parses a token (cached), then steps the
// clock: near and past its expiry the cached answer is not used.
func TestVerifiedTokensStillExpire(t *testing.T) {
	tok := newTokens(testSecret)
	var skew atomic.Int64
	tok.now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	u := &beforetrip.User{ID: 7, Role: beforetrip.RoleReader}
	raw, err := tok.issue(u, "s1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second parse comes from the cache
		if uid, sid, err := tok.parse(raw); err != nil || uid != 7 || sid != "s1" {
			t.Fatalf("parse = %d %q %v", uid, sid, err)
		}
	}
	// Within the leeway after exp the full check still accepts it.
	skew.Store(int64(time.Minute + 2*time.Second))
	if _, _, err := tok.parse(raw); err != nil {
		t.Fatalf("within the leeway: %v", err)
	}
	skew.Store(int64(time.Minute + tokenLeeway + time.Second))
	if _, _, err := tok.parse(raw); err == nil {
		t.Fatal("an expired token was accepted from the cache")
	}
	// A token differing from a cached one in its signature is checked,
	// and so is one that spells the same signature another way (its last
	// character's padding bits flipped).
	skew.Store(0)
	if _, _, err := tok.parse(tamperToken(raw)); err == nil {
		t.Fatal("a forged signature was accepted")
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	respelt := raw[:len(raw)-1] + string(alphabet[strings.IndexByte(alphabet, raw[len(raw)-1])^1])
	if _, _, err := tok.parse(respelt); err == nil {
		t.Fatal("a second spelling of the signature was accepted")
	}
}

// TestVerifiedTokensStillRevoked uses tokens once (so they are cached) and
// then revokes their session or blocks their user: the next request with
// the same token is refused at once.
func TestVerifiedTokensStillRevoked(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "erin")
	thief := ts.client(t)
	thief.bearer = c.cookieAt("/api/", "bt_access")
	thief.do("PUT", pagePath("countries/japan"), nil).want(t, 200, "")
	c.do("POST", "/api/auth/logout", nil).want(t, 204, "")
	thief.do("PUT", pagePath("countries/japan"), nil).want(t, 401, "unauthenticated")

	b := ts.MustBearer(t, "frank")
	b.do("PUT", pagePath("countries/japan"), nil).want(t, 200, "")
	if err := ts.DB.BlockUser(context.Background(), "frank"); err != nil {
		t.Fatal(err)
	}
	b.do("PUT", pagePath("countries/japan"), nil).want(t, 403, "forbidden")
}
