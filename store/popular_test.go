package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// popularIDs runs a query and returns "id:likes" strings.
func popularIDs(tb testing.TB, db *DB, q beforetrip.PopularQuery) []string {
	tb.Helper()
	items, err := db.Popular(context.Background(), q)
	if err != nil {
		tb.Fatal(err)
	}
	out := []string{}
	for _, it := range items {
		out = append(out, fmt.Sprintf("%s:%d", it.ID, it.Likes))
	}
	return out
}

func TestPopularOrdering(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	users := make([]*beforetrip.User, 3)
	for i := range users {
		users[i] = MustUser(t, db, fmt.Sprint("u", i))
	}
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	jOld := tipPage("japan", "old", day(1))
	jNew := tipPage("japan", "new", day(20))
	jTop := tipPage("japan", "top", day(5))
	kTip := tipPage("korea", "k", day(10))
	jRev := beforetrip.PageMeta{ID: "countries/japan/reviews/r", Section: beforetrip.SectionReviews, Country: "japan", Date: day(3)}
	jCountry := beforetrip.PageMeta{ID: "countries/japan", Kind: beforetrip.KindCountry, Country: "japan", Date: day(2)}
	like := func(p beforetrip.PageMeta, n int) {
		for _, u := range users[:n] {
			if _, err := db.SetLike(ctx, p, u.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	like(jOld, 1)
	like(jNew, 1) // tie with jOld: newer first
	like(jTop, 3)
	like(kTip, 2)
	like(jRev, 1)
	like(jCountry, 1)
	unliked := tipPage("japan", "gone", day(30))
	like(unliked, 1)
	if _, err := db.SetLike(ctx, unliked, users[0].ID, false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    beforetrip.PopularQuery
		want string
	}{
		{beforetrip.PopularQuery{Section: "tips", Country: "japan"},
			"[countries/japan/tips/top:3 countries/japan/tips/new:1 countries/japan/tips/old:1]"},
		{beforetrip.PopularQuery{Section: "tips"},
			"[countries/japan/tips/top:3 countries/korea/tips/k:2 countries/japan/tips/new:1 countries/japan/tips/old:1]"},
		{beforetrip.PopularQuery{Country: "japan"},
			"[countries/japan/tips/top:3 countries/japan/tips/new:1 countries/japan/reviews/r:1 countries/japan:1 countries/japan/tips/old:1]"},
		{beforetrip.PopularQuery{Section: "reviews", Country: "korea"}, "[]"},
		{beforetrip.PopularQuery{Limit: 2}, "[countries/japan/tips/top:3 countries/korea/tips/k:2]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.q), func(t *testing.T) {
			if got := fmt.Sprint(popularIDs(t, db, tt.q)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	items, _ := db.Popular(ctx, beforetrip.PopularQuery{Limit: 1})
	if !items[0].Date.Equal(day(5)) {
		t.Errorf("date = %v, want %v", items[0].Date, day(5))
	}
	// A page whose date changes moves on its next like or unlike.
	moved := jOld
	moved.Date = day(25)
	if _, err := db.SetLike(ctx, moved, users[0].ID, true); err != nil {
		t.Fatal(err)
	}
	want := "[countries/japan/tips/top:3 countries/japan/tips/old:1 countries/japan/tips/new:1]"
	if got := fmt.Sprint(popularIDs(t, db, beforetrip.PopularQuery{Section: "tips", Country: "japan"})); got != want {
		t.Errorf("after date change got %s, want %s", got, want)
	}
	_, err := db.Popular(ctx, beforetrip.PopularQuery{Country: "a/b"})
	wantCode(t, err, beforetrip.EINVALID)
	checkInvariants(t, db)
}
