package durability

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/mail/mailtest"
	"github.com/beforetrip/beforetrip/test/harness"
)

// blackHole is an SMTP address that accepts connections and never answers:
// a mail being sent to it is in flight until the sender gives up.
type blackHole struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	got   chan struct{} // one value per accepted connection
}

func mustBlackHole(tb testing.TB) *blackHole {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	h := &blackHole{ln: ln, got: make(chan struct{}, 100)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
			h.got <- struct{}{}
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, c := range h.conns {
			c.Close()
		}
	})
	return h
}

// TestResetMailSurvivesKill: a password reset acknowledged with 202 whose
// mail is still being sent (the SMTP server has not answered) when the
// process gets SIGKILL is delivered after the restart, and its token
// works: the token and the outbox entry were durable before the 202.
func TestResetMailSurvivesKill(t *testing.T) {
	mp := mailtest.Start(t)
	hole := mustBlackHole(t)
	srv := harness.NewServer(t, harness.MustBinary(t))
	srv.MustBuildSite()
	srv.Env = []string{"BEFORETRIP_MAIL_SMTP_URL=smtp://" + hole.ln.Addr().String()}
	srv.Start()
	srv.MustAccount(t, "alice")
	ctx := context.Background()
	st, body, err := srv.NewClient().Do(ctx, "POST", "/api/auth/password/forgot", map[string]string{"login": "alice"})
	if err != nil || st != http.StatusAccepted {
		t.Fatalf("forgot: %d %s %v", st, body, err)
	}
	// The sender is on its way to the (silent) mail server: kill now.
	select {
	case <-hole.got:
	case <-time.After(2 * time.Minute):
		t.Fatal("the server never tried to send a mail")
	}
	srv.Kill()

	srv.Env = []string{"BEFORETRIP_MAIL_SMTP_URL=" + mp.SMTPURL}
	srv.Start()
	var reset mailtest.Message
	for _, m := range mp.Wait("alice@example.com", 2) {
		if strings.HasPrefix(m.Subject, "Reset your") {
			reset = m
		}
	}
	if reset.ID == "" {
		t.Fatal("the reset mail was lost with the kill")
	}
	link := mailtest.Link(t, reset.Text, "/account/reset/#token=")
	token, err := url.QueryUnescape(link[strings.Index(link, "#token=")+len("#token="):])
	if err != nil {
		t.Fatal(err)
	}
	anon := srv.NewClient()
	newPassword := "a brand new passphrase"
	if st, body, err := anon.Do(ctx, "POST", "/api/auth/password/reset",
		map[string]string{"token": token, "password": newPassword}); err != nil || st != http.StatusOK {
		t.Fatalf("reset with the token of the mail sent after the restart: %d %s %v", st, body, err)
	}
	if st, _, _ := anon.Do(ctx, "POST", "/api/auth/token", map[string]string{"login": "alice", "password": newPassword}); st != http.StatusOK {
		t.Errorf("login with the new password: %d", st)
	}
}
