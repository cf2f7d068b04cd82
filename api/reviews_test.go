package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

func mustReview(tb testing.TB, c *client, country, title string, rating int) beforetrip.Review {
	tb.Helper()
	r := c.do("POST", "/api/reviews", map[string]any{"country": country, "title": title, "rating": rating,
		"body": "Loved **it**."})
	r.want(tb, 201, "")
	var out reviewResponse
	r.decode(tb, &out)
	return *out.Review
}

func TestReviews(t *testing.T) {
	ts := MustServer(t)
	kim, kimUser := ts.MustUser(t, "kim")
	lee, _ := ts.MustUser(t, "lee")
	mod, _ := ts.MustUser(t, "keeper")
	ts.MustRole(t, "keeper", beforetrip.RoleAdmin)

	rv := mustReview(t, kim, "japan", "  Two weeks by rail  ", 5)
	if rv.ID == 0 || rv.Title != "Two weeks by rail" || rv.Author.ID != kimUser.ID || !strings.Contains(rv.HTML, "<strong>it</strong>") {
		t.Fatalf("review = %+v", rv)
	}
	mustReview(t, lee, "south-korea", "서울 여행", 4)
	path := fmt.Sprintf("/api/reviews/%d", rv.ID)
	var one reviewResponse
	ts.client(t).do("GET", path, nil).decode(t, &one)
	if one.Review.ID != rv.ID {
		t.Fatalf("get = %+v", one.Review)
	}
	var list beforetrip.ReviewPage
	ts.client(t).do("GET", "/api/reviews?country=japan", nil).decode(t, &list)
	if len(list.Reviews) != 1 || list.Reviews[0].ID != rv.ID {
		t.Fatalf("japan reviews = %+v", list.Reviews)
	}
	list = beforetrip.ReviewPage{}
	ts.client(t).do("GET", fmt.Sprintf("/api/reviews?author=%d", kimUser.ID), nil).decode(t, &list)
	if len(list.Reviews) != 1 {
		t.Fatalf("kim's reviews = %+v", list.Reviews)
	}
	list = beforetrip.ReviewPage{}
	ts.client(t).do("GET", "/api/reviews?limit=1", nil).decode(t, &list)
	if len(list.Reviews) != 1 || list.Next == "" || list.Reviews[0].Title != "서울 여행" {
		t.Fatalf("newest review page = %+v", list)
	}

	// A reader review is a page at once: likeable, commentable.
	kim.do("PUT", pagePath(rv.PageID()), nil).want(t, 200, "")
	mustComment(t, lee, rv.PageID(), "Nice", 0)
	kim.do("PUT", pagePath("countries/south-korea/reviews/u-"+fmt.Sprint(rv.ID)), nil).want(t, 404, "not_found")

	lee.do("PATCH", path, map[string]any{"rating": 1}).want(t, 403, "forbidden")
	r := kim.do("PATCH", path, map[string]any{"rating": 4, "body": "Updated"})
	r.want(t, 200, "")
	r.decode(t, &one)
	if one.Review.Rating != 4 || one.Review.Title != "Two weeks by rail" || one.Review.HTML != "<p>Updated</p>\n" || one.Review.EditedAt == nil {
		t.Fatalf("patched = %+v", one.Review)
	}
	mod.do("PATCH", path, map[string]any{"title": "Moderated title"}).want(t, 200, "")
	kim.do("PATCH", path, map[string]any{"country": "south-korea"}).want(t, 400, "invalid")
	kim.do("PATCH", path, map[string]any{"country": "japan", "title": "Same country is fine"}).want(t, 200, "")

	tests := []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"unknown country", "POST", "/api/reviews", map[string]any{"country": "atlantis", "title": "x", "rating": 3}, 400, "country"},
		{"country not a country page", "POST", "/api/reviews", map[string]any{"country": "japan/tips", "title": "x", "rating": 3}, 400, "country"},
		{"rating 0", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "x", "rating": 0}, 400, "rating"},
		{"rating 6", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "x", "rating": 6}, 400, "rating"},
		{"rating fraction", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "x", "rating": 4.5}, 400, "rating"},
		{"no rating", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "x"}, 400, "rating"},
		{"blank title", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "  ", "rating": 3}, 400, "title"},
		{"title only hidden characters", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "\u202e\u200b", "rating": 3}, 400, "title"},
		{"long title", "POST", "/api/reviews", map[string]any{"country": "japan", "title": strings.Repeat("t", 121), "rating": 3}, 400, "title"},
		{"long body", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "x", "rating": 3, "body": strings.Repeat("b", beforetrip.MaxReviewBodyLen+1)}, 400, "body"},
		{"unknown field", "POST", "/api/reviews", map[string]any{"country": "japan", "title": "x", "rating": 3, "stars": 5}, 400, "stars"},
		{"patch bad rating", "PATCH", path, map[string]any{"rating": 9}, 400, "rating"},
		{"patch unknown", "PATCH", "/api/reviews/999", map[string]any{"rating": 2}, 404, ""},
		{"patch nothing", "PATCH", path, map[string]any{}, 400, ""},
		{"list bad author", "GET", "/api/reviews?author=kim", nil, 400, "author"},
		{"list bad country", "GET", "/api/reviews?country=" + q("a/b"), nil, 400, "country"},
		{"get unknown", "GET", "/api/reviews/999", nil, 404, ""},
		{"list bad cursor", "GET", "/api/reviews?cursor=nonsense", nil, 400, "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := kim.do(tt.method, tt.path, tt.body)
			code := "invalid"
			if tt.status == 404 {
				code = "not_found"
			}
			r.want(t, tt.status, code)
			var e errorBody
			r.decode(t, &e)
			if e.Error.Field != tt.field {
				t.Errorf("field = %q, want %q", e.Error.Field, tt.field)
			}
		})
	}

	lee.do("DELETE", path, nil).want(t, 403, "forbidden")
	kim.do("DELETE", path, nil).want(t, 204, "")
	ts.client(t).do("GET", path, nil).want(t, 404, "not_found")
	kim.do("DELETE", path, nil).want(t, 404, "not_found")
	kim.do("PUT", pagePath(rv.PageID()), nil).want(t, 404, "not_found")

	reviewChanges := 0
	for _, ch := range ts.Changes() {
		if ch.Kind == beforetrip.ChangeReview {
			if ch.Country == "" || !strings.HasPrefix(ch.Page, "countries/"+ch.Country+"/reviews/u-") {
				t.Fatalf("review change = %+v", ch)
			}
			reviewChanges++
		}
	}
	if reviewChanges != 6 { // 2 creates, 3 edits, 1 delete
		t.Fatalf("review changes = %d, want 6", reviewChanges)
	}
}

func TestPopular(t *testing.T) {
	ts := MustServer(t)
	a := ts.MustBearer(t, "pop1")
	b := ts.MustBearer(t, "pop2")
	for _, c := range []*client{a, b} {
		c.do("PUT", pagePath("countries/japan/tips/jr-pass"), nil).want(t, 200, "")
	}
	a.do("PUT", pagePath("countries/japan/tips/ic-cards"), nil).want(t, 200, "")
	a.do("PUT", pagePath("countries/south-korea/tips/교통카드"), nil).want(t, 200, "")
	a.do("PUT", pagePath("countries/japan/reviews/kyoto"), nil).want(t, 200, "")

	get := func(query string) []popularItem {
		t.Helper()
		r := ts.client(t).do("GET", "/api/popular?"+query, nil)
		r.want(t, 200, "")
		var out popularResponse
		r.decode(t, &out)
		return out.Items
	}
	items := get("section=tips&country=japan")
	want := []popularItem{
		{ID: "countries/japan/tips/jr-pass", Title: "JR Pass", URL: "/countries/japan/tips/jr-pass/", Likes: 2},
		{ID: "countries/japan/tips/ic-cards", Title: "IC cards", URL: "/countries/japan/tips/ic-cards/", Likes: 1},
	}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Fatalf("popular japan tips = %+v, want %+v", items, want)
	}
	// Ties: newest first (ic-cards 2025-03 before 교통카드 2025-02).
	if items := get("section=tips&limit=3"); len(items) != 3 || items[1].ID != "countries/japan/tips/ic-cards" || items[2].Title != "교통카드" {
		t.Fatalf("popular tips = %+v", items)
	}
	if items := get("section=reviews"); len(items) != 1 || items[0].ID != "countries/japan/reviews/kyoto" {
		t.Fatalf("popular reviews = %+v", items)
	}
	// A page gone from the site is skipped.
	MustManifest(t, dirOf(ts), testPages[:4])
	if err := ts.Index.Reload(); err != nil {
		t.Fatal(err)
	}
	if items := get("section=tips"); len(items) != 1 || items[0].ID != "countries/japan/tips/jr-pass" {
		t.Fatalf("after removal = %+v", items)
	}
	for _, bad := range []string{"section=news", "limit=101", "limit=0", "country=" + q("a/b")} {
		t.Run(bad, func(t *testing.T) {
			ts.client(t).do("GET", "/api/popular?"+bad, nil).want(t, 400, "invalid")
		})
	}
}

// TestReviewPreModeration: with reviews.moderation: pre a reader's review
// is no page (not listed, not fetched, not likeable or commentable, not
// announced for rendering) until an admin approves it, and a reader's edit
// takes it off again. Before, reader reviews skipped moderation.
func TestReviewPreModeration(t *testing.T) {
	ts := MustServer(t, func(c *Config) { c.ReviewModeration = "pre" })
	kim, _ := ts.MustUser(t, "kim")
	lee, _ := ts.MustUser(t, "lee")
	admin, _ := ts.MustUser(t, "chief")
	ts.MustRole(t, "chief", beforetrip.RoleAdmin)
	anon := ts.client(t)

	rv := mustReview(t, kim, "japan", "Kyoto by bike", 5)
	if !rv.Pending {
		t.Fatalf("review = %+v, want pending", rv)
	}
	path := fmt.Sprintf("/api/reviews/%d", rv.ID)
	listed := func(c *client) int {
		var l beforetrip.ReviewPage
		c.do("GET", "/api/reviews?country=japan", nil).decode(t, &l)
		return len(l.Reviews)
	}
	wantHidden := func(when string) {
		t.Helper()
		if n := listed(anon); n != 0 {
			t.Fatalf("%s: anonymous list has %d reviews", when, n)
		}
		none := anon.do("GET", "/api/reviews/99999", nil)
		for _, c := range []*client{anon, lee} {
			r := c.do("GET", path, nil)
			if r.Status != 404 || string(r.Body) != string(none.Body) {
				t.Fatalf("%s: GET pending review = %d %s, want as unknown %s", when, r.Status, r.Body, none.Body)
			}
		}
		lee.do("PUT", pagePath(rv.PageID()), nil).want(t, 404, "not_found")
		lee.do("POST", "/api/comments", map[string]any{"page": rv.PageID(), "body": "hi"}).want(t, 404, "not_found")
		lee.do("PATCH", path, map[string]any{"rating": 1}).want(t, 404, "not_found")
		if _, ok := ts.Index.Page(rv.PageID()); ok {
			t.Fatalf("%s: pending review is a page", when)
		}
		reviews, err := ts.DB.ReaderReviews(t.Context())
		if err != nil || len(reviews) != 0 {
			t.Fatalf("%s: builder gets %v %v, want no review", when, reviews, err)
		}
	}
	wantHidden("new")
	if len(ts.Changes()) != 0 {
		t.Fatalf("a pending review announced %v", ts.Changes())
	}
	if listed(kim) != 1 || listed(admin) != 1 {
		t.Fatal("the author and admins must see the pending review")
	}
	kim.do("GET", path, nil).want(t, 200, "")

	approve := fmt.Sprintf("/api/admin/reviews/%d/approve", rv.ID)
	kim.do("POST", approve, nil).want(t, 403, "forbidden")
	admin.do("POST", approve, nil).want(t, 200, "")
	if listed(anon) != 1 {
		t.Fatal("approved review not listed")
	}
	if got := ts.Changes(); len(got) != 1 || got[0].Kind != beforetrip.ChangeReview {
		t.Fatalf("changes = %v, want one review change", got)
	}
	lee.do("PUT", pagePath(rv.PageID()), nil).want(t, 200, "")

	var edited reviewResponse
	r := kim.do("PATCH", path, map[string]any{"body": "Now with spam"})
	r.want(t, 200, "")
	r.decode(t, &edited)
	if !edited.Review.Pending {
		t.Fatal("an edited review must wait for approval again")
	}
	wantHidden("edited")
	if got := ts.Changes(); len(got) != 3 || got[2].Kind != beforetrip.ChangeReview {
		t.Fatalf("changes = %v, want the edit announced (the page goes)", got)
	}
	if own := mustReview(t, admin, "japan", "Admins need no approval", 4); own.Pending {
		t.Fatal("admin review pending")
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestReviewTitleHiddenCharacters: a reader review's title loses the
// bidirectional controls and zero-width characters that spoof lists and
// the feed (U+202E shows "gpj.exe" as "exe.jpg"), on create and on edit;
// joiners that a script or an emoji needs stay.
func TestReviewTitleHiddenCharacters(t *testing.T) {
	ts := MustServer(t)
	kim, _ := ts.MustUser(t, "kim")
	tests := []struct{ title, want string }{
		{"Kyoto \u202egpj.exe", "Kyoto gpj.exe"},
		{"Ky\u200boto\u2066 in\u2069 spring\ufeff", "Kyoto in spring"},
		{"A\u200dB by rail", "AB by rail"},                                                   // a joiner between Latin letters: a look-alike
		{"\U0001F468\u200d\U0001F469 family trip", "\U0001F468\u200d\U0001F469 family trip"}, // an emoji sequence keeps it
		{"می\u200cخواهم", "می\u200cخواهم"},                                                   // Persian needs ZWNJ
	}
	for _, tt := range tests {
		rv := mustReview(t, kim, "japan", tt.title, 4)
		if rv.Title != tt.want {
			t.Errorf("created with %+q: title %+q, want %+q", tt.title, rv.Title, tt.want)
		}
		var one reviewResponse
		kim.do("PATCH", fmt.Sprintf("/api/reviews/%d", rv.ID), map[string]any{"title": "\u202e" + tt.title}).want(t, 200, "")
		ts.client(t).do("GET", fmt.Sprintf("/api/reviews/%d", rv.ID), nil).decode(t, &one)
		if one.Review.Title != tt.want {
			t.Errorf("edited to %+q: title %+q, want %+q", "\u202e"+tt.title, one.Review.Title, tt.want)
		}
	}
}
