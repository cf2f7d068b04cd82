package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Backlog counts what the bbolt store's does (store/health_test.go).
func TestBacklogCountsQueues(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if got, err := db.Backlog(ctx); err != nil || got != (beforetrip.Backlog{}) {
		t.Fatalf("empty store backlog = %+v, %v; want zeros", got, err)
	}
	var users []*beforetrip.User
	for _, name := range []string{"alice", "bob"} {
		u := &beforetrip.User{Username: name, Email: name + "@example.com", PasswordHash: []byte("hash")}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	var shown *beforetrip.Comment
	for _, pending := range []bool{true, false} {
		shown = &beforetrip.Comment{Page: "countries/japan/tips/jr-pass", Author: beforetrip.Author{ID: users[0].ID, Username: "alice"},
			Body: "hello", HTML: "<p>hello</p>", Pending: pending}
		if err := db.CreateComment(ctx, shown); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Report(ctx, &beforetrip.Report{Kind: beforetrip.ItemComment, ItemID: shown.ID,
		Reporter: beforetrip.Author{ID: users[1].ID, Username: "bob"}, Reason: beforetrip.ReasonSpam}, 3); err != nil {
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
