package mail

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/mail/mailtest"
	"github.com/beforetrip/beforetrip/store"
	"github.com/beforetrip/beforetrip/test/harness"
)

func mustStore(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "beforetrip.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// runSender runs s until the test ends.
func runSender(tb testing.TB, s *Sender) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	tb.Cleanup(func() { cancel(); wg.Wait() })
}

func TestSendThroughMailpit(t *testing.T) {
	mp := mailtest.Start(t)
	for _, tc := range []struct {
		lang, subject, body string
	}{
		{"en", "Reset your Before Trip password", "Choose a new password"},
		{"ko", "Before Trip 비밀번호 재설정", "새 비밀번호 정하기"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			db := mustStore(t)
			s, err := New(db, Config{SMTPURL: mp.SMTPURL, From: "Before Trip <noreply@example.com>",
				Site: "Before Trip", Language: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			runSender(t, s)
			to := "reset-" + tc.lang + "@example.com"
			link := "http://127.0.0.1:1313/account/reset/#token=abc"
			if err := s.QueueMail(context.Background(), &beforetrip.Mail{Kind: beforetrip.MailReset, To: to,
				Username: "alice", Link: link}); err != nil {
				t.Fatal(err)
			}
			msg := mp.Wait(to, 1)[0]
			if msg.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", msg.Subject, tc.subject)
			}
			for name, part := range map[string]string{"text": msg.Text, "html": msg.HTML} {
				if !strings.Contains(part, link) || !strings.Contains(part, tc.body) || !strings.Contains(part, "Before Trip") {
					t.Errorf("%s part lacks link, wording or site title:\n%s", name, part)
				}
			}
			if ct := strings.Join(msg.Headers["Content-Type"], ""); !strings.Contains(ct, "multipart/alternative") {
				t.Errorf("Content-Type = %q, want multipart/alternative", ct)
			}
			waitEmpty(t, db)
		})
	}
}

func TestReplyMailHasOneClickUnsubscribe(t *testing.T) {
	mp := mailtest.Start(t)
	db := mustStore(t)
	s, err := New(db, Config{SMTPURL: mp.SMTPURL, From: "noreply@example.com", Site: "beforetrip", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	runSender(t, s)
	unsub := "http://127.0.0.1:1313/api/notifications/unsubscribe?token=u1"
	m := beforetrip.Mail{To: "alice@example.com", UserID: 1, Username: "alice", Unsubscribe: unsub}
	for _, who := range []string{"bob", "carol"} {
		r := beforetrip.MailReply{CommentID: 9, Author: who, PageTitle: "JR Pass", Body: "reply by " + who,
			Link: "http://127.0.0.1:1313/countries/japan/tips/jr-pass/#comment-9"}
		if err := s.QueueReply(context.Background(), m, r, 500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	mp.Wait("alice@example.com", 1)
	time.Sleep(300 * time.Millisecond) // a second mail would be a batching bug
	msgs := mp.Messages("alice@example.com")
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want the two replies batched into one", len(msgs))
	}
	msg := msgs[0]
	if got := msg.Headers["List-Unsubscribe"]; len(got) != 1 || got[0] != "<"+unsub+">" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := msg.Headers["List-Unsubscribe-Post"]; len(got) != 1 || got[0] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	for _, want := range []string{"reply by bob", "reply by carol", unsub, "#comment-9"} {
		if !strings.Contains(msg.Text, want) || !strings.Contains(msg.HTML, want) {
			t.Errorf("mail lacks %q", want)
		}
	}
}

// TestOutageLosesNothing: with the mail server down the mail stays in the
// outbox with its failed attempt recorded, and goes out once it is back.
func TestOutageLosesNothing(t *testing.T) {
	mp := mailtest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the server is down
	db := mustStore(t)
	s, err := New(db, Config{SMTPURL: "smtp://" + addr, From: "noreply@example.com", Site: "beforetrip", Language: "en"},
		WithFirstRetry(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	runSender(t, s)
	if err := s.QueueMail(context.Background(), &beforetrip.Mail{Kind: beforetrip.MailVerify, To: "down@example.com",
		Username: "d", Link: "http://x/account/verify/#token=t"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		due, err := db.DueMails(context.Background(), time.Now().Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) == 1 && due[0].Attempts > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed attempt recorded: %+v", due)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The server comes back (a forwarder to mailpit on the same address).
	fwd, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Close()
	go forward(fwd, strings.TrimPrefix(mp.SMTPURL, "smtp://"))
	mp.Wait("down@example.com", 1)
	waitEmpty(t, db)
}

func forward(ln net.Listener, to string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			up, err := net.Dial("tcp", to)
			if err != nil {
				return
			}
			defer up.Close()
			go io.Copy(up, c)
			io.Copy(c, up)
		}()
	}
}

// waitEmpty waits until the sender removed every mail from the outbox.
func waitEmpty(tb testing.TB, db *store.DB) {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		_, ok, err := db.NextMailAt(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if !ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatal("outbox not empty after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestNoSMTPWritesEMLAndPrintsLink(t *testing.T) {
	db := mustStore(t)
	dir := filepath.Join(t.TempDir(), "outbox")
	var term harness.SyncBuffer
	s, err := New(db, Config{From: "noreply@example.com", Dir: dir, Terminal: &term, Site: "beforetrip", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	runSender(t, s)
	link := "http://127.0.0.1:1313/account/verify/#token=xyz"
	if err := s.QueueMail(context.Background(), &beforetrip.Mail{Kind: beforetrip.MailVerify, To: "a@example.com",
		Username: "a", Link: link}); err != nil {
		t.Fatal(err)
	}
	waitEmpty(t, db)
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("eml files = %v, want 1", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"To: <a@example.com>", "multipart/alternative", "text/html", "Confirm your email for beforetrip"} {
		if !strings.Contains(string(data), want) {
			t.Errorf(".eml lacks %q", want)
		}
	}
	if !strings.Contains(term.String(), link) {
		t.Errorf("terminal output lacks the link:\n%s", term.String())
	}
}

func TestConfigErrors(t *testing.T) {
	db := mustStore(t)
	for _, cfg := range []Config{
		{From: "", Dir: "x", Language: "en"},
		{From: "not an address", Dir: "x", Language: "en"},
		{From: "a@example.com", Dir: "x", Language: "fr"},
		{From: "a@example.com", SMTPURL: "http://mail.example.com", Language: "en"},
		{From: "a@example.com", SMTPURL: "smtp://:25", Language: "en"},
	} {
		if _, err := New(db, cfg); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
}
