package storetest

import (
	"context"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// testFirstShownOnce: an item held since it was posted reports FirstShown
// the first time a decision makes it public, whichever decision that is
// (a reply's notification goes out then), and never again: not after
// reports hid it, not after a rejection, not after an edit sent it back
// to the approval queue.
func (b Backend) testFirstShownOnce(t *testing.T) {
	db := b.open(t)
	ctx := context.Background()
	alice, bob, mod := MustUser(t, db, "alice"), MustUser(t, db, "bob"), MustUser(t, db, "mod")
	top := MustComment(t, db, JapanTip, alice, 0, "Which pass?", false)
	reply := MustComment(t, db, JapanTip, bob, top.ID, "The JR Pass", true)
	rv := &beforetrip.Review{Country: "japan", Title: "held", Rating: 3, Author: author(bob), Pending: true}
	if err := db.CreateReview(ctx, rv); err != nil {
		t.Fatal(err)
	}
	step := func(kind beforetrip.ItemKind, id uint64, d beforetrip.Decision, wantPublic, wantFirst bool) {
		t.Helper()
		res, err := db.Decide(ctx, author(mod), kind, id, d, "")
		if err != nil || res.IsPublic != wantPublic || res.FirstShown != wantFirst {
			t.Fatalf("%s %s %d = %+v, %v; want public %v, FirstShown %v", d, kind, id, res, err, wantPublic, wantFirst)
		}
		b.check(t, db)
	}
	for _, it := range []struct {
		kind beforetrip.ItemKind
		id   uint64
	}{{beforetrip.ItemComment, reply.ID}, {beforetrip.ItemReview, rv.ID}} {
		step(it.kind, it.id, beforetrip.Reject, false, false)
		step(it.kind, it.id, beforetrip.Reject, false, false)
		step(it.kind, it.id, beforetrip.Restore, true, true) // first shown: rejected from the queue, then restored
		step(it.kind, it.id, beforetrip.Reject, false, false)
		step(it.kind, it.id, beforetrip.Restore, true, false)
		step(it.kind, it.id, beforetrip.Approve, true, false)
	}
	// An edit under pre-moderation sends a shown reply back to the queue;
	// approving the new text shows it again, not for the first time.
	if _, err := db.UpdateComment(ctx, reply.ID, func(c *beforetrip.Comment) error {
		c.Body, c.HTML, c.Pending = "The JR Pass, or not", "<p>The JR Pass, or not</p>", true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	step(beforetrip.ItemComment, reply.ID, beforetrip.Approve, true, false)
	// A comment public from the start was never unseen.
	step(beforetrip.ItemComment, top.ID, beforetrip.Reject, false, false)
	step(beforetrip.ItemComment, top.ID, beforetrip.Restore, true, false)
}
