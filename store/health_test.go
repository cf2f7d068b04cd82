package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func TestBacklogCountsQueues(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	if got, err := db.Backlog(ctx); err != nil || got != (beforetrip.Backlog{}) {
		t.Fatalf("empty store backlog = %+v, %v; want zeros", got, err)
	}
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	page := "countries/japan/tips/jr-pass"
	var shown *beforetrip.Comment
	for _, pending := range []bool{true, false} {
		shown = &beforetrip.Comment{Page: page, Author: beforetrip.Author{ID: alice.ID, Username: alice.Username},
			Body: "hello", HTML: "<p>hello</p>", Pending: pending}
		if err := db.CreateComment(ctx, shown); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Report(ctx, &beforetrip.Report{Kind: beforetrip.ItemComment, ItemID: shown.ID,
		Reporter: beforetrip.Author{ID: bob.ID, Username: bob.Username}, Reason: beforetrip.ReasonSpam}, 3); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{{}, time.Now().Add(time.Hour)} {
		if err := db.QueueMail(ctx, &beforetrip.Mail{Kind: beforetrip.MailVerify, To: "a@example.com", SendAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	want := beforetrip.Backlog{Outbox: 2, Pending: 1, Reported: 1}
	if got, err := db.Backlog(ctx); err != nil || got != want {
		t.Fatalf("backlog = %+v, %v; want %+v", got, err, want)
	}
}

func TestPingFailsOnceClosed(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("ping open store: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(context.Background()); err == nil {
		t.Fatal("ping closed store: no error")
	}
	if _, err := db.Backlog(context.Background()); err == nil {
		t.Fatal("backlog of closed store: no error")
	}
}
