package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// JapanTip is the page the comment tests write on.
const JapanTip = "countries/japan/tips/jr-pass"

// MustComment posts body on page by u.
func MustComment(tb testing.TB, db Store, page string, u *beforetrip.User, parent uint64, body string, pending bool) *beforetrip.Comment {
	tb.Helper()
	c := &beforetrip.Comment{Page: page, ParentID: parent, Author: beforetrip.Author{ID: u.ID, Username: u.Username},
		Body: body, HTML: "<p>" + body + "</p>", Pending: pending}
	if err := db.CreateComment(context.Background(), c); err != nil {
		tb.Fatalf("comment %q: %v", body, err)
	}
	return c
}

// CommentCount returns the page's visible comment counter.
func CommentCount(tb testing.TB, db Store, page string) int64 {
	tb.Helper()
	stats, err := db.PageStats(context.Background(), []string{page}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return stats[page].Comments
}

func (b Backend) testCreateComment(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	top := MustComment(t, db, JapanTip, alice, 0, "hello", false)
	if top.ID == 0 || top.CreatedAt.IsZero() {
		t.Fatalf("comment = %+v: want ID and CreatedAt", top)
	}
	reply := MustComment(t, db, JapanTip, alice, top.ID, "a reply", false)
	got, err := db.Comment(ctx, reply.ID)
	if err != nil || got.ParentID != top.ID || got.Body != "a reply" || got.HTML != "<p>a reply</p>" {
		t.Fatalf("Comment = %+v, %v", got, err)
	}
	if n := CommentCount(t, db, JapanTip); n != 2 {
		t.Errorf("counter = %d, want 2", n)
	}
	other := MustComment(t, db, "countries/japan", alice, 0, "elsewhere", false)
	tests := []struct {
		name string
		c    beforetrip.Comment
		code string
	}{
		{"parent on another page", beforetrip.Comment{Page: JapanTip, ParentID: other.ID, Author: beforetrip.Author{ID: alice.ID}, Body: "x"}, beforetrip.EINVALID},
		{"unknown parent", beforetrip.Comment{Page: JapanTip, ParentID: 999, Author: beforetrip.Author{ID: alice.ID}, Body: "x"}, beforetrip.EINVALID},
		{"no author", beforetrip.Comment{Page: JapanTip, Body: "x"}, beforetrip.EINVALID},
		{"unknown author", beforetrip.Comment{Page: JapanTip, Author: beforetrip.Author{ID: 77}, Body: "x"}, beforetrip.EINVALID},
		{"empty body", beforetrip.Comment{Page: JapanTip, Author: beforetrip.Author{ID: alice.ID}, Body: "  "}, beforetrip.EINVALID},
		{"too long", beforetrip.Comment{Page: JapanTip, Author: beforetrip.Author{ID: alice.ID}, Body: strings.Repeat("가", beforetrip.MaxCommentLen+1)}, beforetrip.EINVALID},
		{"bad page", beforetrip.Comment{Page: "/x/", Author: beforetrip.Author{ID: alice.ID}, Body: "x"}, beforetrip.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			wantCode(t, db.CreateComment(ctx, &c), tt.code)
		})
	}
	_, err = db.Comment(ctx, 999)
	wantCode(t, err, beforetrip.ENOTFOUND)
	b.check(t, db)
}

func (b Backend) testUpdateComment(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	c := MustComment(t, db, JapanTip, alice, 0, "first", false)
	now := time.Now().UTC()
	got, err := db.UpdateComment(ctx, c.ID, func(c *beforetrip.Comment) error {
		c.Body, c.HTML, c.EditedAt = "edited", "<p>edited</p>", &now
		return nil
	})
	if err != nil || got.Body != "edited" || got.EditedAt == nil {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	refused := errors.New("not yours")
	_, err = db.UpdateComment(ctx, c.ID, func(c *beforetrip.Comment) error { c.Body = "evil"; return refused })
	if !errors.Is(err, refused) {
		t.Errorf("callback error = %v, want it returned", err)
	}
	if got, _ := db.Comment(ctx, c.ID); got.Body != "edited" {
		t.Errorf("refused update stored body %q", got.Body)
	}
	_, err = db.UpdateComment(ctx, c.ID, func(c *beforetrip.Comment) error { c.Page = "other"; return nil })
	if err == nil {
		t.Error("moving a comment to another page succeeded")
	}
	_, err = db.UpdateComment(ctx, 999, func(*beforetrip.Comment) error { return nil })
	wantCode(t, err, beforetrip.ENOTFOUND)

	// Soft delete: the row stays without its body and the counter drops.
	got, err = db.UpdateComment(ctx, c.ID, func(c *beforetrip.Comment) error { c.Deleted = true; return nil })
	if err != nil || got.Body != "" || got.HTML != "" || !got.Deleted {
		t.Fatalf("delete = %+v, %v", got, err)
	}
	if n := CommentCount(t, db, JapanTip); n != 0 {
		t.Errorf("counter after delete = %d, want 0", n)
	}
	page, _ := db.Comments(ctx, beforetrip.CommentQuery{Page: JapanTip})
	if len(page.Comments) != 1 || !page.Comments[0].Deleted {
		t.Errorf("deleted comment not listed as deleted: %+v", page.Comments)
	}
	b.check(t, db)
}

func (b Backend) testPendingComments(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	MustComment(t, db, JapanTip, alice, 0, "visible", false)
	p1 := MustComment(t, db, JapanTip, bob, 0, "waiting 1", true)
	p2 := MustComment(t, db, "countries/korea", bob, 0, "waiting 2", true)
	if n := CommentCount(t, db, JapanTip); n != 1 {
		t.Errorf("counter = %d, want 1 (pending not counted)", n)
	}
	views := []struct {
		name string
		q    beforetrip.CommentQuery
		want int
	}{
		{"anonymous", beforetrip.CommentQuery{Page: JapanTip}, 1},
		{"other reader", beforetrip.CommentQuery{Page: JapanTip, Viewer: alice.ID}, 1},
		{"author", beforetrip.CommentQuery{Page: JapanTip, Viewer: bob.ID}, 2},
		{"moderator", beforetrip.CommentQuery{Page: JapanTip, Viewer: alice.ID, Moderator: true}, 2},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			page, err := db.Comments(ctx, v.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Comments) != v.want {
				t.Errorf("sees %d comments, want %d", len(page.Comments), v.want)
			}
		})
	}
	queue, err := db.PendingComments(ctx, "", 1)
	if err != nil || len(queue.Comments) != 1 || queue.Comments[0].ID != p1.ID || queue.Next == "" {
		t.Fatalf("queue page 1 = %+v, %v", queue, err)
	}
	queue, err = db.PendingComments(ctx, queue.Next, 1)
	if err != nil || len(queue.Comments) != 1 || queue.Comments[0].ID != p2.ID || queue.Next != "" {
		t.Fatalf("queue page 2 = %+v, %v", queue, err)
	}
	// Approval makes the comment visible and counted.
	if _, err := db.UpdateComment(ctx, p1.ID, func(c *beforetrip.Comment) error { c.Pending = false; return nil }); err != nil {
		t.Fatal(err)
	}
	if n := CommentCount(t, db, JapanTip); n != 2 {
		t.Errorf("counter after approval = %d, want 2", n)
	}
	queue, _ = db.PendingComments(ctx, "", 10)
	if len(queue.Comments) != 1 {
		t.Errorf("queue after approval has %d comments, want 1", len(queue.Comments))
	}
	_, err = db.PendingComments(ctx, "!!", 10)
	wantCode(t, err, beforetrip.EINVALID)
	b.check(t, db)
}

// TestCommentPaging walks 10,000 comments (some pending, hidden from the
// anonymous reader) in both directions and checks for gaps and duplicates.
func (b Backend) testCommentPaging(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	const n = 10000
	var visible []uint64
	for i := range n {
		c := MustComment(t, db, JapanTip, alice, 0, fmt.Sprint("c", i), i%10 == 3)
		if !c.Pending {
			visible = append(visible, c.ID)
		}
		if i%1000 == 0 { // a neighbour page must not leak in
			MustComment(t, db, JapanTip+"x", alice, 0, "other page", false)
		}
	}
	for _, oldest := range []bool{true, false} {
		t.Run(fmt.Sprint("oldest=", oldest), func(t *testing.T) {
			var got []uint64
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > n {
					t.Fatal("paging does not end")
				}
				page, err := db.Comments(ctx, beforetrip.CommentQuery{Page: JapanTip, Cursor: cursor, Limit: 97, Oldest: oldest})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range page.Comments {
					got = append(got, c.ID)
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			if len(got) != len(visible) {
				t.Fatalf("got %d comments, want %d", len(got), len(visible))
			}
			for i := range got {
				want := visible[i]
				if !oldest {
					want = visible[len(visible)-1-i]
				}
				if got[i] != want {
					t.Fatalf("comment %d = %d, want %d", i, got[i], want)
				}
			}
		})
	}
	_, err := db.Comments(ctx, beforetrip.CommentQuery{Page: JapanTip, Cursor: "not-a-cursor"})
	wantCode(t, err, beforetrip.EINVALID)
	b.check(t, db)
}
