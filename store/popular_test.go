package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/store/storetest"

	"github.com/beforetrip/beforetrip"
	bolt "go.etcd.io/bbolt"
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
	jOld := storetest.TipPage("japan", "old", day(1))
	jNew := storetest.TipPage("japan", "new", day(20))
	jTop := storetest.TipPage("japan", "top", day(5))
	kTip := storetest.TipPage("korea", "k", day(10))
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
	unliked := storetest.TipPage("japan", "gone", day(30))
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

// TestPopularSurvivesReopen: the popular index lives in memory; Open
// rebuilds it from the file, so a reopened store (or a restored backup)
// ranks exactly as before.
func TestPopularSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "beforetrip.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for u := range 4 {
		user := MustUser(t, db, fmt.Sprint("u", u))
		for p := range 6 - u {
			if _, err := db.SetLike(ctx, storetest.TipPage(fmt.Sprint("c", p%2), fmt.Sprint("t", p), day.AddDate(0, 0, p)), user.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	queries := []beforetrip.PopularQuery{{}, {Section: "tips"}, {Country: "c0"}, {Section: "tips", Country: "c1", Limit: 2}}
	var before []string
	for _, q := range queries {
		before = append(before, fmt.Sprint(popularIDs(t, db, q)))
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkInvariants(t, db)
	for i, q := range queries {
		if got := fmt.Sprint(popularIDs(t, db, q)); got != before[i] {
			t.Errorf("%+v after reopen: %s, before %s", q, got, before[i])
		}
	}
}

// TestMigrateDropsPopularBucket opens a schema-2 file, which kept the
// popular index in a bucket: the bucket goes, the rankings come from the
// page records and counters.
func TestMigrateDropsPopularBucket(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "beforetrip.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	alice := MustUser(t, db, "alice")
	page := storetest.TipPage("japan", "jr-pass", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := db.SetLike(ctx, page, alice.ID, true); err != nil {
		t.Fatal(err)
	}
	// Turn the file back into schema 2 with a (stale) popular bucket.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketPopular)
		if err != nil {
			return err
		}
		if err := b.Put([]byte("stale"), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketPopular) != nil {
			t.Error("popular bucket still there after the migration")
		}
		if v := tx.Bucket(bucketMeta).Get(keySchema); uint64FromBytes(v) != uint64(SchemaVersion()) {
			t.Errorf("schema version %x, want %d", v, SchemaVersion())
		}
		return nil
	})
	if got := fmt.Sprint(popularIDs(t, db, beforetrip.PopularQuery{})); got != "["+page.ID+":1]" {
		t.Errorf("popular after migration: %s", got)
	}
	checkInvariants(t, db)
}

// TestPopIndexIgnoresOlderCommits: bbolt runs commit handlers after it
// releases its lock, so a newer transaction's handler may come first; the
// older one must not undo it.
func TestPopIndexIgnoresOlderCommits(t *testing.T) {
	x := newPopIndex()
	rec := pageRecord{Section: "tips", Country: "japan"}
	x.set("countries/japan/tips/a", rec, 3, 10)
	x.set("countries/japan/tips/a", rec, 2, 9) // late handler of an older commit
	if got := x.top("", "", 10); len(got) != 1 || got[0].Likes != 3 {
		t.Errorf("after a late older commit: %+v, want a at 3 likes", got)
	}
	x.set("countries/japan/tips/a", rec, 0, 11) // unliked
	x.set("countries/japan/tips/a", rec, 1, 10)
	if got := x.top("tips", "japan", 10); len(got) != 0 {
		t.Errorf("a page unliked by the newest commit is ranked: %+v", got)
	}
	if len(x.ranks) != 0 {
		t.Errorf("empty rankings kept: %d", len(x.ranks))
	}
}
