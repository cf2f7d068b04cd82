package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func (b Backend) testOutboxDueRetryAndRestart(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	later := &beforetrip.Mail{Kind: beforetrip.MailReset, To: "b@example.com", SendAt: time.Now().Add(time.Hour)}
	now := &beforetrip.Mail{Kind: beforetrip.MailVerify, To: "a@example.com"}
	for _, m := range []*beforetrip.Mail{later, now} {
		if err := db.QueueMail(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	due, err := db.DueMails(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].ID != now.ID {
		t.Fatalf("due = %+v, %v; want only mail %d", due, err, now.ID)
	}
	if err := db.MailFailed(ctx, now.ID, time.Now().Add(time.Minute), "connection refused"); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueMails(ctx, time.Now(), 10); len(due) != 0 {
		t.Fatalf("failed mail due again at once: %+v", due)
	}
	// A restart keeps both mails and the retry schedule.
	db = b.Reopen(t, db)
	due, _ = db.DueMails(ctx, time.Now().Add(2*time.Minute), 10)
	if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "connection refused" {
		t.Fatalf("after restart: %+v", due)
	}
	at, ok, err := db.NextMailAt(ctx)
	if err != nil || !ok || at.Before(time.Now()) {
		t.Errorf("next mail at %v, %v, %v", at, ok, err)
	}
	if err := db.MailSent(ctx, now.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.MailSent(ctx, now.ID); err != nil {
		t.Errorf("second MailSent: %v", err)
	}
	b.check(t, db)
}

func (b Backend) testQueueReplyBatches(t *testing.T) {
	ctx := context.Background()
	now, advance := SteppedClock()
	db := b.openClock(t, now)
	m := beforetrip.Mail{To: "a@example.com", UserID: 7, Username: "alice"}
	for i := range 3 {
		if err := db.QueueReply(ctx, m, beforetrip.MailReply{CommentID: uint64(i + 1)}, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if due, _ := db.DueMails(ctx, now(), 10); len(due) != 0 {
		t.Fatalf("batch due before its window ends: %+v", due)
	}
	advance(time.Minute)
	due, _ := db.DueMails(ctx, now(), 10)
	if len(due) != 1 || len(due[0].Replies) != 3 || due[0].Kind != beforetrip.MailReplies {
		t.Fatalf("due = %+v, want one batch of 3", due)
	}
	// The batch is due (the sender may be sending it): a new reply opens
	// the next batch.
	if err := db.QueueReply(ctx, m, beforetrip.MailReply{CommentID: 4}, time.Minute); err != nil {
		t.Fatal(err)
	}
	b.check(t, db)
	if err := db.MailSent(ctx, due[0].ID); err != nil {
		t.Fatal(err)
	}
	advance(time.Minute)
	due, _ = db.DueMails(ctx, now(), 10)
	if len(due) != 1 || len(due[0].Replies) != 1 || due[0].Replies[0].CommentID != 4 {
		t.Fatalf("second batch = %+v", due)
	}
	b.check(t, db)
}
