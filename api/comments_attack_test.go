package api

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/store"
)

// Attacks on comments (deep threads, huge pages of them), beside
// comments_test.go.

// mustBulkServer is MustServer over a store without fsync, for tests that
// need thousands of rows: durability is not what they test.
func mustBulkServer(tb testing.TB) *testServer {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(filepath.Join(dir, "beforetrip.db"), store.WithNoSync())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	MustManifest(tb, dir, testPages)
	index, err := NewPageIndex(dir, db)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Config{JWTSecret: testSecret, BaseURL: "http://site.test/"}, ServicesOf(db, index))
	if err != nil {
		tb.Fatal(err)
	}
	srv.hasher = newHasher(1024, 1, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.App().Listener(ln)
	tb.Cleanup(func() { srv.App().ShutdownWithTimeout(5 * time.Second) })
	return &testServer{Server: srv, URL: "http://" + ln.Addr().String(), DB: db, Index: index}
}

// pageAll follows next cursors through GET /api/comments and fails on a
// repeated ID; it returns the IDs in the order served.
func pageAll(t *testing.T, c *client, page, order string, limit int) []uint64 {
	t.Helper()
	var ids []uint64
	seen := map[uint64]bool{}
	cursor := ""
	for i := 0; ; i++ {
		if i > 100000/limit {
			t.Fatal("cursor never ends")
		}
		got := listComments(t, c, fmt.Sprintf("page=%s&order=%s&limit=%d&cursor=%s", q(page), order, limit, q(cursor)))
		if len(got.Comments) > limit {
			t.Fatalf("page of %d comments, limit %d", len(got.Comments), limit)
		}
		for _, cm := range got.Comments {
			if seen[cm.ID] {
				t.Fatalf("comment %d served twice", cm.ID)
			}
			seen[cm.ID] = true
			ids = append(ids, cm.ID)
		}
		if got.Next == "" {
			return ids
		}
		cursor = got.Next
	}
}

// TestAttackDeepReplyChain posts a chain of 1,000 replies, each answering
// the one before, and pages through it.
func TestAttackDeepReplyChain(t *testing.T) {
	ts := mustBulkServer(t)
	c := ts.MustBearer(t, "chatty")
	const depth = 1000
	page := "countries/japan/tips/jr-pass"
	parent := map[uint64]uint64{}
	var prev uint64
	for i := 0; i < depth; i++ {
		cm := mustComment(t, c, page, fmt.Sprintf("reply %d", i), prev)
		parent[cm.ID] = prev
		prev = cm.ID
	}
	ids := pageAll(t, ts.client(t), page, "oldest", 100)
	if len(ids) != depth {
		t.Fatalf("paged %d comments, want %d", len(ids), depth)
	}
	for i, id := range ids {
		if _, ok := parent[id]; !ok {
			t.Fatalf("unknown comment %d", id)
		}
		if i > 0 && parent[id] != ids[i-1] {
			t.Fatalf("comment %d: parent %d, want %d", id, parent[id], ids[i-1])
		}
	}
	// Deleting the middle keeps the chain: the replies stay.
	c.do("DELETE", fmt.Sprintf("/api/comments/%d", ids[depth/2]), nil).want(t, 204, "")
	if n := len(pageAll(t, ts.client(t), page, "newest", 100)); n != depth {
		t.Fatalf("after a soft delete %d comments, want %d", n, depth)
	}
}

// TestAttackTenThousandComments pages 10,000 comments of one page through
// the API in both orders: every comment once, in order, no gaps.
func TestAttackTenThousandComments(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	ts := mustBulkServer(t)
	const n = 10000
	page := "countries/japan"
	ctx := context.Background()
	u := &beforetrip.User{Username: "bulk", Email: "bulk@example.com", Role: beforetrip.RoleReader}
	if err := ts.DB.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	want := map[uint64]bool{}
	for i := 0; i < n; i++ {
		cm := &beforetrip.Comment{Page: page, Author: beforetrip.Author{ID: u.ID, Username: u.Username},
			Body: fmt.Sprint(i), HTML: fmt.Sprintf("<p>%d</p>", i)}
		if err := ts.DB.CreateComment(ctx, cm); err != nil {
			t.Fatal(err)
		}
		want[cm.ID] = true
	}
	for _, order := range []string{"oldest", "newest"} {
		t.Run(order, func(t *testing.T) {
			ids := pageAll(t, ts.client(t), page, order, 100)
			if len(ids) != n {
				t.Fatalf("paged %d comments, want %d", len(ids), n)
			}
			for i, id := range ids {
				if !want[id] {
					t.Fatalf("unknown comment %d", id)
				}
				if i > 0 && (order == "oldest") != (id > ids[i-1]) {
					t.Fatalf("order %s broken at %d: %d after %d", order, i, id, ids[i-1])
				}
			}
		})
	}
	var p pageResponse
	ts.client(t).do("GET", "/api/page?id="+q(page), nil).decode(t, &p)
	if p.Comments != n {
		t.Fatalf("comment count = %d, want %d", p.Comments, n)
	}
}
