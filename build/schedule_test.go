package build

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// TestScheduledPages: a tip dated after the build's clock is in no output
// (its page, lists, tags, feed, sitemap, manifest, popular.json) and is
// counted as scheduled; Future publishes it; a Rebuild with no change
// announced, once the clock has passed its date, publishes it exactly as a
// full build would.
func TestScheduledPages(t *testing.T) {
	ts := MustSite(t)
	at := time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)
	MustWrite(t, ts.Path("countries/japan/tips/later.md"),
		"---\ntitle: Cherry blossom forecast\ndate: 2026-06-01T09:30:00Z\ntags: [sakura]\n---\nSoon.\n")
	now := at.Add(-time.Hour)
	b := MustBuilder(t, ts, nil, WithClock(func() time.Time { return now }))
	res := MustBuild(t, b)
	if res.Scheduled != 1 {
		t.Fatalf("Scheduled = %d, want 1", res.Scheduled)
	}
	if next, ok := b.NextScheduled(); !ok || !next.Equal(at) {
		t.Fatalf("NextScheduled = %v %v, want %v", next, ok, at)
	}
	mentions := func(out string) []string {
		var hits []string
		filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if strings.Contains(MustRead(t, p), "Cherry blossom forecast") || strings.Contains(p, "later") || strings.Contains(p, "sakura") {
				rel, _ := filepath.Rel(out, p)
				hits = append(hits, rel)
			}
			return nil
		})
		return hits
	}
	if hits := mentions(ts.Out); len(hits) > 0 {
		t.Fatalf("a scheduled page is published in %v", hits)
	}

	future := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	fres := MustBuild(t, MustBuilder(t, future, func(c *Config) { c.Future = true }, WithClock(func() time.Time { return now })))
	if fres.Scheduled != 0 || !strings.Contains(MustRead(t, filepath.Join(future.Out, "feed.xml")), "Cherry blossom forecast") {
		t.Fatalf("Future: scheduled = %d, page not in the feed", fres.Scheduled)
	}

	now = at
	res = MustRebuild(t, b, Changes{})
	if res.Scheduled != 0 || len(res.Written) == 0 {
		t.Fatalf("at its date: scheduled %d, wrote %v", res.Scheduled, res.Written)
	}
	if _, ok := b.NextScheduled(); ok {
		t.Fatal("NextScheduled after the last scheduled page came out")
	}
	want := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	MustBuild(t, MustBuilder(t, want, nil, WithClock(func() time.Time { return now })))
	w, g := snapshotBytes(t, want.Out), snapshotBytes(t, ts.Out)
	for _, p := range []string{"countries/japan/tips/later/index.html", "tags/sakura/index.html", "feed.xml", "sitemap.xml", "index.html", "popular.json"} {
		if g[p] == "" || g[p] != w[p] {
			t.Errorf("%s after the rebuild differs from a full build (or is missing)", p)
		}
	}
}

// TestRetallyMatchesTally: the tally a Rebuild keeps up from the files it
// reloaded (edited, added, deleted, or come due as the clock moves) equals
// a tally of every page, after each of many random edits.
func TestRetallyMatchesTally(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	page := func() *Page {
		kinds := []string{beforetrip.KindTip, beforetrip.KindReview, beforetrip.KindCountry}
		return &Page{Kind: kinds[r.IntN(len(kinds))], Draft: r.IntN(5) == 0,
			Date: start.Add(time.Duration(r.IntN(60*24)) * time.Hour)}
	}
	files := map[string]*Page{}
	for i := range 200 {
		files[fmt.Sprint("p", i)] = page()
	}
	b := &Builder{asOf: start}
	b.tally(files)
	for step := range 500 {
		prevs := map[string]*Page{}
		before := b.asOf
		if r.IntN(4) == 0 {
			b.asOf = b.asOf.Add(time.Duration(r.IntN(48)) * time.Hour)
		}
		for _, path := range b.due(files, before) {
			prevs[path] = files[path] // reloaded unchanged: only the clock moved
		}
		for range r.IntN(4) {
			path := fmt.Sprint("p", r.IntN(260))
			prevs[path] = files[path]
			if r.IntN(5) == 0 {
				delete(files, path)
			} else {
				files[path] = page()
			}
		}
		b.retally(files, prevs)
		want := &Builder{asOf: b.asOf}
		want.tally(files)
		if len(b.sched) != len(want.sched) || !b.next.Equal(want.next) {
			t.Fatalf("step %d: %d scheduled, next %v; a full tally: %d, %v", step, len(b.sched), b.next, len(want.sched), want.next)
		}
	}
}
