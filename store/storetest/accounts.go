package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// testDeleteAccountHeldComments: a rejected or reported-and-hidden comment
// is not on its page's counter, so deleting its author's account must not
// take it off again (bbolt did: the counter went wrong and Verify failed).
func (b Backend) testDeleteAccountHeldComments(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, mod := MustUser(t, db, "alice"), MustUser(t, db, "mod")
	tip := TipPage("japan", "jr-pass", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	MustComment(t, db, tip.ID, alice, 0, "shown", false)
	held := MustComment(t, db, tip.ID, alice, 0, "rejected", false)
	if _, err := db.Decide(ctx, author(mod), beforetrip.ItemComment, held.ID, beforetrip.Reject, "spam"); err != nil {
		t.Fatal(err)
	}
	if n := CommentCount(t, db, tip.ID); n != 1 {
		t.Fatalf("count before = %d, want 1", n)
	}
	if _, err := db.DeleteAccount(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	if n := CommentCount(t, db, tip.ID); n != 0 {
		t.Errorf("count after deleting the account = %d, want 0", n)
	}
	b.check(t, db)
}

// testDeleteAccount: deleting an account takes its likes off the counters,
// its review page with the likes and comments others left there, keeps its
// comments as placeholders without author, and leaves the invariants
// whole; the export lists what the account had.
func (b Backend) testDeleteAccount(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	tip := TipPage("japan", "jr-pass", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	for _, u := range []*beforetrip.User{alice, bob} {
		if _, err := db.SetLike(ctx, tip, u.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	top := MustComment(t, db, tip.ID, alice, 0, "alice's comment", false)
	MustComment(t, db, tip.ID, bob, top.ID, "bob's reply", false)
	r := MustReview(t, db, alice, "japan", "Trains")
	page := beforetrip.PageMeta{ID: r.PageID(), Section: beforetrip.SectionReviews, Country: "japan"}
	if _, err := db.SetLike(ctx, page, bob.ID, true); err != nil {
		t.Fatal(err)
	}
	MustComment(t, db, r.PageID(), bob, 0, "nice review", false)

	exp, err := db.ExportAccount(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if exp.User.Username != "alice" || exp.User.PasswordHash != nil || len(exp.Comments) != 1 ||
		len(exp.Reviews) != 1 || !slices.Equal(exp.Likes, []string{tip.ID}) {
		t.Fatalf("export = %+v", exp)
	}
	changes, err := db.DeleteAccount(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []beforetrip.Change{
		{Kind: beforetrip.ChangeLikes, Page: tip.ID},
		{Kind: beforetrip.ChangeComments, Page: tip.ID},
		{Kind: beforetrip.ChangeReview, Page: r.PageID(), Country: "japan"},
	} {
		if !slices.Contains(changes, want) {
			t.Errorf("changes %+v lack %+v", changes, want)
		}
	}
	b.check(t, db)
	if _, err := db.UserByID(ctx, alice.ID); beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		t.Errorf("deleted user: %v", err)
	}
	stats, err := db.PageStats(ctx, []string{tip.ID, r.PageID()}, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := stats[tip.ID]; got != (beforetrip.PageStats{Likes: 1, Comments: 1, Liked: true}) {
		t.Errorf("tip stats = %+v, want bob's like and reply only", got)
	}
	if got := stats[r.PageID()]; got != (beforetrip.PageStats{}) {
		t.Errorf("deleted review page stats = %+v", got)
	}
	c, err := db.Comment(ctx, top.ID)
	if err != nil || !c.Deleted || c.Author != (beforetrip.Author{}) || c.Body != "" {
		t.Errorf("alice's comment after deletion = %+v, %v; want a placeholder", c, err)
	}
	if _, err := db.ExportAccount(ctx, alice.ID); beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
		t.Errorf("export of a deleted account: %v", err)
	}
}
