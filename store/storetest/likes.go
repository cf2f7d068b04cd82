package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func (b Backend) testSetLike(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice, bob := MustUser(t, db, "alice"), MustUser(t, db, "bob")
	page := TipPage("japan", "jr-pass", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
	steps := []struct {
		user  uint64
		liked bool
		want  int64
	}{
		{alice.ID, true, 1},
		{alice.ID, true, 1}, // liking twice counts once
		{bob.ID, true, 2},
		{alice.ID, false, 1},
		{alice.ID, false, 1}, // unliking twice too
		{bob.ID, false, 0},
		{bob.ID, true, 1},
	}
	for i, s := range steps {
		got, err := db.SetLike(ctx, page, s.user, s.liked)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got != s.want {
			t.Fatalf("step %d: count = %d, want %d", i, got, s.want)
		}
		b.check(t, db)
	}
	stats, err := db.PageStats(ctx, []string{page.ID, "countries/japan", page.ID}, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := stats[page.ID]; got != (beforetrip.PageStats{Likes: 1, Liked: true}) {
		t.Errorf("stats for bob = %+v", got)
	}
	if got, ok := stats["countries/japan"]; !ok || got != (beforetrip.PageStats{}) {
		t.Errorf("stats of an unliked page = %+v, %v; want zeros", got, ok)
	}
	stats, _ = db.PageStats(ctx, []string{page.ID}, alice.ID)
	if stats[page.ID].Liked {
		t.Error("alice unliked but Liked is true")
	}
	stats, _ = db.PageStats(ctx, []string{page.ID}, 0)
	if stats[page.ID].Liked {
		t.Error("anonymous viewer sees Liked")
	}
}

func (b Backend) testSetLikeErrors(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	alice := MustUser(t, db, "alice")
	ok := TipPage("japan", "a", time.Time{})
	tests := []struct {
		name string
		page beforetrip.PageMeta
		user uint64
		code string
	}{
		{"home page", beforetrip.PageMeta{ID: ""}, alice.ID, beforetrip.EINVALID},
		{"malformed ID", beforetrip.PageMeta{ID: "a//b"}, alice.ID, beforetrip.EINVALID},
		{"country with slash", beforetrip.PageMeta{ID: "x", Country: "a/b"}, alice.ID, beforetrip.EINVALID},
		{"no user", ok, 0, beforetrip.EINVALID},
		{"unknown user", ok, 42, beforetrip.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.SetLike(ctx, tt.page, tt.user, true)
			wantCode(t, err, tt.code)
		})
	}
	many := make([]string, b.MaxStatsIDs+1)
	for i := range many {
		many[i] = fmt.Sprint("p", i)
	}
	_, err := db.PageStats(ctx, many, 0)
	wantCode(t, err, beforetrip.EINVALID)
	_, err = db.PageStats(ctx, []string{"../x"}, 0)
	wantCode(t, err, beforetrip.EINVALID)
	b.check(t, db)
}

func (b Backend) testConcurrentLikesOnePage(t *testing.T) {
	ctx := context.Background()
	db := b.open(t)
	const n = 100
	users := make([]uint64, n)
	for i := range users {
		users[i] = MustUser(t, db, fmt.Sprint("u", i)).ID
	}
	page := TipPage("japan", "jr-pass", time.Now())
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, u := range users {
		wg.Go(func() {
			if _, err := db.SetLike(ctx, page, u, true); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	stats, err := db.PageStats(ctx, []string{page.ID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := stats[page.ID].Likes; got != n {
		t.Errorf("likes = %d, want %d", got, n)
	}
	b.check(t, db)
}
