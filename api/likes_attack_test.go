package api

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// Attacks on likes and the page IDs they name, beside likes_test.go.

// hostilePageIDs are malformed or look-alike page IDs; none names a page.
// A decomposed (NFD) form of a real ID is not among them: it names the same
// page once put in NFC (TestDecomposedPageID).
var hostilePageIDs = []string{
	"../../etc/passwd", "countries/../../../etc", "countries/japan/..", "./countries/japan",
	"%2e%2e/%2e%2e/etc", "countries/%2e%2e", "..%2f..%2fetc", `countries\japan`, `..\..\windows`,
	"countries/japan\x00", "countries/japan\x00/../../x", "countries/japan\u202e", "countries/ja\u200bpan",
	"\ufeffcountries/japan", "\xc0\xae\xc0\xae/etc", "countries/\xff\xfe", "countries/japan/", "/countries/japan",
	"countries//japan", "COUNTRIES/JAPAN", "countries/ｊａｐａｎ", "．．/．．/etc",
	strings.Repeat("a/", 300) + "a", "countries/japan\n", "countries/japan\r\nX-Injected: 1",
}

// TestAttackHostilePageIDs sends every hostile ID to every endpoint that
// takes a page or country: 400 or 404 each time, and nothing is written.
func TestAttackHostilePageIDs(t *testing.T) {
	ts := MustServer(t)
	c := ts.MustBearer(t, "pathwalker")
	type call struct {
		method, path string
		body         any
	}
	calls := func(id string) []call {
		return []call{
			{"GET", "/api/page?id=" + q(id), nil},
			{"PUT", "/api/likes?page=" + q(id), nil},
			{"DELETE", "/api/likes?page=" + q(id), nil},
			{"GET", "/api/comments?page=" + q(id), nil},
			{"POST", "/api/comments", map[string]any{"page": id, "body": "hi"}},
			{"POST", "/api/reviews", map[string]any{"country": id, "title": "t", "rating": 5, "body": "b"}},
			{"GET", "/api/reviews?country=" + q(id), nil},
			{"GET", "/api/popular?country=" + q(id), nil},
			{"GET", "/api/reviews/" + strings.ReplaceAll(q(id), "+", "%20"), nil},
		}
	}
	for _, id := range hostilePageIDs {
		t.Run(strings.ToValidUTF8(id, "?"), func(t *testing.T) {
			for _, cl := range calls(id) {
				r := c.do(cl.method, cl.path, cl.body)
				ok := r.Status == 400 || r.Status == 404
				// Lists filtered by an unknown country may answer empty.
				if r.Status == 200 && cl.method == "GET" && (strings.HasPrefix(cl.path, "/api/reviews?") ||
					strings.HasPrefix(cl.path, "/api/popular?")) {
					ok = !strings.Contains(string(r.Body), `"id"`)
				}
				if !ok {
					t.Errorf("%s %s: %d %s", cl.method, cl.path, r.Status, r.Body)
				}
			}
			r := c.do("GET", "/api/pages?ids="+q(id)+",countries/japan", nil)
			if r.Status != 400 && (r.Status != 200 || strings.Count(string(r.Body), `"likes"`) != 1) {
				t.Errorf("GET /api/pages with %q: %d %s", id, r.Status, r.Body)
			}
		})
	}
	mustNothingWritten(t, ts)
}

// mustNothingWritten checks that the store holds no likes, comments or
// reviews and that no change was announced.
func mustNothingWritten(t *testing.T, ts *testServer) {
	t.Helper()
	ctx := context.Background()
	counts, err := ts.DB.PageCounts(ctx)
	if err != nil || len(counts) != 0 {
		t.Fatalf("page counts = %v, %v; want none", counts, err)
	}
	revs, err := ts.DB.Reviews(ctx, beforetrip.ReviewQuery{Limit: 10})
	if err != nil || len(revs.Reviews) != 0 {
		t.Fatalf("reviews = %+v, %v; want none", revs, err)
	}
	for _, p := range testPages[1:] { // the home page ("") takes no comments
		cs, err := ts.DB.Comments(ctx, beforetrip.CommentQuery{Page: p.ID, Limit: 10, Moderator: true})
		if err != nil || len(cs.Comments) != 0 {
			t.Fatalf("comments of %q = %+v, %v; want none", p.ID, cs, err)
		}
	}
	if ch := ts.Changes(); len(ch) != 0 {
		t.Fatalf("changes announced: %+v", ch)
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}

// TestAttackLikeDeletedReview races likes and comments on a reader
// review's page against the review's deletion: once the delete is
// acknowledged and the racing requests are answered, the deleted page
// must hold no likes, comments or popularity entry.
func TestAttackLikeDeletedReview(t *testing.T) {
	ts := MustServer(t)
	author := ts.MustBearer(t, "racer0")
	likers := make([]*client, 12)
	for i := range likers {
		likers[i] = ts.MustBearer(t, fmt.Sprintf("racer%d", i+1))
	}
	ctx := context.Background()
	for round := range 10 {
		r := author.do("POST", "/api/reviews", map[string]any{"country": "japan", "title": "Race", "rating": 3, "body": "x"})
		r.want(t, 201, "")
		var out reviewResponse
		r.decode(t, &out)
		page := out.Review.PageID()
		var wg sync.WaitGroup
		for i, c := range likers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%3 == 0 {
					c.do("POST", "/api/comments", map[string]any{"page": page, "body": "racing"})
				} else {
					c.do("PUT", pagePath(page), nil)
				}
			}()
		}
		author.do("DELETE", fmt.Sprintf("/api/reviews/%d", out.Review.ID), nil).want(t, 204, "")
		wg.Wait()
		counts, err := ts.DB.PageCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := counts[page]; ok {
			t.Fatalf("round %d: deleted review %s still has %+v", round, page, c)
		}
	}
	if err := ts.DB.Verify(); err != nil {
		t.Fatal(err)
	}
}
