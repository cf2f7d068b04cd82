package admin

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

// changeLog records the site changes of the steps the socket hands over.
type changeLog struct {
	mu  sync.Mutex
	all []beforetrip.Change
}

func (l *changeLog) Moderated(_ context.Context, res *beforetrip.ModResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ch, ok := res.Change(); ok {
		l.all = append(l.all, ch)
	}
}

func (l *changeLog) changes() []beforetrip.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]beforetrip.Change(nil), l.all...)
}

// TestModerationOverSocket runs the moderation actions of the CLI against
// a served store: timed block with reason, unblock, the queues, a decision
// and a purge, each audited and each public change announced.
func TestModerationOverSocket(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	alice := &beforetrip.User{Username: "alice", Email: "alice@example.com"}
	bob := &beforetrip.User{Username: "bob", Email: "bob@example.com"}
	for _, u := range []*beforetrip.User{alice, bob} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	page := "countries/japan/tips/jr-pass"
	public := &beforetrip.Comment{Page: page, Author: beforetrip.Author{ID: alice.ID}, Body: "visible"}
	pending := &beforetrip.Comment{Page: page, Author: beforetrip.Author{ID: alice.ID}, Body: "waiting", Pending: true}
	for _, c := range []*beforetrip.Comment{public, pending} {
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Report(ctx, &beforetrip.Report{Kind: beforetrip.ItemComment, ItemID: public.ID,
		Reporter: beforetrip.Author{ID: bob.ID}, Reason: beforetrip.ReasonSpam}, 3); err != nil {
		t.Fatal(err)
	}
	log := &changeLog{}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	sock := filepath.Join(dir, "admin.sock")
	go func() { done <- Serve(sctx, sock, db, log, slog.New(slog.DiscardHandler)) }()
	defer func() { cancel(); <-done }()
	waitForSocket(t, sock, done)

	if err := Block(ctx, sock, "bob", 3, "  spam links "); err != nil {
		t.Fatal(err)
	}
	u, _ := db.UserByLogin(ctx, "bob")
	if !u.Blocked || u.BlockedUntil == nil || u.BlockReason != "spam links" ||
		time.Until(*u.BlockedUntil) < 71*time.Hour || time.Until(*u.BlockedUntil) > 73*time.Hour {
		t.Errorf("bob after a 3-day block = %+v", u)
	}
	users, err := Users(ctx, sock, "")
	if err != nil || len(users) != 2 || users[0].Username != "alice" || users[0].Comments != 2 || users[0].ReportsAgainst != 1 {
		t.Fatalf("users = %+v, %v; want alice (2 comments, 1 report) and bob", users, err)
	}
	if err := Unblock(ctx, sock, "bob"); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.UserByLogin(ctx, "bob"); u.Blocked {
		t.Error("bob still blocked after unblock")
	}

	pend, err := Queue(ctx, sock, beforetrip.QueuePending)
	if err != nil || len(pend) != 1 || pend[0].Comment.ID != pending.ID {
		t.Fatalf("pending queue = %+v, %v", pend, err)
	}
	reported, err := Queue(ctx, sock, beforetrip.QueueReported)
	if err != nil || len(reported) != 1 || len(reported[0].Reports) != 1 {
		t.Fatalf("reported queue = %+v, %v", reported, err)
	}
	if _, err := Queue(ctx, sock, "later"); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
		t.Errorf("unknown queue: %v, want invalid", err)
	}
	if err := Decide(ctx, sock, beforetrip.ItemComment, pending.ID, "maybe", ""); beforetrip.ErrorCode(err) != beforetrip.EINVALID {
		t.Errorf("unknown decision: %v, want invalid", err)
	}
	if err := Decide(ctx, sock, beforetrip.ItemComment, pending.ID, beforetrip.Approve, ""); err != nil {
		t.Fatal(err)
	}
	res, err := Purge(ctx, sock, "alice")
	if err != nil || res.Comments != 2 || res.Reviews != 0 {
		t.Fatalf("purge = %+v, %v; want 2 comments", res, err)
	}
	// The approval and the purge of the two public comments each change
	// the page's count: three changes of the page.
	want := beforetrip.Change{Kind: beforetrip.ChangeComments, Page: page}
	if got := log.changes(); len(got) != 3 || got[0] != want || got[2] != want {
		t.Errorf("announced %+v, want three of %+v", got, want)
	}
	audit, err := db.Audit(ctx, "", 10)
	if err != nil || len(audit.Entries) != 4 {
		t.Fatalf("audit = %+v, %v; want block, unblock, approve, purge", audit, err)
	}
	for _, e := range audit.Entries {
		if e.Actor != beforetrip.CLIActor {
			t.Errorf("audit entry %+v not signed by the command line", e)
		}
	}
}
