package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

func mustComment(tb testing.TB, c *client, page, body string, parent uint64) beforetrip.Comment {
	tb.Helper()
	req := map[string]any{"page": page, "body": body}
	if parent != 0 {
		req["parent_id"] = parent
	}
	r := c.do("POST", "/api/comments", req)
	r.want(tb, 201, "")
	var out commentResponse
	r.decode(tb, &out)
	return *out.Comment
}

func listComments(tb testing.TB, c *client, query string) beforetrip.CommentPage {
	tb.Helper()
	r := c.do("GET", "/api/comments?"+query, nil)
	r.want(tb, 200, "")
	var out beforetrip.CommentPage
	r.decode(tb, &out)
	return out
}

func TestComments(t *testing.T) {
	ts := MustServer(t)
	alice, _ := ts.MustUser(t, "alice")
	bob, _ := ts.MustUser(t, "bob")
	ed, _ := ts.MustUser(t, "eddie")
	ts.MustRole(t, "eddie", beforetrip.RoleEditor)
	page := "countries/japan/tips/jr-pass"

	first := mustComment(t, alice, page, "Buy it **before** you fly <script>alert(1)</script>", 0)
	if first.ID == 0 || first.Author.Username != "alice" || first.Pending {
		t.Fatalf("comment = %+v", first)
	}
	if !strings.Contains(first.HTML, "<strong>before</strong>") || strings.Contains(first.HTML, "<script") {
		t.Fatalf("html = %q", first.HTML)
	}
	reply := mustComment(t, bob, page, "Thanks!", first.ID)
	if reply.ParentID != first.ID {
		t.Fatalf("reply parent = %d", reply.ParentID)
	}
	mustComment(t, alice, page, strings.Repeat("가", beforetrip.MaxCommentLen), 0) // the limit counts characters

	got := listComments(t, ts.client(t), "page="+q(page)+"&order=oldest&limit=2")
	if len(got.Comments) != 2 || got.Comments[0].ID != first.ID || got.Next == "" {
		t.Fatalf("oldest first page = %+v", got)
	}
	rest := listComments(t, ts.client(t), "page="+q(page)+"&order=oldest&limit=2&cursor="+q(got.Next))
	if len(rest.Comments) != 1 || rest.Next != "" {
		t.Fatalf("second page = %+v", rest)
	}
	if newest := listComments(t, ts.client(t), "page="+q(page)); len(newest.Comments) != 3 || newest.Comments[2].ID != first.ID {
		t.Fatalf("newest first = %+v", newest)
	}

	// Editing: the author and moderators may, other readers may not.
	path := fmt.Sprintf("/api/comments/%d", first.ID)
	bob.do("PATCH", path, map[string]string{"body": "hijacked"}).want(t, 403, "forbidden")
	r := alice.do("PATCH", path, map[string]string{"body": "Edited _text_"})
	r.want(t, 200, "")
	var edited commentResponse
	r.decode(t, &edited)
	if edited.Comment.Body != "Edited _text_" || edited.Comment.EditedAt == nil || !strings.Contains(edited.Comment.HTML, "<em>text</em>") {
		t.Fatalf("edited = %+v", edited.Comment)
	}
	ed.do("PATCH", path, map[string]string{"body": "Moderated"}).want(t, 200, "")

	// Soft delete keeps the reply and the place in the thread.
	bob.do("DELETE", path, nil).want(t, 403, "forbidden")
	alice.do("DELETE", path, nil).want(t, 204, "")
	alice.do("DELETE", path, nil).want(t, 204, "")
	alice.do("PATCH", path, map[string]string{"body": "back"}).want(t, 404, "not_found")
	all := listComments(t, ts.client(t), "page="+q(page)+"&order=oldest")
	if len(all.Comments) != 3 || !all.Comments[0].Deleted || all.Comments[0].Body != "" || all.Comments[0].HTML != "" ||
		all.Comments[1].ParentID != first.ID {
		t.Fatalf("after delete = %+v", all.Comments)
	}
	var p pageResponse
	ts.client(t).do("GET", "/api/page?id="+q(page), nil).decode(t, &p)
	if p.Comments != 2 {
		t.Fatalf("visible comments = %d, want 2", p.Comments)
	}
	ed.do("DELETE", fmt.Sprintf("/api/comments/%d", reply.ID), nil).want(t, 204, "")

	n := 0
	for _, ch := range ts.Changes() {
		if ch != (beforetrip.Change{Kind: beforetrip.ChangeComments, Page: page}) {
			t.Fatalf("unexpected change %+v", ch)
		}
		n++
	}
	if n != 5 { // 3 posts, 2 deletes; edits and the repeated delete change no count
		t.Fatalf("comment changes = %d, want 5", n)
	}

	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"too long", "POST", "/api/comments", map[string]string{"page": page, "body": strings.Repeat("a", beforetrip.MaxCommentLen+1)}, 400, "invalid"},
		{"blank", "POST", "/api/comments", map[string]string{"page": page, "body": " \n\t "}, 400, "invalid"},
		{"no page", "POST", "/api/comments", map[string]string{"body": "x"}, 400, "invalid"},
		{"bad page", "POST", "/api/comments", map[string]string{"page": "a/../b", "body": "x"}, 400, "invalid"},
		{"unknown page", "POST", "/api/comments", map[string]string{"page": "countries/mars", "body": "x"}, 404, "not_found"},
		{"parent of another page", "POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "x", "parent_id": reply.ID}, 400, "invalid"},
		{"unknown field", "POST", "/api/comments", map[string]any{"page": page, "body": "x", "author": "admin"}, 400, "invalid"},
		{"malformed", "POST", "/api/comments", `{"page":`, 400, "invalid"},
		{"edit too long", "PATCH", fmt.Sprintf("/api/comments/%d", reply.ID), map[string]string{"body": strings.Repeat("b", beforetrip.MaxCommentLen+1)}, 400, "invalid"},
		{"edit unknown", "PATCH", "/api/comments/99999", map[string]string{"body": "x"}, 404, "not_found"},
		{"delete unknown", "DELETE", "/api/comments/99999", nil, 404, "not_found"},
		{"list unknown page", "GET", "/api/comments?page=countries/mars", nil, 404, "not_found"},
		{"list bad order", "GET", "/api/comments?page=" + q(page) + "&order=random", nil, 400, "invalid"},
		{"list bad limit", "GET", "/api/comments?page=" + q(page) + "&limit=1000", nil, 400, "invalid"},
		{"list bad cursor", "GET", "/api/comments?page=" + q(page) + "&cursor=nonsense", nil, 400, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alice.do(tt.method, tt.path, tt.body).want(t, tt.status, tt.code)
		})
	}
	ts.client(t).do("POST", "/api/comments", map[string]string{"page": page, "body": "anon"}).want(t, 401, "unauthenticated")
}

func TestPreModeration(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.Moderation = "pre" })
	reader, _ := ts.MustUser(t, "rita")
	other, _ := ts.MustUser(t, "otto")
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	page := "countries/japan"

	cm := mustComment(t, reader, page, "Pending please", 0)
	if !cm.Pending {
		t.Fatal("reader comment not pending")
	}
	if len(ts.Changes()) != 0 {
		t.Fatalf("a pending comment announced a change: %v", ts.Changes())
	}
	count := func(c *client) int { return len(listComments(t, c, "page="+page).Comments) }
	if count(ts.client(t)) != 0 || count(other) != 0 || count(reader) != 1 || count(admin) != 1 {
		t.Fatal("pending comment visibility wrong")
	}
	reader.do("GET", "/api/admin/pending", nil).want(t, 403, "forbidden")
	ts.client(t).do("GET", "/api/admin/pending", nil).want(t, 401, "unauthenticated")
	var pending beforetrip.CommentPage
	admin.do("GET", "/api/admin/pending", nil).decode(t, &pending)
	if len(pending.Comments) != 1 || pending.Comments[0].ID != cm.ID {
		t.Fatalf("pending = %+v", pending)
	}
	approve := fmt.Sprintf("/api/admin/comments/%d/approve", cm.ID)
	reader.do("POST", approve, nil).want(t, 403, "forbidden")
	admin.do("POST", approve, nil).want(t, 200, "")
	admin.do("POST", approve, nil).want(t, 200, "")
	if count(ts.client(t)) != 1 {
		t.Fatal("approved comment not visible")
	}
	if got := ts.Changes(); len(got) != 1 || got[0].Kind != beforetrip.ChangeComments {
		t.Fatalf("changes = %v, want one comments change", got)
	}
	if own := mustComment(t, admin, page, "Admins need no approval", 0); own.Pending {
		t.Fatal("admin comment pending")
	}
	admin.do("POST", "/api/admin/comments/9999/approve", nil).want(t, 404, "not_found")
}

// TestPreModerationEdit: under pre-moderation a reader's edit of an
// approved comment takes it off public view until approved again (before,
// PATCH kept it published, so approved text could be edited into spam).
func TestPreModerationEdit(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.Moderation = "pre" })
	reader, _ := ts.MustUser(t, "rita")
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	page := "countries/japan"
	anon := ts.client(t)
	count := func(c *client) int { return len(listComments(t, c, "page="+page).Comments) }

	cm := mustComment(t, reader, page, "Harmless", 0)
	approve := fmt.Sprintf("/api/admin/comments/%d/approve", cm.ID)
	admin.do("POST", approve, nil).want(t, 200, "")
	if count(anon) != 1 {
		t.Fatal("approved comment not public")
	}
	path := fmt.Sprintf("/api/comments/%d", cm.ID)
	var edited commentResponse
	r := reader.do("PATCH", path, map[string]string{"body": "BUY SPAM NOW"})
	r.want(t, 200, "")
	r.decode(t, &edited)
	if !edited.Comment.Pending {
		t.Fatalf("edited comment = %+v, want pending", edited.Comment)
	}
	if n := count(anon); n != 0 {
		t.Fatalf("anonymous readers see %d comments after the edit, want 0", n)
	}
	if got := listComments(t, reader, "page="+page).Comments; len(got) != 1 || got[0].Body != "BUY SPAM NOW" || !got[0].Pending {
		t.Fatalf("author sees %+v, want the pending edit", got)
	}
	var p pageResponse
	anon.do("GET", "/api/page?id="+q(page), nil).decode(t, &p)
	if p.Comments != 0 {
		t.Fatalf("page count = %d, want 0 while the edit waits", p.Comments)
	}
	var pending beforetrip.CommentPage
	admin.do("GET", "/api/admin/pending", nil).decode(t, &pending)
	if len(pending.Comments) != 1 || pending.Comments[0].ID != cm.ID {
		t.Fatalf("queue = %+v, want the edited comment", pending.Comments)
	}
	admin.do("PATCH", path, map[string]string{"body": "Moderator fixed it"}).want(t, 200, "")
	admin.do("POST", approve, nil).want(t, 200, "")
	if got := listComments(t, anon, "page="+page).Comments; len(got) != 1 || got[0].Body != "Moderator fixed it" {
		t.Fatalf("after approval anonymous readers see %+v", got)
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestReplyToUnseenComment: a reply to a comment the caller cannot see
// (another reader's pending comment) answers exactly as a reply to one
// that does not exist; before, it was accepted with 201.
func TestReplyToUnseenComment(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.Moderation = "pre" })
	rita, _ := ts.MustUser(t, "rita")
	otto, _ := ts.MustUser(t, "otto")
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	page := "countries/japan"
	hidden := mustComment(t, rita, page, "Waiting for approval", 0)
	elsewhere := mustComment(t, admin, "countries/south-korea", "Another page", 0)

	reply := func(parent uint64) *response {
		return otto.do("POST", "/api/comments", map[string]any{"page": page, "body": "reply", "parent_id": parent})
	}
	none := reply(hidden.ID + 1000)
	none.want(t, 400, "invalid")
	for name, r := range map[string]*response{
		"pending of another reader": reply(hidden.ID),
		"comment of another page":   reply(elsewhere.ID),
	} {
		if r.Status != none.Status || string(r.Body) != string(none.Body) {
			t.Errorf("%s: %d %s, want %d %s as for no comment", name, r.Status, r.Body, none.Status, none.Body)
		}
	}
	// Those who can see it may reply: its author and moderators.
	mustComment(t, rita, page, "my own reply", hidden.ID)
	mustComment(t, admin, page, "moderator reply", hidden.ID)
	// Others can neither edit nor delete it, and cannot tell it exists.
	path := fmt.Sprintf("/api/comments/%d", hidden.ID)
	otto.do("PATCH", path, map[string]string{"body": "x"}).want(t, 404, "not_found")
	otto.do("DELETE", path, nil).want(t, 404, "not_found")
}
