package build

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// TestRebuildRendersExactlyDependents edits the fixture site step by step
// and asserts that each Rebuild renders, and writes, exactly the outputs
// that show the change.
func TestRebuildRendersExactlyDependents(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	b := MustBuilder(t, ts, nil, WithSiteData(data))
	MustBuild(t, b)
	jr := "countries/japan/tips/jr-pass"
	jrFile := ts.Path("countries/japan/tips/jr-pass.md")
	jrSrc := MustRead(t, jrFile)
	// Every list that shows the JR Pass tip (all lists hold fewer than 10 items).
	jrLists := []string{"index.html", "countries/japan/index.html", "countries/japan/tips/index.html",
		"tags/rail/index.html", "tags/money/index.html", "popular/index.html", "countries/japan/popular/index.html"}
	review := &beforetrip.Review{ID: 7, Country: "japan", Title: "Reader <b>view</b>", Rating: 3,
		Body: "Loved **it**. <script>x()</script>", Author: beforetrip.Author{ID: 1, Username: "kim"},
		CreatedAt: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}
	steps := []struct {
		name   string
		edit   func()
		ch     Changes
		want   []string
		remove []string
		// index: the search index changes (its entry, shard files named by
		// their hash: checked apart from want and remove).
		index bool
		// trip: the country whose offline list (named by its hash) is
		// replaced, with sw.js, which names it; checked apart from want.
		trip string
	}{
		{
			name: "body only", index: true,
			edit: func() { MustWrite(t, jrFile, strings.Replace(jrSrc, "Long trips", "Long rides", 1)) },
			ch:   Changes{Files: []string{jrFile}},
			want: []string{pagePath(jr)},
		},
		{
			name: "title", index: true,
			edit: func() {
				MustWrite(t, jrFile, strings.Replace(jrSrc, "Is the JR Pass still worth it?", "JR Pass, worth it?", 1))
			},
			ch:   Changes{Files: []string{jrFile}},
			want: append([]string{pagePath(jr), "feed.xml", "popular.json", beforetrip.ManifestFile}, jrLists...),
		},
		{
			name: "likes",
			edit: func() { data.setCounts(jr, beforetrip.Counts{Likes: 3}) },
			ch:   Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: jr}}},
			// Not the page itself: its counts come from the widget.
			want: append([]string{"popular.json"}, jrLists...),
		},
		{
			name: "comments",
			edit: func() { data.setCounts(jr, beforetrip.Counts{Likes: 3, Comments: 1}) },
			ch:   Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeComments, Page: jr}}},
			// Not the page itself: its counts come from the widget.
			want: append([]string{"popular.json"}, jrLists...),
		},
		{
			name: "summary only",
			edit: func() {
				f := ts.Path("countries/south-korea/reviews/busan.md")
				MustWrite(t, f, strings.Replace(MustRead(t, f), "rating: 5", "rating: 5\nsummary: Two days of food.", 1))
			},
			ch: Changes{Files: []string{ts.Path("countries/south-korea/reviews/busan.md")}},
			want: []string{pagePath("countries/south-korea/reviews/busan"), "index.html", "feed.xml",
				"countries/south-korea/reviews/index.html", "popular/index.html", "countries/south-korea/popular/index.html"},
		},
		{
			name: "reader review created", index: true, trip: "japan",
			edit: func() { data.reviews = []beforetrip.Review{*review} },
			ch:   Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeReview, Page: review.PageID(), Country: "japan"}}},
			want: []string{pagePath(review.PageID()), "index.html", "feed.xml", "countries/japan/index.html",
				"countries/japan/reviews/index.html", "popular/index.html", "countries/japan/popular/index.html",
				"popular.json", "sitemap.xml", beforetrip.ManifestFile},
		},
		{
			name: "reader review edited", index: true,
			edit: func() {
				edited := review.CreatedAt.Add(time.Hour)
				r := *review
				r.Title, r.EditedAt = "Reader view, edited", &edited
				data.reviews = []beforetrip.Review{r}
			},
			ch: Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeReview, Page: review.PageID(), Country: "japan"}}},
			want: []string{pagePath(review.PageID()), "index.html", "feed.xml", "countries/japan/index.html",
				"countries/japan/reviews/index.html", "popular/index.html", "countries/japan/popular/index.html",
				"popular.json", beforetrip.ManifestFile},
		},
		{
			name: "reader review deleted", index: true, trip: "japan",
			edit: func() { data.reviews = nil },
			ch:   Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeReview, Page: review.PageID(), Country: "japan"}}},
			want: []string{"index.html", "feed.xml", "countries/japan/index.html",
				"countries/japan/reviews/index.html", "popular/index.html", "countries/japan/popular/index.html",
				"popular.json", "sitemap.xml", beforetrip.ManifestFile},
			remove: []string{pagePath(review.PageID())},
		},
		{
			name: "reader review restored", index: true, trip: "japan",
			edit: func() { data.reviews = []beforetrip.Review{*review} },
			ch:   Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeReview, Page: review.PageID(), Country: "japan"}}},
			want: []string{pagePath(review.PageID()), "index.html", "feed.xml", "countries/japan/index.html",
				"countries/japan/reviews/index.html", "popular/index.html", "countries/japan/popular/index.html",
				"popular.json", "sitemap.xml", beforetrip.ManifestFile},
		},
		{
			name: "page template",
			edit: func() {
				f := ts.Theme + "/layouts/tags.html"
				MustWrite(t, f, strings.Replace(MustRead(t, f), "<h1>", `<h1 class="t">`, 1))
			},
			ch:   Changes{Files: []string{ts.Theme + "/layouts/tags.html"}},
			want: []string{"tags/index.html"},
		},
		{
			name: "page renamed", index: true, trip: "south-korea",
			edit: func() {
				os.Rename(ts.Path("countries/south-korea/reviews/busan.md"), ts.Path("countries/south-korea/reviews/busan-trip.md"))
			},
			ch: Changes{Files: []string{ts.Path("countries/south-korea/reviews/busan.md"),
				ts.Path("countries/south-korea/reviews/busan-trip.md")}},
			want: []string{pagePath("countries/south-korea/reviews/busan-trip"), "index.html", "feed.xml",
				"countries/south-korea/index.html", "countries/south-korea/reviews/index.html", "popular/index.html",
				"countries/south-korea/popular/index.html", "popular.json", "sitemap.xml", beforetrip.ManifestFile},
			remove: []string{"countries/south-korea/reviews/busan/index.html"},
		},
		{
			name: "page deleted", index: true, trip: "japan",
			edit: func() { os.Remove(ts.Path("countries/japan/reviews/tokyo-hotel.md")) },
			ch:   Changes{Files: []string{ts.Path("countries/japan/reviews/tokyo-hotel.md")}},
			want: []string{"index.html", "feed.xml", "countries/japan/index.html", "countries/japan/reviews/index.html",
				"popular/index.html", "countries/japan/popular/index.html", "popular.json", "sitemap.xml",
				beforetrip.ManifestFile, "tags/index.html"},
			remove: []string{"countries/japan/reviews/tokyo-hotel/index.html", "tags/hotels/index.html"},
		},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.edit()
			res := MustRebuild(t, b, st.ch)
			index := splitSearch(t, res, ts.Out)
			if index != st.index {
				t.Errorf("search index changed: %v, want %v", index, st.index)
			}
			if trip := splitOffline(t, res); trip != st.trip {
				t.Errorf("offline list replaced: %q, want %q", trip, st.trip)
			}
			slices.Sort(st.want)
			if res.Rendered != len(st.want) || !slices.Equal(res.Written, st.want) {
				t.Errorf("rendered %d, written %v\nwant %d rendered and written %v", res.Rendered, res.Written, len(st.want), st.want)
			}
			slices.Sort(st.remove)
			if !slices.Equal(res.Removed, st.remove) {
				t.Errorf("removed %v, want %v", res.Removed, st.remove)
			}
		})
	}
	// After all steps, the output equals a full build of the same input.
	incremental := snapshotBytes(t, ts.Out)
	fresh := MustSite(t)
	MustCopyDir(t, ts.Content, fresh.Content+"2")
	full := MustBuilder(t, testSite{Content: fresh.Content + "2", Theme: ts.Theme, Out: fresh.Out}, nil, WithSiteData(data))
	MustBuild(t, full)
	for p, want := range snapshotBytes(t, fresh.Out) {
		if p == beforetrip.ManifestFile || p == outputsFile {
			continue
		}
		if incremental[p] != want {
			t.Errorf("incremental output %s differs from a full build", p)
		}
	}
	if reader := MustRead(t, ts.Out+"/countries/japan/reviews/u-7/index.html"); strings.Contains(reader, "<script>x()") ||
		!strings.Contains(reader, "<strong>it</strong>") || !strings.Contains(reader, "Reader &lt;b&gt;view&lt;/b&gt;") {
		t.Errorf("reader review not rendered safely:\n%s", reader)
	}
}

// snapshotBytes maps output paths (slash-separated, relative) to contents.
func snapshotBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, v := range snapshot(t, dir) {
		rel := strings.TrimPrefix(p, dir+"/")
		_, data, _ := strings.Cut(v, "\x00")
		out[rel] = data
	}
	return out
}

func TestRebuildWithoutBuildIsFull(t *testing.T) {
	ts := MustSite(t)
	res := MustRebuild(t, MustBuilder(t, ts, nil), Changes{Files: []string{ts.Path("_index.md")}})
	if res.Pages == 0 || len(res.Written) < res.Pages {
		t.Errorf("first Rebuild wrote %d files for %d pages; want a full build", len(res.Written), res.Pages)
	}
}

// TestRebuildNewCountryFolder: a country folder moved in at once (one
// event for the folder) is loaded whole, and the result equals a full build.
func TestRebuildNewCountryFolder(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	dir := ts.Path("countries/france")
	country := strings.NewReplacer("name: Japan", "name: France", "native_name: 日本", "native_name: France",
		"capital: Tokyo", "capital: Paris", "continent: Asia", "continent: Europe").Replace(countryWith("", ""))
	MustWrite(t, dir+"/_index.md", country)
	MustWrite(t, dir+"/tips/métro.md", "---\ntitle: Le métro\ndate: 2025-06-01\ntags: [rail]\n---\nTickets.\n")
	res := MustRebuild(t, b, Changes{Files: []string{dir}})
	for _, want := range []string{"countries/france/index.html", "countries/france/tips/métro/index.html", "countries/index.html"} {
		if !slices.Contains(res.Written, want) {
			t.Errorf("Written lacks %s", want)
		}
	}
	full := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	MustBuild(t, MustBuilder(t, full, nil))
	want, got := snapshotBytes(t, full.Out), snapshotBytes(t, ts.Out)
	for p, data := range want {
		if p != beforetrip.ManifestFile && p != outputsFile && got[p] != data {
			t.Errorf("%s differs from a full build", p)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	res = MustRebuild(t, b, Changes{Files: []string{dir}})
	if !slices.Contains(res.Removed, "countries/france/tips/métro/index.html") {
		t.Errorf("removing the folder did not remove its pages: %v", res.Removed)
	}
}

// splitSearch takes the search index's files out of res's written and
// removed files, checks that a changed index wrote its entry and that
// every shard file the entry names is on disk, and reports whether the
// index changed.
func splitSearch(t *testing.T, res *Result, out string) bool {
	t.Helper()
	isSearch := func(p string) bool { return strings.HasPrefix(p, search.Dir+"/") }
	changed := slices.ContainsFunc(res.Written, isSearch) || slices.ContainsFunc(res.Removed, isSearch)
	res.Rendered -= len(slices.DeleteFunc(slices.Clone(res.Written), func(p string) bool { return !isSearch(p) }))
	res.Written = slices.DeleteFunc(res.Written, isSearch)
	res.Removed = slices.DeleteFunc(res.Removed, isSearch)
	if !changed {
		return false
	}
	files, err := search.EntryFiles([]byte(MustRead(t, filepath.Join(out, search.EntryPath))))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(out, search.Dir, f)); err != nil {
			t.Errorf("index.json names %s: %v", f, err)
		}
	}
	return true
}

// splitOffline takes the offline lists and sw.js out of res's written and
// removed files, checks that a list replaced is one country's, old name
// removed and new name written with sw.js, and returns that country.
func splitOffline(t *testing.T, res *Result) string {
	t.Helper()
	isList := func(p string) bool { return strings.HasPrefix(p, "offline/") }
	written := slices.DeleteFunc(slices.Clone(res.Written), func(p string) bool { return !isList(p) })
	removed := slices.DeleteFunc(slices.Clone(res.Removed), func(p string) bool { return !isList(p) })
	sw := slices.Contains(res.Written, pathSW)
	res.Written = slices.DeleteFunc(res.Written, func(p string) bool { return isList(p) || p == pathSW })
	res.Removed = slices.DeleteFunc(res.Removed, isList)
	if len(written) == 0 && len(removed) == 0 && !sw {
		return ""
	}
	res.Rendered -= len(written) + 1
	country := func(p string) string { return strings.SplitN(strings.TrimPrefix(p, "offline/"), ".", 2)[0] }
	if len(written) != 1 || len(removed) != 1 || !sw || country(written[0]) != country(removed[0]) {
		t.Errorf("offline lists written %v, removed %v, sw.js written %v: want one country's list replaced and sw.js", written, removed, sw)
		return ""
	}
	return country(written[0])
}
