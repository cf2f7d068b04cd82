package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/store"
)

func TestRegister(t *testing.T) {
	ts := MustServer(t)
	c := ts.client(t)
	r := c.do("POST", "/api/auth/register", map[string]string{
		"username": "Alice", "email": "alice@Example.COM", "password": testPassword})
	r.want(t, http.StatusCreated, "")
	var out userResponse
	r.decode(t, &out)
	if out.User.Username != "alice" || out.User.Email != "alice@example.com" || out.User.Role != "reader" || out.User.ID == 0 {
		t.Fatalf("user = %+v", out.User)
	}
	wantCookies := map[string]string{ // name → attributes that must appear
		"bt_access":  "Path=/api; HttpOnly; SameSite=Lax",
		"bt_refresh": "Path=/api/auth; HttpOnly; SameSite=Lax",
		"bt_csrf":    "Path=/; SameSite=Lax",
	}
	for _, sc := range r.Header.Values("Set-Cookie") {
		name := sc[:strings.IndexByte(sc, '=')]
		attrs, ok := wantCookies[name]
		if !ok {
			continue
		}
		for _, a := range strings.Split(attrs, "; ") {
			if !strings.Contains(strings.ToLower(sc), strings.ToLower(a)) {
				t.Errorf("%s cookie %q lacks %q", name, sc, a)
			}
		}
		if name == "bt_csrf" && strings.Contains(sc, "HttpOnly") {
			t.Errorf("bt_csrf must be readable by JavaScript: %q", sc)
		}
		delete(wantCookies, name)
	}
	if len(wantCookies) > 0 {
		t.Fatalf("cookies not set: %v", wantCookies)
	}
	if h := r.Header.Get("X-CSRF-Token"); h == "" || h != c.cookie("bt_csrf") {
		t.Fatalf("X-CSRF-Token header %q, cookie %q", h, c.cookie("bt_csrf"))
	}
	me := c.do("GET", "/api/auth/me", nil)
	me.want(t, http.StatusOK, "")
	if me.Header.Get("X-CSRF-Token") != c.cookie("bt_csrf") {
		t.Fatal("me does not repeat the CSRF token for cross-origin widgets")
	}
	if !strings.Contains(string(me.Body), `"email":"alice@example.com"`) {
		t.Fatalf("me = %s", me.Body)
	}

	big := `{"username":"bob","email":"bob@example.com","password":"` + strings.Repeat("x", 70<<10) + `"}`
	tests := []struct {
		name   string
		body   string
		status int
		code   string
		field  string
	}{
		{"malformed JSON", `{"username":`, 400, "invalid", ""},
		{"not an object", `[1,2]`, 400, "invalid", ""},
		{"empty body", ``, 400, "invalid", ""},
		{"unknown field", `{"username":"bob","email":"bob@example.com","password":"` + testPassword + `","admin":true}`, 400, "invalid", "admin"},
		{"trailing data", `{"username":"bob","email":"bob@example.com","password":"` + testPassword + `"} {}`, 400, "invalid", ""},
		{"wrong type", `{"username":7,"email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"short name", `{"username":"bo","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"long name", `{"username":"` + strings.Repeat("b", 33) + `","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"bad name chars", `{"username":"bob smith","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"reserved name", `{"username":"admin","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"reserved name spelled", `{"username":"Mod-Erator_2","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"bidi control in name", `{"username":"bob\u202e","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"zero-width space in name", `{"username":"b\u200bob","email":"bob@example.com","password":"` + testPassword + `"}`, 400, "invalid", "username"},
		{"bad email", `{"username":"bob","email":"bob@","password":"` + testPassword + `"}`, 400, "invalid", "email"},
		{"email with name", `{"username":"bob","email":"Bob <bob@example.com>","password":"` + testPassword + `"}`, 400, "invalid", "email"},
		{"email without dot", `{"username":"bob","email":"bob@localhost","password":"` + testPassword + `"}`, 400, "invalid", "email"},
		{"short password", `{"username":"bob","email":"bob@example.com","password":"short"}`, 400, "invalid", "password"},
		{"common password", `{"username":"bob","email":"bob@example.com","password":"Password123"}`, 400, "invalid", "password"},
		{"name taken", `{"username":"ALICE","email":"other@example.com","password":"` + testPassword + `"}`, 409, "conflict", ""},
		{"email taken", `{"username":"alice2","email":"ALICE@example.com","password":"` + testPassword + `"}`, 409, "conflict", ""},
		{"too large", big, 413, "too_large", ""},
	}
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		t.Run("content type "+ct, func(t *testing.T) {
			// What a cross-site HTML form can send: refused (login CSRF).
			ts.client(t).do("POST", "/api/auth/login", `{"login":"alice","password":"`+testPassword+`"}`,
				"Content-Type", ct).want(t, 400, "invalid")
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.client(t).do("POST", "/api/auth/register", tt.body)
			r.want(t, tt.status, tt.code)
			var e errorBody
			r.decode(t, &e)
			if e.Error.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Error.Field, tt.field)
			}
			if tt.status == 409 && e.Error.Message != "Username or email already registered." {
				t.Errorf("conflict message = %q", e.Error.Message)
			}
		})
	}
	// Nothing of the refused registrations was stored.
	if _, err := ts.DB.UserByLogin(context.Background(), "bob"); err == nil {
		t.Fatal("a refused registration created user bob")
	}
}

func TestLogin(t *testing.T) {
	ts := MustServer(t)
	ts.MustUser(t, "carol")
	for _, login := range []string{"carol", "CAROL", "carol@example.com", "Carol@Example.com"} {
		t.Run("ok "+login, func(t *testing.T) {
			c := ts.client(t)
			c.do("POST", "/api/auth/login", map[string]string{"login": login, "password": testPassword}).want(t, 200, "")
			c.do("GET", "/api/auth/me", nil).want(t, 200, "")
		})
	}
	unknown := ts.client(t).do("POST", "/api/auth/login", map[string]string{"login": "nobody", "password": testPassword})
	wrong := ts.client(t).do("POST", "/api/auth/login", map[string]string{"login": "carol", "password": "wrong password"})
	unknown.want(t, 401, "unauthenticated")
	wrong.want(t, 401, "unauthenticated")
	if string(unknown.Body) != string(wrong.Body) {
		t.Fatalf("unknown user and wrong password answer differently:\n%s\n%s", unknown.Body, wrong.Body)
	}
	if len(wrong.Header.Values("Set-Cookie")) != 0 {
		t.Fatal("a failed login set cookies")
	}
	ts.client(t).do("POST", "/api/auth/login", `{"login":"carol"}`).want(t, 400, "invalid")
}

func TestLogoutRevokesToken(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "dave")
	access := ""
	for _, ck := range c.jar.Cookies(mustURL(ts.URL + "/api/")) {
		if ck.Name == "bt_access" {
			access = ck.Value
		}
	}
	if access == "" {
		t.Fatal("no access cookie")
	}
	r := c.do("POST", "/api/auth/logout", nil)
	r.want(t, http.StatusNoContent, "")
	if c.cookie("bt_access") != "" || c.cookie("bt_refresh") != "" || c.cookie("bt_csrf") != "" {
		t.Fatal("logout left cookies")
	}
	// The token copied before logout is dead: its session is revoked.
	thief := ts.client(t)
	thief.bearer = access
	thief.do("GET", "/api/auth/me", nil).want(t, 401, "unauthenticated")
	thief.do("PUT", pagePath("countries/japan"), nil).want(t, 401, "unauthenticated")
	// Logging out again is harmless.
	c.do("POST", "/api/auth/logout", nil).want(t, http.StatusNoContent, "")
}

func TestRefreshRotation(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "erin")
	first := c.cookie("bt_refresh")
	csrf := c.cookie("bt_csrf")
	r := c.do("POST", "/api/auth/refresh", nil)
	r.want(t, 200, "")
	second := c.cookie("bt_refresh")
	if second == "" || second == first {
		t.Fatalf("refresh token not rotated: %q → %q", first, second)
	}
	if c.cookie("bt_csrf") != csrf {
		t.Fatal("refresh changed the CSRF token (other tabs would break)")
	}
	c.do("GET", "/api/auth/me", nil).want(t, 200, "")

	// An attacker replays the first (already rotated) token once its grace
	// period is over: the session dies.
	ts.AdvanceStore(store.RefreshGrace)
	thief := ts.client(t)
	thief.setCookie("bt_refresh", first, "/api/auth")
	thief.setCookie("bt_csrf", csrf, "/")
	thief.do("POST", "/api/auth/refresh", nil).want(t, 401, "unauthenticated")
	// The legitimate client's newest token and its access token fail too.
	c.do("GET", "/api/auth/me", nil).want(t, 401, "unauthenticated")
	c.do("POST", "/api/auth/refresh", nil).want(t, 401, "unauthenticated")
	// No refresh cookie at all.
	ts.client(t).do("POST", "/api/auth/refresh", nil).want(t, 401, "unauthenticated")
}

func TestBearerToken(t *testing.T) {
	ts := MustServer(t)
	ts.MustUser(t, "frank")
	c := ts.client(t)
	r := c.do("POST", "/api/auth/token", map[string]string{"login": "frank", "password": testPassword})
	r.want(t, 200, "")
	if len(r.Header.Values("Set-Cookie")) != 0 {
		t.Fatal("token endpoint set cookies")
	}
	var tok tokenResponse
	r.decode(t, &tok)
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 900 || tok.AccessToken == "" {
		t.Fatalf("token = %+v", tok)
	}
	c.bearer = tok.AccessToken
	// No CSRF header needed with Authorization.
	c.do("PUT", pagePath("countries/japan"), nil).want(t, 200, "")
	c.do("POST", "/api/auth/logout", nil).want(t, 204, "")
	c.do("GET", "/api/auth/me", nil).want(t, 401, "unauthenticated")
	ts.client(t).do("POST", "/api/auth/token", map[string]string{"login": "frank", "password": "nope nope"}).
		want(t, 401, "unauthenticated")
}

func TestBlockedUser(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "mallory")
	b := ts.MustBearer(t, "mallory2")
	for _, name := range []string{"mallory", "mallory2"} {
		if err := ts.DB.BlockUser(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	c.do("PUT", pagePath("countries/japan"), nil).want(t, 403, "forbidden")
	b.do("POST", "/api/comments", map[string]string{"page": "countries/japan", "body": "hi"}).want(t, 403, "forbidden")
	ts.client(t).do("POST", "/api/auth/login", map[string]string{"login": "mallory", "password": testPassword}).
		want(t, 403, "forbidden")
	// Reading stays possible, as anyone.
	c.do("GET", "/api/page?id=countries/japan", nil).want(t, 200, "")
}

// TestLogoutWithExpiredAccess logs out a browser whose access cookie has
// expired (dropped): the refresh token still finds and revokes the session.
func TestLogoutWithExpiredAccess(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "olga")
	_, sid, err := ts.tokens.parse(c.cookieAt("/api/", "bt_access"))
	if err != nil {
		t.Fatal(err)
	}
	refresh := c.cookie("bt_refresh")
	// The access cookie expired: the browser no longer sends it.
	c.jar.SetCookies(mustURL(ts.URL+"/api"), []*http.Cookie{{Name: "bt_access", Path: "/api", MaxAge: -1}})
	c.do("POST", "/api/auth/logout", nil).want(t, 204, "")
	thief := ts.client(t)
	thief.setCookie("bt_refresh", refresh, "/api/auth")
	thief.setCookie("bt_csrf", "any-value-the-thief-likes-0123456789", "/")
	thief.do("POST", "/api/auth/refresh", nil).want(t, 401, "unauthenticated")
	// The store answers a revoked session with unauthenticated.
	if sess, err := ts.DB.Session(context.Background(), sid); err == nil && !sess.Revoked {
		t.Fatalf("session after logout = %+v; want revoked", sess)
	}
}

// TestCrossSiteCookies checks the cookies of a widget on another site:
// SameSite=None, Secure and Partitioned (CHIPS), since browsers that block
// third-party cookies keep partitioned ones.
func TestCrossSiteCookies(t *testing.T) {
	ts := MustServer(t, func(c *Config) {
		c.Cookie = CookieConfig{Secure: true, SameSite: "None", Domain: "api.example"}
	})
	r := ts.client(t).do("POST", "/api/auth/register", map[string]string{
		"username": "remote", "email": "remote@example.com", "password": testPassword})
	r.want(t, 201, "")
	set := r.Header.Values("Set-Cookie")
	if len(set) != 3 {
		t.Fatalf("Set-Cookie = %q, want 3 cookies", set)
	}
	for _, sc := range set {
		for _, attr := range []string{"; Secure", "; SameSite=None", "; Partitioned", "; Domain=api.example", "; Max-Age="} {
			if !strings.Contains(sc, attr) {
				t.Errorf("cookie %q lacks %q", sc, attr)
			}
		}
	}
}
