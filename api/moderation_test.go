package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func TestReportHideRestore(t *testing.T) {
	ts := MustServer(t)
	author, _ := ts.MustUser(t, "writer")
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	page := "countries/japan/tips/jr-pass"
	cm := mustComment(t, author, page, "Cheap watches!!!", 0)
	report := fmt.Sprintf("/api/comments/%d/report", cm.ID)
	anon := ts.client(t)
	visible := func(c *client) int { return len(listComments(t, c, "page="+q(page)).Comments) }

	author.do("POST", report, map[string]string{"reason": "spam"}).want(t, 403, "forbidden")
	anon.do("POST", report, map[string]string{"reason": "spam"}).want(t, 401, "unauthenticated")
	for i := range 3 {
		r, _ := ts.MustUser(t, fmt.Sprint("reader", i))
		r.do("POST", report, map[string]string{"reason": "sale"}).want(t, 400, "invalid")
		r.do("POST", report, map[string]string{"reason": "spam", "text": strings.Repeat("x", 501)}).want(t, 400, "invalid")
		r.do("POST", report, map[string]string{"reason": "spam", "text": "ads"}).want(t, 202, "")
		r.do("POST", report, map[string]string{"reason": "spam"}).want(t, 409, "conflict")
		if want := map[bool]int{true: 0, false: 1}[i == 2]; visible(anon) != want {
			t.Fatalf("after %d reports anonymous readers see %d comments, want %d", i+1, visible(anon), want)
		}
	}
	own := listComments(t, author, "page="+q(page)).Comments
	if len(own) != 1 || !own[0].Hidden {
		t.Fatalf("author sees %+v, want their comment marked hidden", own)
	}
	var queue beforetrip.QueuePage
	admin.do("GET", "/api/admin/queue?kind=reported", nil).decode(t, &queue)
	if len(queue.Items) != 1 || queue.Items[0].PageTitle != "JR Pass" || len(queue.Items[0].Reports) != 3 ||
		queue.Items[0].Reports[0].Text != "ads" {
		t.Fatalf("reported queue = %+v", queue)
	}
	admin.do("GET", "/api/admin/queue?kind=other", nil).want(t, 400, "invalid")
	admin.do("POST", fmt.Sprintf("/api/admin/comments/%d/restore", cm.ID), nil).want(t, 200, "")
	if visible(anon) != 1 {
		t.Fatal("restored comment not visible")
	}
	r := admin.do("POST", fmt.Sprintf("/api/admin/comments/%d/reject", cm.ID), map[string]string{"reason": "Advertising"})
	r.want(t, 200, "")
	if visible(anon) != 0 {
		t.Fatal("rejected comment visible")
	}
	if own := listComments(t, author, "page="+q(page)).Comments; len(own) != 1 || !own[0].Rejected || own[0].Reason != "Advertising" {
		t.Fatalf("author sees %+v, want the rejection and its reason", own)
	}
	var changes []beforetrip.ChangeKind
	for _, ch := range ts.Changes() {
		changes = append(changes, ch.Kind)
	}
	if len(changes) != 4 { // post, hide, restore, reject
		t.Fatalf("changes = %v, want 4", changes)
	}

	// Reader reviews are reported the same way.
	rv := mustReview(t, author, "japan", "Buy my tours", 5)
	for i := range 3 {
		c := ts.client(t)
		c.register(fmt.Sprint("rv", i))
		c.do("POST", fmt.Sprintf("/api/reviews/%d/report", rv.ID), map[string]string{"reason": "abuse"}).want(t, 202, "")
	}
	anon.do("GET", fmt.Sprintf("/api/reviews/%d", rv.ID), nil).want(t, 404, "not_found")
	if _, ok := ts.Index.Page(rv.PageID()); ok {
		t.Fatal("hidden review is still a page")
	}
	admin.do("POST", fmt.Sprintf("/api/admin/reviews/%d/restore", rv.ID), nil).want(t, 200, "")
	anon.do("GET", fmt.Sprintf("/api/reviews/%d", rv.ID), nil).want(t, 200, "")
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestAdminRoutesRefuseReaders(t *testing.T) {
	ts := MustServer(t)
	reader, _ := ts.MustUser(t, "reader")
	editor, _ := ts.MustUser(t, "redakteur")
	ts.MustRole(t, "redakteur", beforetrip.RoleEditor)
	n := 0
	for _, rt := range ts.routes {
		if !strings.HasPrefix(rt.path, "/api/admin/") {
			continue
		}
		path := strings.NewReplacer(":id", "1", ":name", "reader").Replace(rt.path)
		if strings.HasPrefix(path, "/api/admin/pages/") {
			path += "?page=countries/japan"
		}
		for _, c := range []*client{reader, editor} {
			c.do(rt.method, path, map[string]any{}).want(t, 403, "forbidden")
		}
		ts.client(t).do(rt.method, path, nil).want(t, 401, "unauthenticated")
		n++
	}
	if n < 19 {
		t.Fatalf("only %d admin routes", n)
	}
}

func TestBlockUnblockRolePurge(t *testing.T) {
	ts := MustServer(t)
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	bob, _ := ts.MustUser(t, "bob")
	page := "countries/japan"
	cm := mustComment(t, bob, page, "first", 0)
	rv := mustReview(t, bob, "japan", "Mine", 3)

	var users beforetrip.UserPage
	admin.do("GET", "/api/admin/users?q=BO", nil).decode(t, &users)
	if len(users.Users) != 1 || users.Users[0].Comments != 1 || users.Users[0].Reviews != 1 || users.Users[0].Email != "bob@example.com" {
		t.Fatalf("users = %+v", users)
	}
	admin.do("POST", "/api/admin/users/bob/block", map[string]any{"days": -1}).want(t, 400, "invalid")
	admin.do("POST", "/api/admin/users/nobody/block", map[string]any{"reason": "x"}).want(t, 404, "not_found")
	admin.do("POST", "/api/admin/users/bob/block", map[string]any{"days": 7, "reason": "Spamming the Japan pages"}).want(t, 204, "")
	// bob's session is revoked: he logs in again and is told why.
	r := bob.do("POST", "/api/auth/login", map[string]string{"login": "bob", "password": testPassword})
	r.want(t, 403, "forbidden")
	if !strings.Contains(string(r.Body), "Spamming the Japan pages") || !strings.Contains(string(r.Body), "until") {
		t.Fatalf("block answer %s does not say until when and why", r.Body)
	}
	admin.do("POST", "/api/admin/users/bob/unblock", nil).want(t, 204, "")
	bob.do("POST", "/api/auth/login", map[string]string{"login": "bob", "password": testPassword}).want(t, 200, "")
	mustComment(t, bob, page, "back again", 0)

	admin.do("POST", "/api/admin/users/bob/role", map[string]string{"role": "god"}).want(t, 400, "invalid")
	admin.do("POST", "/api/admin/users/bob/role", map[string]string{"role": "editor"}).want(t, 204, "")
	var me userResponse
	bob.do("GET", "/api/auth/me", nil).decode(t, &me)
	if me.User.Role != beforetrip.RoleEditor {
		t.Fatalf("role = %s", me.User.Role)
	}

	var purged map[string]int
	admin.do("POST", "/api/admin/users/bob/purge", nil).decode(t, &purged)
	if purged["comments"] != 2 || purged["reviews"] != 1 {
		t.Fatalf("purged = %v", purged)
	}
	list := listComments(t, ts.client(t), "page="+page+"&order=oldest").Comments
	if len(list) != 2 || !list[0].Deleted || list[0].ID != cm.ID {
		t.Fatalf("after purge = %+v", list)
	}
	ts.client(t).do("GET", fmt.Sprintf("/api/reviews/%d", rv.ID), nil).want(t, 404, "not_found")

	var log beforetrip.AuditPage
	admin.do("GET", "/api/admin/audit", nil).decode(t, &log)
	var actions []string
	for _, e := range log.Entries {
		actions = append(actions, e.Action+" "+e.Target+" by "+e.Actor.Username)
	}
	want := []string{"purge user bob by chief", "role editor user bob by chief", "unblock user bob by chief"}
	if len(actions) < 4 || fmt.Sprint(actions[:3]) != fmt.Sprint(want) || !strings.HasPrefix(actions[3], "block until ") ||
		log.Entries[3].Reason != "Spamming the Japan pages" {
		t.Fatalf("audit = %q", actions)
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestLockAndPin(t *testing.T) {
	ts := MustServer(t)
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	reader, _ := ts.MustUser(t, "reader")
	page := "countries/japan"
	a := mustComment(t, reader, page, "a", 0)
	b := mustComment(t, reader, page, "b", 0)

	admin.do("POST", "/api/admin/pages/lock?page=countries/mars", nil).want(t, 404, "not_found")
	admin.do("POST", "/api/admin/pages/lock?page="+page, nil).want(t, 200, "")
	reader.do("POST", "/api/comments", map[string]any{"page": page, "body": "late"}).want(t, 403, "forbidden")
	if p := listComments(t, reader, "page="+page); !p.Locked || p.EditWindow != 900 {
		t.Fatalf("list = locked %v, edit window %d", p.Locked, p.EditWindow)
	}
	var locked struct{ Pages []struct{ ID, Title string } }
	admin.do("GET", "/api/admin/pages/locked", nil).decode(t, &locked)
	if len(locked.Pages) != 1 || locked.Pages[0].Title != "Japan" {
		t.Fatalf("locked = %+v", locked)
	}
	admin.do("POST", "/api/admin/pages/unlock?page="+page, nil).want(t, 200, "")
	mustComment(t, reader, page, "open again", 0)

	admin.do("POST", fmt.Sprintf("/api/admin/comments/%d/pin", a.ID), nil).want(t, 200, "")
	admin.do("POST", fmt.Sprintf("/api/admin/comments/%d/pin", b.ID), nil).want(t, 200, "")
	for _, c := range listComments(t, ts.client(t), "page="+page).Comments {
		if c.Pinned != (c.ID == b.ID) {
			t.Fatalf("comment %d pinned = %v", c.ID, c.Pinned)
		}
	}
	admin.do("POST", fmt.Sprintf("/api/admin/comments/%d/unpin", b.ID), nil).want(t, 200, "")
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestEditWindow(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.EditWindow = time.Millisecond })
	reader, _ := ts.MustUser(t, "reader")
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	cm := mustComment(t, reader, "countries/japan", "typo", 0)
	time.Sleep(20 * time.Millisecond) // past the window, whatever the load
	path := fmt.Sprintf("/api/comments/%d", cm.ID)
	r := reader.do("PATCH", path, map[string]string{"body": "fixed"})
	r.want(t, 403, "forbidden")
	if !strings.Contains(string(r.Body), "only within") {
		t.Fatalf("answer %s does not explain the window", r.Body)
	}
	admin.do("PATCH", path, map[string]string{"body": "moderators may"}).want(t, 200, "")
	reader.do("DELETE", path, nil).want(t, 204, "") // deleting is not editing
}
