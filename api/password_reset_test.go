package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

const newPassword = "a brand new passphrase"

func TestForgotAndResetPassword(t *testing.T) {
	ts := MustServer(t)
	alice, _ := ts.MustUser(t, "alice")
	other := ts.client(t)
	if st := other.login("alice", testPassword); st != http.StatusOK {
		t.Fatalf("second login: %d", st)
	}
	anon := ts.client(t)
	for _, login := range []string{"alice", "ALICE@example.com", "nobody", "nobody@example.com"} {
		anon.do("POST", "/api/auth/password/forgot", map[string]string{"login": login}).want(t, http.StatusAccepted, "")
	}
	anon.do("POST", "/api/auth/password/forgot", map[string]string{"login": " "}).want(t, http.StatusBadRequest, "invalid")
	mails := ts.queued(t, "alice@example.com", beforetrip.MailReset)
	if len(mails) != 2 {
		t.Fatalf("%d reset mails to alice, want 2 (by name and by email)", len(mails))
	}
	if !strings.HasPrefix(mails[0].Link, "http://site.test/account/reset/#token=") {
		t.Errorf("link = %q", mails[0].Link)
	}
	if n := len(ts.queued(t, "nobody@example.com", beforetrip.MailReset)); n != 0 {
		t.Errorf("%d mails for an unknown account", n)
	}
	tok := tokenOf(t, mails[0].Link)

	// A weak password is refused and leaves the token usable.
	anon.do("POST", "/api/auth/password/reset", map[string]string{"token": tok, "password": "alice"}).
		want(t, http.StatusBadRequest, "invalid")
	for _, bad := range []string{"", "garbage", tamperToken(tok)} {
		r := anon.do("POST", "/api/auth/password/reset", map[string]string{"token": bad, "password": newPassword})
		r.want(t, http.StatusBadRequest, "invalid")
		if !strings.Contains(string(r.Body), "ask for a new one") {
			t.Errorf("message for a bad token: %s", r.Body)
		}
	}
	r := anon.do("POST", "/api/auth/password/reset", map[string]string{"token": tok, "password": newPassword})
	r.want(t, http.StatusOK, "")
	if len(r.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("reset set cookies %q: it must log in nowhere", r.Header.Values("Set-Cookie"))
	}
	// Every session of the account is gone.
	for _, c := range []*client{alice, other} {
		c.do("GET", "/api/auth/me", nil).want(t, http.StatusUnauthorized, "")
		c.do("POST", "/api/auth/refresh", nil).want(t, http.StatusUnauthorized, "")
	}
	anon.do("POST", "/api/auth/password/reset", map[string]string{"token": tok, "password": newPassword + "2"}).
		want(t, http.StatusBadRequest, "invalid")
	if st := ts.client(t).login("alice", testPassword); st != http.StatusUnauthorized {
		t.Errorf("old password: %d, want 401", st)
	}
	if st := ts.client(t).login("alice", newPassword); st != http.StatusOK {
		t.Errorf("new password: %d, want 200", st)
	}
	// The second link expires after an hour.
	ts.AdvanceStore(time.Hour + time.Second)
	anon.do("POST", "/api/auth/password/reset", map[string]string{"token": tokenOf(t, mails[1].Link), "password": newPassword + "3"}).
		want(t, http.StatusBadRequest, "invalid")
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestForgotPasswordLimits: 5 mail requests an hour per IP get 429; per
// account the sixth mail is silently not sent (a 429 would tell the
// account exists).
func TestForgotPasswordLimits(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.Limits = true; c.TrustedProxies = []string{"127.0.0.1"} })
	ts.MustUser(t, "alice") // its verification mail is the account's first
	anon := ts.client(t)
	for i := range 7 {
		r := anon.do("POST", "/api/auth/password/forgot", map[string]string{"login": "alice"},
			"X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
		r.want(t, http.StatusAccepted, "")
	}
	if n := len(ts.queued(t, "alice@example.com", beforetrip.MailReset)); n != 4 {
		t.Errorf("%d reset mails, want 4 (5 an hour with the verification mail)", n)
	}
	for i := range 6 {
		r := anon.do("POST", "/api/auth/password/forgot", map[string]string{"login": "nobody"}, "X-Forwarded-For", "10.0.1.1")
		if i < 5 {
			r.want(t, http.StatusAccepted, "")
		} else {
			r.want(t, http.StatusTooManyRequests, "rate_limited")
		}
	}
}

func TestChangePassword(t *testing.T) {
	ts := MustServer(t)
	alice, _ := ts.MustUser(t, "alice")
	other := ts.client(t)
	other.login("alice", testPassword)
	for _, tc := range []struct {
		name          string
		current, next string
		field         string
	}{
		{"wrong current", "wrong password", newPassword, "current_password"},
		{"no current", "", newPassword, "current_password"},
		{"weak", testPassword, "alice", "password"},
	} {
		r := alice.do("POST", "/api/auth/password/change", map[string]string{"current_password": tc.current, "password": tc.next})
		r.want(t, http.StatusBadRequest, "invalid")
		if !strings.Contains(string(r.Body), `"field":"`+tc.field+`"`) {
			t.Errorf("%s: %s, want field %s", tc.name, r.Body, tc.field)
		}
	}
	// Without the CSRF header: refused.
	alice.noCSRF = true
	alice.do("POST", "/api/auth/password/change", map[string]string{"current_password": testPassword, "password": newPassword}).
		want(t, http.StatusForbidden, "csrf")
	alice.noCSRF = false
	alice.do("POST", "/api/auth/password/change", map[string]string{"current_password": testPassword, "password": newPassword}).
		want(t, http.StatusOK, "")
	alice.me() // this session stays
	other.do("GET", "/api/auth/me", nil).want(t, http.StatusUnauthorized, "")
	if st := ts.client(t).login("alice", newPassword); st != http.StatusOK {
		t.Errorf("new password: %d", st)
	}
	if st := ts.client(t).login("alice", testPassword); st != http.StatusUnauthorized {
		t.Errorf("old password: %d", st)
	}
	ts.client(t).do("POST", "/api/auth/password/change", map[string]string{"current_password": "x", "password": newPassword}).
		want(t, http.StatusUnauthorized, "")
}
