package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/pgstore"
	"github.com/beforetrip/beforetrip/pgstore/pgtest"
	"github.com/beforetrip/beforetrip/store"
	"github.com/beforetrip/beforetrip/store/storetest"
)

// mustCommunity fills a bbolt store with what a live site has: readers,
// likes, comments (a reply, a pending one, a pinned one, a hidden one, a
// deleted placeholder), reviews, reports, a locked thread and the audit
// log they leave.
func mustCommunity(tb testing.TB, path string) {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	admin := storetest.MustUser(tb, db, "admin")
	must(db.SetRole(ctx, "admin", beforetrip.RoleAdmin))
	boss := beforetrip.Author{ID: admin.ID, Username: admin.Username}
	var readers []*beforetrip.User
	for i := range 5 {
		readers = append(readers, storetest.MustUser(tb, db, fmt.Sprintf("reader%d", i)))
	}
	tip := storetest.TipPage("japan", "jr-pass", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	tip2 := storetest.TipPage("korea", "t-money", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	for i, u := range readers {
		_, err := db.SetLike(ctx, tip, u.ID, true)
		must(err)
		if i%2 == 0 {
			_, err = db.SetLike(ctx, tip2, u.ID, true)
			must(err)
		}
	}
	top := storetest.MustComment(tb, db, tip.ID, readers[0], 0, "top", false)
	storetest.MustComment(tb, db, tip.ID, readers[1], top.ID, "reply", false)
	storetest.MustComment(tb, db, tip.ID, readers[2], 0, "waiting", true)
	gone := storetest.MustComment(tb, db, tip2.ID, readers[3], 0, "to delete", false)
	_, err = db.UpdateComment(ctx, gone.ID, func(c *beforetrip.Comment) error { c.Deleted = true; return nil })
	must(err)
	_, err = db.PinComment(ctx, boss, top.ID, true)
	must(err)
	bad := storetest.MustComment(tb, db, tip2.ID, readers[4], 0, "spam", false)
	for _, u := range readers[:3] {
		_, err := db.Report(ctx, &beforetrip.Report{Kind: beforetrip.ItemComment, ItemID: bad.ID,
			Reporter: beforetrip.Author{ID: u.ID, Username: u.Username}, Reason: beforetrip.ReasonSpam}, 3)
		must(err)
	}
	r := storetest.MustReview(tb, db, readers[1], "japan", "Trains")
	_, err = db.SetLike(ctx, beforetrip.PageMeta{ID: r.PageID(), Section: beforetrip.SectionReviews, Country: "japan"}, readers[2].ID, true)
	must(err)
	storetest.MustComment(tb, db, r.PageID(), readers[3], 0, "nice", false)
	must(db.LockPage(ctx, boss, tip2.ID, true))
}

// TestStoreCopy: `beforetrip store copy` moves a bbolt store into an empty
// PostgreSQL database, and the copy answers every read as the source did;
// new rows continue after the copied IDs; a second copy into the same
// database is refused and changes nothing.
func TestStoreCopy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "beforetrip.db")
	mustCommunity(t, path)
	url := pgtest.URL(t)
	var out bytes.Buffer
	if err := Main(ctx, []string{"store", "copy", "--from", "bbolt:" + path, "--to", url}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "6 users, 9 likes, 6 comments, 1 reviews, 3 reports, 1 locks") {
		t.Errorf("summary: %s", out.String())
	}
	src, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	reads := map[string]func(s storetest.Store) (any, error){
		"popular": func(s storetest.Store) (any, error) { return s.Popular(ctx, beforetrip.PopularQuery{Limit: 10}) },
		"comments": func(s storetest.Store) (any, error) {
			return s.Comments(ctx, beforetrip.CommentQuery{Page: "countries/japan/tips/jr-pass", Moderator: true})
		},
		"stats": func(s storetest.Store) (any, error) {
			return s.PageStats(ctx, []string{"countries/japan/tips/jr-pass", "countries/korea/tips/t-money"}, 3)
		},
		"reviews": func(s storetest.Store) (any, error) { return s.ReaderReviews(ctx) },
		"login":   func(s storetest.Store) (any, error) { return s.UserByLogin(ctx, "Reader2@example.com") },
		"reported": func(s storetest.Store) (any, error) {
			return s.Queue(ctx, beforetrip.QueueReported, "", 10)
		},
		"locked": func(s storetest.Store) (any, error) { return s.LockedPages(ctx) },
		"audit":  func(s storetest.Store) (any, error) { return s.Audit(ctx, "", 50) },
	}
	for name, read := range reads {
		want, err1 := read(src)
		got, err2 := read(dst)
		if err1 != nil || err2 != nil || normalize(t, got) != normalize(t, want) {
			t.Errorf("%s: copy %s (%v)\nsource %s (%v)", name, normalize(t, got), err2, normalize(t, want), err1)
		}
	}
	u, err := dst.UserByLogin(ctx, "reader0")
	if err != nil || string(u.PasswordHash) != "hash-reader0" {
		t.Errorf("password hash not kept: %+v, %v", u, err)
	}
	c := &beforetrip.Comment{Page: "countries/japan/tips/jr-pass", Author: beforetrip.Author{ID: u.ID, Username: u.Username}, Body: "after"}
	if err := dst.CreateComment(ctx, c); err != nil || c.ID != 7 {
		t.Errorf("a new comment got ID %d (%v), want 7, after the copied ones", c.ID, err)
	}
	src.Close() // the copy below opens the file
	before, _ := dst.Tally(ctx)
	err = Main(ctx, []string{"store", "copy", "--from", "bbolt:" + path, "--to", url}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("second copy: %v, want a refusal", err)
	}
	if after, _ := dst.Tally(ctx); after != before {
		t.Errorf("the refused copy changed the database: %+v → %+v", before, after)
	}
}

// jsonFraction is the fraction of seconds of a JSON time (RFC 3339, as
// time.Time marshals: trailing zeros trimmed).
var jsonFraction = regexp.MustCompile(`(\d\d:\d\d:\d\d)\.(\d+)`)

// toMicro cuts a JSON time's fraction to PostgreSQL's microsecond and
// trims its trailing zeros again, as time.Time would marshal the cut time:
// bbolt's 12:00:00.902960123 and PostgreSQL's 12:00:00.90296 both become
// 12:00:00.90296.
func toMicro(s string) string {
	return jsonFraction.ReplaceAllStringFunc(s, func(m string) string {
		hms, frac, _ := strings.Cut(m, ".")
		frac = strings.TrimRight(frac[:min(len(frac), 6)], "0")
		if frac == "" {
			return hms
		}
		return hms + "." + frac
	})
}

// normalize makes store answers comparable: their JSON form (pointers
// followed) with times cut to the microsecond PostgreSQL keeps.
func normalize(tb testing.TB, v any) string {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return toMicro(string(data))
}

// TestToMicro: a bbolt time whose microseconds end in 0 equals its
// PostgreSQL copy (TestStoreCopy failed so about once in ten runs).
func TestToMicro(t *testing.T) {
	for in, want := range map[string]string{
		`"2026-12-06T03:43:26.902960123Z"`: `"2026-12-06T03:43:26.90296Z"`,
		`"2026-12-06T03:43:26.90296Z"`:     `"2026-12-06T03:43:26.90296Z"`,
		`"2026-12-06T03:43:26.000000500Z"`: `"2026-12-06T03:43:26Z"`,
		`"2026-12-06T03:43:26.1234567Z"`:   `"2026-12-06T03:43:26.123456Z"`,
		`"2026-12-06T03:43:26Z"`:           `"2026-12-06T03:43:26Z"`,
		`{"rating":4.5}`:                   `{"rating":4.5}`,
	} {
		if got := toMicro(in); got != want {
			t.Errorf("toMicro(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestStoreCopyRefusesBadURLs(t *testing.T) {
	for _, args := range [][]string{
		{"store", "copy", "--from", "postgres://x/y", "--to", "postgres://x/z"},
		{"store", "copy", "--from", "bbolt:x.db", "--to", "bbolt:y.db"},
		{"store", "copy", "--to", "postgres://x/z"},
		{"store", "move"},
	} {
		if err := Main(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
