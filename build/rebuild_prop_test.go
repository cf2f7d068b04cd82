package build

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// TestRebuildMatchesFullBuild applies random edits (titles, bodies, dates,
// tags, weights, drafts, new and deleted pages, pages of their own and
// their translations, likes, comments, reader
// reviews, time passing over scheduled pages) one at a time and checks after every Rebuild that the output
// folder equals a full build of the same input: the dependency graph
// misses nothing, pagination and truncated lists included, and the search
// index (search/) is byte for byte the one a full build writes.
func TestRebuildMatchesFullBuild(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	// Tiny lists, so pagination and truncation happen on a small site.
	small := limits{perPage: 3, homeLatest: 2, countryLatest: 2, popular: 3, feed: 4, popularJSONTop: 5, popularJSONPer: 2}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	// Pages are dated over 60 days and the clock starts in the middle,
	// so about half of them are scheduled until the clock passes them.
	now := day.AddDate(0, 0, 30)
	clock := WithClock(func() time.Time { return now })
	b := MustBuilder(t, ts, nil, WithSiteData(data), clock)
	b.lim = small
	// Tiny shards too, so that edits touch some shards and not others.
	tiny := []search.Option{search.ShardSizes(16, 1)}
	b.searchOpts = tiny
	MustBuild(t, b)
	r := rand.New(rand.NewPCG(1, 2))
	countries := []string{"japan", "south-korea"}
	tagPool := []string{"rail", "Rail", "money", "food", "교통", "hotels"}
	wordPool := []string{"visas", "tipping", "교통카드를", "교통카드로", "café", "Việt", "ferries", "ferry", "## Heading", "sim"}
	var files []string // tips and reviews we created
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	write := func(path, title string, date time.Time, review bool) {
		var tags []string
		for i := r.IntN(3); i > 0; i-- {
			tags = append(tags, pick(tagPool))
		}
		fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: [%s]\nweight: %d\ndraft: %v\n", title,
			date.Format(time.DateOnly), strings.Join(tags, ", "), r.IntN(3), r.IntN(8) == 0)
		if review {
			fm += fmt.Sprintf("rating: %d\n", 1+r.IntN(5))
		}
		// A Korean body makes a Korean page (lang on the page and its
		// list entries), so rewrites also flip a page's language.
		words := "Some words here. "
		if r.IntN(4) == 0 {
			words = "한국어로 쓴 문장입니다. "
		}
		MustWrite(t, path, fm+"---\n"+strings.Repeat(words, 1+r.IntN(20))+"\n")
	}
	var e struct{ Terms, Docs []string }
	if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(ts.Out, search.EntryPath))), &e); err != nil || len(e.Terms) < 4 || len(e.Docs) < 4 {
		t.Fatalf("want several index shards to edit: %v %v", e, err)
	}
	scheduled, cameDue := 0, 0 // pages held back; clock steps that published some
	for step := 0; step < 50; step++ {
		var ch Changes
		var what string
		switch op := r.IntN(8); {
		case op <= 1 || len(files) == 0: // new or rewritten page
			c, sec := pick(countries), pick([]string{"tips", "reviews"})
			path := ts.Path(fmt.Sprintf("countries/%s/%s/p%d.md", c, sec, r.IntN(12)))
			if _, err := os.Stat(path); err != nil {
				files = append(files, path)
			}
			write(path, fmt.Sprintf("Page %d", r.IntN(5)), day.AddDate(0, 0, r.IntN(60)), sec == "reviews")
			ch.Files, what = []string{path}, "write "+path
		case op == 2: // delete
			i := r.IntN(len(files))
			path := files[i]
			files = append(files[:i], files[i+1:]...)
			os.Remove(path)
			ch.Files, what = []string{path}, "delete "+path
		case op == 3: // likes or comments
			id := strings.TrimSuffix(strings.TrimPrefix(pick(files), ts.Content+"/"), ".md")
			data.setCounts(id, beforetrip.Counts{Likes: int64(r.IntN(4)), Comments: int64(r.IntN(3))})
			ch.Data, what = []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: id}}, "counts "+id
		case op == 4: // reader review created, edited or deleted
			id := uint64(1 + r.IntN(3))
			data.mu.Lock()
			var kept []beforetrip.Review
			for _, rv := range data.reviews {
				if rv.ID != id {
					kept = append(kept, rv)
				}
			}
			if r.IntN(3) > 0 {
				kept = append(kept, beforetrip.Review{ID: id, Country: pick(countries), Title: fmt.Sprintf("Reader %d", r.IntN(4)),
					Rating: 1 + r.IntN(5), Body: "Nice **trip**, " + pick(wordPool) + ".", Author: beforetrip.Author{ID: 1, Username: "kim"},
					CreatedAt: day.AddDate(0, 0, r.IntN(60))})
			}
			data.reviews = kept
			data.mu.Unlock()
			ch.Data, what = []beforetrip.Change{{Kind: beforetrip.ChangeReview}}, fmt.Sprintf("reader review %d", id)
		case op == 5: // time passes: scheduled pages come due, with no change announced
			now = now.Add(time.Duration(r.IntN(5*24)) * time.Hour)
			what = "clock " + now.Format(time.DateTime)
		case op == 6: // a country's changes: its page, /changes/, the feed
			c := pick(countries)
			path := ts.Path("countries/" + c + "/_index.md")
			src := MustRead(t, "testdata/site/content/countries/"+c+"/_index.md")
			fm, body, _ := strings.Cut(strings.TrimPrefix(src, "---\n"), "\n---\n")
			fm, _, _ = strings.Cut(fm, "\nchanges:")
			if n := r.IntN(4); n > 0 {
				fm += "\nchanges:"
				for range n {
					fm += fmt.Sprintf("\n  - {date: %s, text: \"Change %d\"}", day.AddDate(0, 0, r.IntN(60)).Format(time.DateOnly), r.IntN(3))
				}
			}
			MustWrite(t, path, "---\n"+fm+"\n---\n"+body)
			ch.Files, what = []string{path}, "changes of "+c
		case op == 7: // a page of its own (or its translation) written or deleted: footers, manifest, home
			path := ts.Path("pages/" + pick([]string{"about", "privacy", "terms"}) + pick([]string{"", ".ko"}) + ".md")
			ch.Files, what = []string{path}, "page of its own "+path
			if r.IntN(4) == 0 {
				os.Remove(path)
				break
			}
			MustWrite(t, path, fmt.Sprintf("---\ntitle: %q\nfooter: %v\nweight: %d\ndraft: %v\n---\n%s\n",
				fmt.Sprintf("Own %d", r.IntN(3)), r.IntN(2) == 0, r.IntN(2), r.IntN(6) == 0, pick(wordPool)))
		default: // body-only edit
			path := pick(files)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ch.Files, what = []string{path}, "append "+path
			if r.IntN(3) == 0 {
				// Only the body changes, and with it the page's language
				// (shown on the page and its list entries).
				fm, _, _ := strings.Cut(string(src), "\n---\n")
				body := "English only now.\n"
				if !strings.Contains(string(src), "한국어") {
					body = "이제 한국어로 씁니다.\n"
				}
				MustWrite(t, path, fm+"\n---\n"+body)
				what = "language of " + path
				break
			}
			// New words change the page's index terms, not only its text.
			MustWrite(t, path, string(src)+pick(wordPool)+" "+pick(wordPool)+".\n")
		}
		res := MustRebuild(t, b, ch)
		full := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
		fb := MustBuilder(t, full, nil, WithSiteData(data), clock)
		fb.lim = small
		fb.searchOpts = tiny
		fres := MustBuild(t, fb)
		if res.Scheduled != fres.Scheduled {
			t.Fatalf("step %d (%s): %d scheduled, a full build says %d", step, what, res.Scheduled, fres.Scheduled)
		}
		if ch.Files == nil && ch.Data == nil && res.Scheduled < scheduled {
			cameDue++
		}
		scheduled = res.Scheduled
		want, got := snapshotBytes(t, full.Out), snapshotBytes(t, ts.Out)
		for p, w := range want {
			if p != beforetrip.ManifestFile && p != outputsFile && got[p] != w {
				t.Fatalf("step %d (%s): %s differs from a full build", step, what, p)
			}
		}
		for p := range got {
			if _, ok := want[p]; !ok {
				t.Fatalf("step %d (%s): %s left behind", step, what, p)
			}
		}
	}
	if cameDue == 0 {
		t.Fatal("no scheduled page came due: the test does not cover the schedule")
	}
}
