package api

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/beforetrip/beforetrip"
)

func TestLikes(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "ivy")
	id := "countries/south-korea/tips/교통카드"
	var lr likeResponse
	for i := 0; i < 2; i++ { // a double like counts once
		r := c.do("PUT", pagePath(id), nil)
		r.want(t, 200, "")
		r.decode(t, &lr)
		if lr.Likes != 1 || !lr.Liked {
			t.Fatalf("like #%d = %+v", i+1, lr)
		}
	}
	var p pageResponse
	c.do("GET", "/api/page?id="+q(id), nil).decode(t, &p)
	if p.ID != id || p.Likes != 1 || !p.Liked {
		t.Fatalf("page for liker = %+v", p)
	}
	ts.client(t).do("GET", "/api/page?id="+q(id), nil).decode(t, &p)
	if p.Likes != 1 || p.Liked {
		t.Fatalf("page for anonymous = %+v", p)
	}
	for i := 0; i < 2; i++ {
		r := c.do("DELETE", pagePath(id), nil)
		r.want(t, 200, "")
		r.decode(t, &lr)
		if lr.Likes != 0 || lr.Liked {
			t.Fatalf("unlike #%d = %+v", i+1, lr)
		}
	}
	want := []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: id}, {Kind: beforetrip.ChangeLikes, Page: id}}
	if got := ts.Changes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("changes = %v, want %v (one per count change)", got, want)
	}

	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown page", "PUT", pagePath("countries/japan/tips/nope"), 404, "not_found"},
		{"unknown page get", "GET", "/api/page?id=countries/atlantis", 404, "not_found"},
		{"dot-dot", "PUT", pagePath("countries/../etc"), 400, "invalid"},
		{"double slash", "PUT", pagePath("countries//japan"), 400, "invalid"},
		{"leading slash", "GET", "/api/page?id=" + q("/countries/japan"), 400, "invalid"},
		{"space", "PUT", pagePath("countries/ja pan"), 400, "invalid"},
		{"too long", "PUT", pagePath(strings.Repeat("a", beforetrip.MaxPageIDLen+1)), 400, "invalid"},
		{"missing page", "PUT", "/api/likes", 400, "invalid"},
		{"missing id", "GET", "/api/page", 400, "invalid"},
		{"home page (no likes)", "GET", "/api/page?id=", 400, "invalid"},
		{"anonymous like", "PUT", pagePath("countries/japan"), 401, "unauthenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := c
			if tt.status == 401 {
				cl = ts.client(t)
			}
			cl.do(tt.method, tt.path, nil).want(t, tt.status, tt.code)
		})
	}
}

func TestPagesBatch(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "jack")
	c.do("PUT", pagePath("countries/japan/tips/jr-pass"), nil).want(t, 200, "")
	c.do("POST", "/api/comments", map[string]string{"page": "countries/japan", "body": "Great"}).want(t, 201, "")

	var out pagesResponse
	r := c.do("GET", "/api/pages?ids="+q("countries/japan,countries/japan/tips/jr-pass,countries/nowhere,countries/japan"), nil)
	r.want(t, 200, "")
	r.decode(t, &out)
	want := map[string]beforetrip.PageStats{
		"countries/japan":              {Comments: 1},
		"countries/japan/tips/jr-pass": {Likes: 1, Liked: true},
	}
	if fmt.Sprint(out.Pages) != fmt.Sprint(want) {
		t.Fatalf("pages = %v, want %v (unknown IDs omitted)", out.Pages, want)
	}
	out = pagesResponse{}
	ts.client(t).do("GET", "/api/pages?ids=", nil).decode(t, &out)
	if len(out.Pages) != 0 {
		t.Fatalf("empty ids = %v", out.Pages)
	}
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = fmt.Sprintf("countries/c%d", i)
	}
	tests := []struct {
		name, ids string
	}{
		{"101 ids", strings.Join(ids, ",")},
		{"bad id", "countries/japan,../x"},
		{"empty item", "countries/japan,,countries/south-korea"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.do("GET", "/api/pages?ids="+q(tt.ids), nil).want(t, 400, "invalid")
		})
	}
	c.do("GET", "/api/pages?ids="+q(strings.Join(ids[:100], ",")), nil).want(t, 200, "")
	// 100 long Korean IDs: a 10 KiB request line, with cookies, fits.
	for i := range ids {
		ids[i] = fmt.Sprintf("countries/south-korea/tips/서울-지하철-타는-법-%d", i)
	}
	c.do("GET", "/api/pages?ids="+q(strings.Join(ids[:100], ",")), nil).want(t, 200, "")
}

// TestConcurrentLikes has 100 readers like one page at once: the count is
// exact, and each liker sees it liked.
func TestConcurrentLikes(t *testing.T) {
	ts := MustServer(t)
	const n = 100
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = ts.MustBearer(t, fmt.Sprintf("liker%03d", i))
	}
	id := "countries/japan/tips/ic-cards"
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.do("PUT", pagePath(id), nil).Status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Fatalf("liker %d: status %d", i, s)
		}
	}
	var p pageResponse
	ts.client(t).do("GET", "/api/page?id="+q(id), nil).decode(t, &p)
	if p.Likes != n {
		t.Fatalf("likes = %d, want %d", p.Likes, n)
	}
	clients[7].do("GET", "/api/page?id="+q(id), nil).decode(t, &p)
	if !p.Liked {
		t.Fatal("liker does not see the page liked")
	}
}

// TestPagesNeverStale: the counts come from the store's in-memory copy
// (issue 20); an acknowledged like, unlike or comment is what the next
// read shows, to its author and to an anonymous reader alike.
func TestPagesNeverStale(t *testing.T) {
	ts := MustServer(t)
	c, _ := ts.MustUser(t, "jack")
	anon := ts.client(t)
	const id = "countries/japan/tips/jr-pass"
	read := func(who *client) beforetrip.PageStats {
		var out pagesResponse
		r := who.do("GET", "/api/pages?ids="+q(id), nil)
		r.want(t, 200, "")
		r.decode(t, &out)
		return out.Pages[id]
	}
	for i := range 20 {
		liked := i%2 == 0
		method, want := "DELETE", int64(0)
		if liked {
			method, want = "PUT", 1
		}
		c.do(method, pagePath(id), nil).want(t, 200, "")
		if got := read(anon); got.Likes != want {
			t.Fatalf("step %d: anonymous read %d likes right after the %s, want %d", i, got.Likes, method, want)
		}
		if got := read(c); got.Likes != want || got.Liked != liked {
			t.Fatalf("step %d: the author reads %+v right after the %s", i, got, method)
		}
	}
	c.do("POST", "/api/comments", map[string]string{"page": id, "body": "Worth it"}).want(t, 201, "")
	if got := read(anon); got.Comments != 1 {
		t.Fatalf("anonymous read %d comments right after one was posted", got.Comments)
	}
}
