package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func author(u *beforetrip.User) beforetrip.Author {
	return beforetrip.Author{ID: u.ID, Username: u.Username}
}

func report(tb testing.TB, db Store, u *beforetrip.User, kind beforetrip.ItemKind, id uint64) (*beforetrip.ModResult, error) {
	tb.Helper()
	return db.Report(context.Background(), &beforetrip.Report{Kind: kind, ItemID: id, Reporter: author(u),
		Reason: beforetrip.ReasonSpam}, 3)
}

func (b Backend) testReportsHideUntilDecided(t *testing.T) {
	db := b.open(t)
	ctx := context.Background()
	alice := MustUser(t, db, "alice")
	var readers []*beforetrip.User
	for i := range 3 {
		readers = append(readers, MustUser(t, db, fmt.Sprint("r", i)))
	}
	mod := MustUser(t, db, "mod")
	c := MustComment(t, db, JapanTip, alice, 0, "spam spam", false)

	_, err := report(t, db, alice, beforetrip.ItemComment, c.ID)
	wantCode(t, err, beforetrip.EFORBIDDEN)
	for i, r := range readers {
		res, err := report(t, db, r, beforetrip.ItemComment, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if hidden := i == 2; res.IsPublic == hidden || !res.WasPublic {
			t.Fatalf("report %d: result %+v", i+1, res)
		}
		b.check(t, db)
	}
	_, err = report(t, db, readers[0], beforetrip.ItemComment, c.ID)
	wantCode(t, err, beforetrip.ECONFLICT)
	if n := CommentCount(t, db, JapanTip); n != 0 {
		t.Fatalf("hidden comment counted: %d", n)
	}
	q, err := db.Queue(ctx, beforetrip.QueueReported, "", 0)
	if err != nil || len(q.Items) != 1 || len(q.Items[0].Reports) != 3 || !q.Items[0].Comment.Hidden {
		t.Fatalf("reported queue = %+v, %v", q, err)
	}
	res, err := db.Decide(ctx, author(mod), beforetrip.ItemComment, c.ID, beforetrip.Restore, "")
	if err != nil || !res.IsPublic || res.WasPublic || res.FirstShown {
		t.Fatalf("restore = %+v, %v (a restored item was shown before: not FirstShown)", res, err)
	}
	if n := CommentCount(t, db, JapanTip); n != 1 {
		t.Fatalf("restored comment count = %d", n)
	}
	if q, _ := db.Queue(ctx, beforetrip.QueueReported, "", 0); len(q.Items) != 0 {
		t.Fatalf("queue after restore = %+v", q.Items)
	}
	// Reports are once per reader even after a decision.
	_, err = report(t, db, readers[1], beforetrip.ItemComment, c.ID)
	wantCode(t, err, beforetrip.ECONFLICT)
	res, err = db.Decide(ctx, author(mod), beforetrip.ItemComment, c.ID, beforetrip.Reject, "  advertising ")
	if err != nil || res.IsPublic || res.Comment.Reason != "advertising" || !res.Comment.Rejected {
		t.Fatalf("reject = %+v, %v", res, err)
	}
	log, err := db.Audit(ctx, "", 0)
	if err != nil || len(log.Entries) != 3 || log.Entries[0].Action != "reject" || log.Entries[2].Action != "hide" ||
		log.Entries[1].Actor.Username != "mod" {
		t.Fatalf("audit = %+v, %v", log, err)
	}
	b.check(t, db)
}

func (b Backend) testQueueOrderAndPaging(t *testing.T) {
	db := b.open(t)
	ctx := context.Background()
	alice := MustUser(t, db, "alice")
	var want []string
	for i := range 3 {
		c := MustComment(t, db, JapanTip, alice, 0, fmt.Sprint("c", i), true)
		want = append(want, fmt.Sprint("comment ", c.ID))
		r := &beforetrip.Review{Country: "japan", Title: "t", Rating: 3, Author: author(alice), Pending: true}
		if err := db.CreateReview(ctx, r); err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprint("review ", r.ID))
	}
	var got []string
	var items []beforetrip.QueueItem
	cursor := ""
	for {
		p, err := db.Queue(ctx, beforetrip.QueuePending, cursor, 4)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			got = append(got, fmt.Sprint(it.Kind, " ", itemID(it)))
		}
		items = append(items, p.Items...)
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("queue = %v, want %v (oldest first)", got, want)
	}
	// Approving a pending item shows it for the first time (the reply mail
	// waits for this); on PostgreSQL it was never set.
	mod := MustUser(t, db, "mod")
	for _, it := range items[:2] { // the oldest comment and review
		res, err := db.Decide(ctx, author(mod), it.Kind, itemID(it), beforetrip.Approve, "")
		if err != nil || !res.IsPublic || res.WasPublic || !res.FirstShown {
			t.Fatalf("approve %s %d = %+v, %v; want FirstShown", it.Kind, itemID(it), res, err)
		}
	}
	_, err := db.Queue(ctx, "later", "", 0)
	wantCode(t, err, beforetrip.EINVALID)
	_, err = db.Queue(ctx, beforetrip.QueuePending, "garbage", 0)
	wantCode(t, err, beforetrip.EINVALID)
}

func (b Backend) testBlockTimedAndPurge(t *testing.T) {
	db := b.open(t)
	ctx := context.Background()
	admin := MustUser(t, db, "admin")
	bob := MustUser(t, db, "bob")
	carol := MustUser(t, db, "carol")
	top := MustComment(t, db, JapanTip, bob, 0, "bob's", false)
	MustComment(t, db, JapanTip, carol, top.ID, "carol replies", false)
	rv := &beforetrip.Review{Country: "japan", Title: "bob's review", Rating: 2, Author: author(bob)}
	if err := db.CreateReview(ctx, rv); err != nil {
		t.Fatal(err)
	}
	if _, err := report(t, db, carol, beforetrip.ItemReview, rv.ID); err != nil {
		t.Fatal(err)
	}
	page, err := db.Users(ctx, beforetrip.UserQuery{Prefix: "BO"})
	if err != nil || len(page.Users) != 1 || page.Users[0].Comments != 1 || page.Users[0].Reviews != 1 || page.Users[0].ReportsAgainst != 1 {
		t.Fatalf("users bo* = %+v, %v", page, err)
	}
	if p, _ := db.Users(ctx, beforetrip.UserQuery{Limit: 2}); len(p.Users) != 2 || p.Next != "bob" {
		t.Fatalf("first page = %+v", p)
	} else if p2, _ := db.Users(ctx, beforetrip.UserQuery{Limit: 2, Cursor: p.Next}); len(p2.Users) != 1 || p2.Users[0].Username != "carol" {
		t.Fatalf("second page = %+v", p2)
	}

	until := time.Now().Add(time.Hour)
	if err := db.Block(ctx, author(admin), "bob", beforetrip.Block{Until: &until, Reason: "cool off"}); err != nil {
		t.Fatal(err)
	}
	err = db.CreateComment(ctx, &beforetrip.Comment{Page: JapanTip, Author: author(bob), Body: "x"})
	wantCode(t, err, beforetrip.EFORBIDDEN)
	if u, _ := db.UserByID(ctx, bob.ID); !u.IsBlocked(time.Now()) || u.IsBlocked(until.Add(time.Second)) || u.BlockReason != "cool off" {
		t.Fatalf("bob = %+v", u)
	}
	wantCode(t, db.Block(ctx, author(admin), "admin", beforetrip.Block{}), beforetrip.EFORBIDDEN)
	if err := db.Unblock(ctx, author(admin), "bob"); err != nil {
		t.Fatal(err)
	}
	res, err := db.PurgeUser(ctx, author(admin), "bob")
	if err != nil || len(res) != 2 {
		t.Fatalf("purge = %+v, %v", res, err)
	}
	comments, _ := db.Comments(ctx, beforetrip.CommentQuery{Page: JapanTip, Oldest: true})
	if len(comments.Comments) != 2 || !comments.Comments[0].Deleted || comments.Comments[1].Body != "carol replies" {
		t.Fatalf("after purge = %+v", comments.Comments)
	}
	_, err = db.Review(ctx, rv.ID)
	wantCode(t, err, beforetrip.ENOTFOUND)
	log, _ := db.Audit(ctx, "", 2)
	if len(log.Entries) != 2 || log.Entries[0].Action != "purge" || log.Next == "" {
		t.Fatalf("audit = %+v", log)
	}
	b.check(t, db)
}

func (b Backend) testLocksAndPins(t *testing.T) {
	db := b.open(t)
	ctx := context.Background()
	admin := MustUser(t, db, "admin")
	if err := db.SetRole(ctx, "admin", beforetrip.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	alice := MustUser(t, db, "alice")
	a := MustComment(t, db, JapanTip, alice, 0, "a", false)
	b2 := MustComment(t, db, JapanTip, alice, 0, "b", false)
	if err := db.LockPage(ctx, author(admin), JapanTip, true); err != nil {
		t.Fatal(err)
	}
	err := db.CreateComment(ctx, &beforetrip.Comment{Page: JapanTip, Author: author(alice), Body: "x"})
	wantCode(t, err, beforetrip.EFORBIDDEN)
	MustComment(t, db, JapanTip, admin, 0, "moderators may", false)
	if p, _ := db.Comments(ctx, beforetrip.CommentQuery{Page: JapanTip}); !p.Locked {
		t.Fatal("list does not say locked")
	}
	if err := db.LockPage(ctx, author(admin), JapanTip, false); err != nil {
		t.Fatal(err)
	}
	MustComment(t, db, JapanTip, alice, 0, "open again", false)

	if _, err := db.PinComment(ctx, author(admin), a.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PinComment(ctx, author(admin), b2.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Comment(ctx, a.ID); got.Pinned {
		t.Fatal("pinning b must unpin a")
	}
	b.check(t, db)
	// Deleting the pinned comment drops the pin.
	if _, err := db.UpdateComment(ctx, b2.ID, func(c *beforetrip.Comment) error { c.Deleted = true; return nil }); err != nil {
		t.Fatal(err)
	}
	b.check(t, db) // no pin may name a comment that is not shown
	if p, _ := db.Comments(ctx, beforetrip.CommentQuery{Page: JapanTip, Moderator: true}); p != nil {
		for _, c := range p.Comments {
			if c.Pinned {
				t.Errorf("comment %d still pinned after the pinned one was deleted", c.ID)
			}
		}
	}
}

// itemID is the ID of a queue item's comment or review.
func itemID(qi beforetrip.QueueItem) uint64 {
	if qi.Comment != nil {
		return qi.Comment.ID
	}
	return qi.Review.ID
}
