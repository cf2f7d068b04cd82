package api

import (
	"net/http"
	"testing"

	"github.com/beforetrip/beforetrip"
)

func TestVerifyEmail(t *testing.T) {
	ts := MustServer(t)
	alice, u := ts.MustUser(t, "alice")
	if u.EmailVerified {
		t.Fatal("a new account is verified")
	}
	mails := ts.queued(t, "alice@example.com", beforetrip.MailVerify)
	if len(mails) != 1 || mails[0].Username != "alice" {
		t.Fatalf("verification mails = %+v, want one", mails)
	}
	alice.do("POST", "/api/auth/email/resend", nil).want(t, http.StatusAccepted, "")
	tok := ts.lastToken(t, "alice@example.com", beforetrip.MailVerify)
	// Verifying needs no session: the link may open in another browser.
	r := ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{"token": tok})
	r.want(t, http.StatusOK, "")
	if !alice.me().EmailVerified {
		t.Error("me: email_verified false after verification")
	}
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{"token": tok}).want(t, http.StatusBadRequest, "invalid")
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{"token": "nope"}).want(t, http.StatusBadRequest, "invalid")
	// Verified: a resend sends nothing.
	alice.do("POST", "/api/auth/email/resend", nil).want(t, http.StatusAccepted, "")
	if n := len(ts.queued(t, "alice@example.com", beforetrip.MailVerify)); n != 2 {
		t.Errorf("%d verification mails, want 2", n)
	}
	ts.client(t).do("POST", "/api/auth/email/resend", nil).want(t, http.StatusUnauthorized, "")
}

func TestRequireVerifiedEmail(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.RequireVerifiedEmail = true })
	alice, _ := ts.MustUser(t, "alice")
	alice.do("PUT", pagePath("countries/japan"), nil).want(t, http.StatusOK, "")
	r := alice.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "hi"})
	r.want(t, http.StatusForbidden, "forbidden")
	alice.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "T", "rating": 4, "body": "b"}).
		want(t, http.StatusForbidden, "forbidden")
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{
		"token": ts.lastToken(t, "alice@example.com", beforetrip.MailVerify)}).want(t, http.StatusOK, "")
	alice.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "hi"}).want(t, http.StatusCreated, "")
	alice.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "T", "rating": 4, "body": "b"}).
		want(t, http.StatusCreated, "")
}

func TestChangeEmail(t *testing.T) {
	ts := MustServer(t)
	alice, _ := ts.MustUser(t, "alice")
	ts.MustUser(t, "bob")
	change := func(password, email string) *response {
		return alice.do("POST", "/api/auth/email/change", map[string]string{"password": password, "email": email})
	}
	change("wrong", "alice@new.example").want(t, http.StatusBadRequest, "invalid")
	change(testPassword, "not-an-address").want(t, http.StatusBadRequest, "invalid")
	change(testPassword, "alice@example.com").want(t, http.StatusBadRequest, "invalid")
	change(testPassword, "BOB@example.com").want(t, http.StatusConflict, "conflict")
	change(testPassword, "alice@new.example").want(t, http.StatusAccepted, "")

	notice := ts.queued(t, "alice@example.com", beforetrip.MailEmailChanged)
	if len(notice) != 1 || notice[0].Email != "alice@new.example" || notice[0].Link != "" {
		t.Fatalf("notice to the old address = %+v", notice)
	}
	// Not changed until verified.
	if me := alice.me(); me.Email != "alice@example.com" {
		t.Errorf("email before verification = %q", me.Email)
	}
	tok := ts.lastToken(t, "alice@new.example", beforetrip.MailEmailChange)
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{"token": tok}).want(t, http.StatusOK, "")
	if me := alice.me(); me.Email != "alice@new.example" || !me.EmailVerified {
		t.Errorf("after verification: %+v", me)
	}
	if st := ts.client(t).login("alice@new.example", testPassword); st != http.StatusOK {
		t.Errorf("login by new email: %d", st)
	}
	if st := ts.client(t).login("alice@example.com", testPassword); st != http.StatusUnauthorized {
		t.Errorf("login by old email: %d", st)
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}
