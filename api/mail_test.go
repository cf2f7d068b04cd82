package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"

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

// TestApprovedReplyNotifies: with pre-moderation a reply waits for a
// moderator, and its notification goes out when it is approved (not when
// it is posted, and not for a rejected one), through a real SMTP server.
func TestApprovedReplyNotifies(t *testing.T) {
	ts, mp := mustMailServer(t, func(c *Config) { c.Moderation = "pre"; c.ReplyBatch = time.Second })
	alice, _ := ts.MustUser(t, "alice")
	bob, _ := ts.MustUser(t, "bob")
	mod, _ := ts.MustUser(t, "carol")
	ts.MustRole(t, "carol", beforetrip.RoleAdmin)
	verify := mp.Wait("alice@example.com", 1)[0]
	link := mailtest.Link(t, verify.Text, "http://site.test/account/verify/#token=")
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{"token": tokenOf(t, link)}).want(t, http.StatusOK, "")
	alice.do("PATCH", "/api/auth/me", map[string]any{"notify_replies": true}).want(t, http.StatusOK, "")

	page := "countries/japan"
	var top, spam, reply commentResponse
	alice.do("POST", "/api/comments", map[string]any{"page": page, "body": "Which pass?"}).decode(t, &top)
	approve := func(id uint64, how string) {
		mod.do("POST", "/api/admin/comments/"+strconv.FormatUint(id, 10)+"/"+how, nil).want(t, http.StatusOK, "")
	}
	approve(top.Comment.ID, "approve")
	bob.do("POST", "/api/comments", map[string]any{"page": page, "body": "buy my pills", "parent_id": top.Comment.ID}).decode(t, &spam)
	bob.do("POST", "/api/comments", map[string]any{"page": page, "body": "The JR Pass", "parent_id": top.Comment.ID}).decode(t, &reply)
	if !reply.Comment.Pending {
		t.Fatal("bob's reply is not pending under pre-moderation")
	}
	if n := len(ts.queued(t, "alice@example.com", beforetrip.MailReplies)); n != 0 {
		t.Fatalf("%d reply mails queued before approval, want 0", n)
	}
	approve(spam.Comment.ID, "reject")
	approve(reply.Comment.ID, "approve")
	var got []mailtest.Message
	for _, m := range mp.Wait("alice@example.com", 2) {
		if strings.Contains(m.Text, "#comment-") {
			got = append(got, m)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0].Text, "The JR Pass") || strings.Contains(got[0].Text, "pills") ||
		!strings.Contains(got[0].Text, "#comment-"+strconv.FormatUint(reply.Comment.ID, 10)) {
		t.Fatalf("reply mails = %+v, want one with the approved reply only", got)
	}
	if len(got[0].Headers["List-Unsubscribe-Post"]) == 0 {
		t.Error("approved reply's mail lacks List-Unsubscribe-Post")
	}
}

// TestRestoredReplyNotifiesOnce: a pending reply a moderator rejects and
// later restores is seen for the first time then, so its notification goes
// out at the restore (it never did before); hiding it again, restoring it
// again, or an edit that sends it back to the queue never mails it twice.
func TestRestoredReplyNotifiesOnce(t *testing.T) {
	ts, mp := mustMailServer(t, func(c *Config) { c.Moderation = "pre"; c.ReplyBatch = time.Second })
	alice, _ := ts.MustUser(t, "alice")
	bob, _ := ts.MustUser(t, "bob")
	dave, _ := ts.MustUser(t, "dave")
	mod, _ := ts.MustUser(t, "carol")
	ts.MustRole(t, "carol", beforetrip.RoleAdmin)
	verify := mp.Wait("alice@example.com", 1)[0]
	link := mailtest.Link(t, verify.Text, "http://site.test/account/verify/#token=")
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{"token": tokenOf(t, link)}).want(t, http.StatusOK, "")
	alice.do("PATCH", "/api/auth/me", map[string]any{"notify_replies": true}).want(t, http.StatusOK, "")

	page := "countries/japan"
	var top, reply, later commentResponse
	alice.do("POST", "/api/comments", map[string]any{"page": page, "body": "Which pass?"}).decode(t, &top)
	decide := func(id uint64, how string) {
		t.Helper()
		mod.do("POST", "/api/admin/comments/"+strconv.FormatUint(id, 10)+"/"+how, nil).want(t, http.StatusOK, "")
	}
	decide(top.Comment.ID, "approve")
	bob.do("POST", "/api/comments", map[string]any{"page": page, "body": "The JR Pass", "parent_id": top.Comment.ID}).decode(t, &reply)
	decide(reply.Comment.ID, "reject")
	decide(reply.Comment.ID, "restore")
	anchor := "#comment-" + strconv.FormatUint(reply.Comment.ID, 10)
	if ms := mp.Wait("alice@example.com", 2); !strings.Contains(ms[0].Text+ms[1].Text, anchor) {
		t.Fatalf("mails to alice = %q, %q; want the restored reply's notification", ms[0].Subject, ms[1].Subject)
	}
	// Shown again, never for the first time: no second mail.
	decide(reply.Comment.ID, "reject")
	decide(reply.Comment.ID, "restore")
	bob.do("PATCH", "/api/comments/"+strconv.FormatUint(reply.Comment.ID, 10), map[string]any{"body": "The JR Pass, still"}).
		want(t, http.StatusOK, "")
	decide(reply.Comment.ID, "approve")
	// A later reply's mail comes after any the steps above queued.
	dave.do("POST", "/api/comments", map[string]any{"page": page, "body": "Suica", "parent_id": top.Comment.ID}).decode(t, &later)
	decide(later.Comment.ID, "approve")
	var bobs, daves int
	for _, m := range mp.Wait("alice@example.com", 3) {
		bobs += strings.Count(m.Text, anchor)
		daves += strings.Count(m.Text, "#comment-"+strconv.FormatUint(later.Comment.ID, 10))
	}
	if bobs != 1 || daves != 1 {
		t.Fatalf("mails to alice mention bob's reply %d times and dave's %d times, want once each", bobs, daves)
	}
}
