package api

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/beforetrip/beforetrip/mail"
	"github.com/beforetrip/beforetrip/mail/mailtest"
)

// mustMailServer is a test server whose outbox a real mail sender delivers
// to mailpit.
func mustMailServer(tb testing.TB, opts ...func(*Config)) (*testServer, *mailtest.Mailpit) {
	tb.Helper()
	mp := mailtest.Start(tb)
	ts := mustServerWith(tb, func(svc *Services) {
		s, err := mail.New(svc.Accounts.(testStore), mail.Config{SMTPURL: mp.SMTPURL, From: "Test Site <noreply@site.test>",
			Site: "Test Site", Language: "en"})
		if err != nil {
			tb.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { s.Run(ctx) })
		tb.Cleanup(func() { cancel(); wg.Wait() })
		svc.Mail = s
	}, nil, opts...)
	return ts, mp
}

func TestResetThroughRealMail(t *testing.T) {
	ts, mp := mustMailServer(t)
	ts.MustUser(t, "alice")
	anon := ts.client(t)
	anon.do("POST", "/api/auth/password/forgot", map[string]string{"login": "alice"}).want(t, http.StatusAccepted, "")
	var reset mailtest.Message
	for _, m := range mp.Wait("alice@example.com", 2) {
		if strings.HasPrefix(m.Subject, "Reset your Test Site password") {
			reset = m
		}
	}
	if reset.ID == "" {
		t.Fatal("no reset mail in mailpit")
	}
	link := mailtest.Link(t, reset.Text, "http://site.test/account/reset/#token=")
	if !strings.Contains(reset.HTML, link) {
		t.Errorf("HTML part lacks the link %s", link)
	}
	anon.do("POST", "/api/auth/password/reset", map[string]string{"token": tokenOf(t, link), "password": newPassword}).
		want(t, http.StatusOK, "")
	if st := ts.client(t).login("alice", newPassword); st != http.StatusOK {
		t.Errorf("login with the new password: %d", st)
	}
	if st := ts.client(t).login("alice", testPassword); st != http.StatusUnauthorized {
		t.Errorf("login with the old password: %d", st)
	}
}
