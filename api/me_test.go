package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

func TestExportAndDeleteAccount(t *testing.T) {
	ts := MustServer(t)
	alice, au := ts.MustUser(t, "alice")
	bob, _ := ts.MustUser(t, "bob")
	alice.do("PUT", pagePath("countries/japan"), nil).want(t, http.StatusOK, "")
	bob.do("PUT", pagePath("countries/japan"), nil).want(t, http.StatusOK, "")
	var top, lone commentResponse
	alice.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "alice's question"}).decode(t, &top)
	alice.do("POST", "/api/comments", map[string]any{"page": "countries/south-korea", "body": "alone"}).decode(t, &lone)
	bob.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "bob's answer", "parent_id": top.Comment.ID}).
		want(t, http.StatusCreated, "")
	review := mustReview(t, alice, "japan", "Alice in Kyoto", 5)

	r := alice.do("GET", "/api/auth/me/export", nil)
	r.want(t, http.StatusOK, "")
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "alice") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	var exp beforetrip.AccountExport
	r.decode(t, &exp)
	if exp.User.Username != "alice" || exp.User.Email != "alice@example.com" || len(exp.Comments) != 2 ||
		len(exp.Reviews) != 1 || len(exp.Likes) != 1 || exp.Likes[0] != "countries/japan" {
		t.Errorf("export = %+v", exp)
	}
	if strings.Contains(string(r.Body), "password") || strings.Contains(string(r.Body), "argon2") {
		t.Errorf("export leaks the password hash: %s", r.Body)
	}
	if len(exp.Comments) > 0 && exp.Comments[0].Page == "" {
		t.Error("exported comment without page ID")
	}
	ts.client(t).do("GET", "/api/auth/me/export", nil).want(t, http.StatusUnauthorized, "")

	alice.do("DELETE", "/api/auth/me", map[string]string{"password": "wrong"}).want(t, http.StatusBadRequest, "invalid")
	before := len(ts.Changes())
	r = alice.do("DELETE", "/api/auth/me", map[string]string{"password": testPassword})
	r.want(t, http.StatusOK, "")
	if got := strings.Join(r.Header.Values("Set-Cookie"), "\n"); !strings.Contains(got, "bt_access=;") {
		t.Errorf("cookies not cleared: %s", got)
	}
	alice.do("GET", "/api/auth/me", nil).want(t, http.StatusUnauthorized, "")
	if st := ts.client(t).login("alice", testPassword); st != http.StatusUnauthorized {
		t.Errorf("deleted account logs in: %d", st)
	}
	// Counts follow, and static pages are told.
	var page struct{ Likes, Comments int64 }
	ts.client(t).do("GET", "/api/page?id=countries/japan", nil).decode(t, &page)
	if page.Likes != 1 || page.Comments != 1 {
		t.Errorf("japan after deletion = %+v, want bob's like and reply only", page)
	}
	kinds := map[string]bool{}
	for _, ch := range ts.Changes()[before:] {
		kinds[fmt.Sprint(ch.Kind, " ", ch.Page)] = true
	}
	for _, want := range []string{"likes countries/japan", "comments countries/japan", "comments countries/south-korea",
		"review " + review.PageID()} {
		if !kinds[want] {
			t.Errorf("no change %q announced (got %v)", want, kinds)
		}
	}
	// The question stays as a placeholder without author; bob's reply stays.
	var list beforetrip.CommentPage
	ts.client(t).do("GET", "/api/comments?page=countries/japan", nil).decode(t, &list)
	for _, c := range list.Comments {
		if c.ID == top.Comment.ID && (!c.Deleted || c.Author.ID != 0 || c.Author.Username != "" || c.Body != "") {
			t.Errorf("alice's comment after deletion: %+v", c)
		}
	}
	if len(list.Comments) != 2 {
		t.Errorf("%d comments on japan, want the placeholder and bob's reply", len(list.Comments))
	}
	ts.client(t).do("GET", fmt.Sprintf("/api/reviews/%d", review.ID), nil).want(t, http.StatusNotFound, "")
	body, _ := json.Marshal(list)
	if strings.Contains(string(body), "alice") {
		t.Errorf("alice still named on the page: %s", body)
	}
	// The name and email are free again.
	if u := ts.client(t).register("alice"); u.ID == au.ID {
		t.Error("a new alice got the deleted account's ID")
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestReplyNotifications(t *testing.T) {
	ts := MustServer(t)
	alice, _ := ts.MustUser(t, "alice")
	bob, _ := ts.MustUser(t, "bob")
	ts.client(t).do("POST", "/api/auth/email/verify", map[string]string{
		"token": ts.lastToken(t, "alice@example.com", beforetrip.MailVerify)}).want(t, http.StatusOK, "")
	var me userResponse
	alice.do("PATCH", "/api/auth/me", map[string]any{"notify_replies": "yes"}).want(t, http.StatusBadRequest, "invalid")
	alice.do("PATCH", "/api/auth/me", map[string]any{}).want(t, http.StatusBadRequest, "invalid")
	alice.do("PATCH", "/api/auth/me", map[string]any{"notify_replies": true}).decode(t, &me)
	if !me.User.NotifyReplies || !alice.me().NotifyReplies {
		t.Fatal("notify_replies not on")
	}
	var top commentResponse
	alice.do("POST", "/api/comments", map[string]any{"page": "countries/south-korea/tips/교통카드", "body": "Which card?"}).decode(t, &top)
	reply := func(c *client, body string) {
		c.do("POST", "/api/comments", map[string]any{"page": "countries/south-korea/tips/교통카드", "body": body,
			"parent_id": top.Comment.ID}).want(t, http.StatusCreated, "")
	}
	reply(alice, "answering myself")
	reply(bob, "T-money")
	reply(bob, "or Cashbee")
	mails := ts.queued(t, "alice@example.com", beforetrip.MailReplies)
	if len(mails) != 1 || len(mails[0].Replies) != 2 {
		t.Fatalf("reply mails = %+v, want one batch with bob's two replies", mails)
	}
	m := mails[0]
	if m.Replies[0].Author != "bob" || m.Replies[0].PageTitle != "교통카드" ||
		!strings.HasPrefix(m.Replies[0].Link, "http://site.test/countries/south-korea/tips/%EA%B5%90%ED%86%B5%EC%B9%B4%EB%93%9C/#comment-") {
		t.Errorf("reply = %+v", m.Replies[0])
	}
	if !strings.HasPrefix(m.Unsubscribe, "http://site.test/api/notifications/unsubscribe?token=") {
		t.Fatalf("unsubscribe = %q", m.Unsubscribe)
	}
	if _, tok, _ := strings.Cut(m.Unsubscribe, "token="); m.Link != "http://site.test/account/#unsubscribe="+tok {
		t.Errorf("link for people = %q, want the account page with the same token", m.Link)
	}
	// Bob never asked: alice's reply to him sends nothing.
	var bobs commentResponse
	bob.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "Hi"}).decode(t, &bobs)
	alice.do("POST", "/api/comments", map[string]any{"page": "countries/japan", "body": "Hello", "parent_id": bobs.Comment.ID})
	if n := len(ts.queued(t, "bob@example.com", beforetrip.MailReplies)); n != 0 {
		t.Errorf("%d reply mails to bob", n)
	}

	path := strings.TrimPrefix(m.Unsubscribe, "http://site.test")
	anon := ts.client(t)
	anon.do("POST", path+"x", "List-Unsubscribe=One-Click").want(t, http.StatusBadRequest, "invalid")
	anon.do("POST", "/api/notifications/unsubscribe?token=1.AAAA", nil).want(t, http.StatusBadRequest, "invalid")
	// One-click as mail clients send it: a form body, no cookies, no CSRF.
	anon.do("POST", path, "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded").
		want(t, http.StatusOK, "")
	if alice.me().NotifyReplies {
		t.Error("still subscribed after one-click unsubscribe")
	}
	// Even with alice's cookies (a click in her browser) no CSRF header is needed.
	alice.noCSRF = true
	alice.do("POST", path, nil).want(t, http.StatusOK, "")
}
