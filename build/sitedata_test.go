package build

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

// readLog wraps a SiteData and records what the builder reads.
type readLog struct {
	*memData
	mu    sync.Mutex
	calls []string
}

func (r *readLog) log(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, s)
}

func (r *readLog) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

func (r *readLog) PageCounts(ctx context.Context) (map[string]beforetrip.Counts, error) {
	r.log("PageCounts")
	return r.memData.PageCounts(ctx)
}

func (r *readLog) CountsOf(ctx context.Context, ids []string) (map[string]beforetrip.Counts, error) {
	r.log("CountsOf " + strings.Join(ids, ","))
	return r.memData.CountsOf(ctx, ids)
}

func (r *readLog) ReaderReviews(ctx context.Context) ([]beforetrip.Review, error) {
	r.log("ReaderReviews")
	return r.memData.ReaderReviews(ctx)
}

func (r *readLog) ReaderReview(ctx context.Context, id uint64) (*beforetrip.Review, error) {
	r.log("ReaderReview " + strconv.FormatUint(id, 10))
	return r.memData.ReaderReview(ctx, id)
}

// TestDataRebuildReadsOnlyWhatChanged: a like, a comment and a reader
// review re-read from the store only the pages and the review the change
// names (the builder used to re-read every counter, and every review for
// a review change, to find again what the API had already told it).
func TestDataRebuildReadsOnlyWhatChanged(t *testing.T) {
	ts := MustSite(t)
	data := &readLog{memData: &memData{}}
	b := MustBuilder(t, ts, nil, WithSiteData(data))
	MustBuild(t, b)
	if got := data.take(); !slices.Equal(got, []string{"PageCounts", "ReaderReviews"}) {
		t.Errorf("full build read %q, want everything", got)
	}
	const jr = "countries/japan/tips/jr-pass"
	review := beforetrip.Review{ID: 4, Country: "japan", Title: "By rail", Rating: 4,
		Author: beforetrip.Author{ID: 1, Username: "kim"}, CreatedAt: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}
	steps := []struct {
		name string
		edit func()
		ch   beforetrip.Change
		want []string
		page string // an output that must show the change
		show string
	}{
		{"like", func() { data.setCounts(jr, beforetrip.Counts{Likes: 2}) },
			beforetrip.Change{Kind: beforetrip.ChangeLikes, Page: jr},
			[]string{"CountsOf " + jr}, "popular/index.html", `data-count="2"`},
		{"comment", func() { data.setCounts(jr, beforetrip.Counts{Likes: 2, Comments: 1}) },
			beforetrip.Change{Kind: beforetrip.ChangeComments, Page: jr},
			[]string{"CountsOf " + jr}, "countries/japan/tips/index.html", `data-count="1"`},
		{"review created", func() { data.mu.Lock(); data.reviews = []beforetrip.Review{review}; data.mu.Unlock() },
			beforetrip.Change{Kind: beforetrip.ChangeReview, Page: review.PageID(), Country: "japan"},
			[]string{"CountsOf " + review.PageID(), "ReaderReview 4"}, pagePath(review.PageID()), "By rail"},
		{"review deleted", func() { data.mu.Lock(); data.reviews = nil; data.mu.Unlock() },
			beforetrip.Change{Kind: beforetrip.ChangeReview, Page: review.PageID(), Country: "japan"},
			[]string{"CountsOf " + review.PageID(), "ReaderReview 4"}, "countries/japan/index.html", ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.edit()
			MustRebuild(t, b, Changes{Data: []beforetrip.Change{st.ch}})
			if got := data.take(); !slices.Equal(got, st.want) {
				t.Errorf("read %q, want %q", got, st.want)
			}
			if page := MustRead(t, filepath.Join(ts.Out, st.page)); st.show != "" && !strings.Contains(page, st.show) {
				t.Errorf("%s does not show %q", st.page, st.show)
			}
		})
	}
	if strings.Contains(MustRead(t, filepath.Join(ts.Out, "countries/japan/index.html")), "By rail") {
		t.Error("deleted reader review still listed")
	}
}

// TestResultManifest: a build hands over the page list it wrote to the
// manifest file (the API's page index takes it in memory), and a rebuild
// that did not write the manifest hands over nothing.
func TestResultManifest(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	b := MustBuilder(t, ts, nil, WithSiteData(data))
	res := MustBuild(t, b)
	var file beforetrip.Manifest
	if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(ts.Out, beforetrip.ManifestFile))), &file); err != nil {
		t.Fatal(err)
	}
	if len(res.Manifest) == 0 || !reflect.DeepEqual(res.Manifest, file.Pages) {
		t.Fatalf("Result.Manifest has %d pages, the file %d (or they differ)", len(res.Manifest), len(file.Pages))
	}
	const jr = "countries/japan/tips/jr-pass"
	data.setCounts(jr, beforetrip.Counts{Likes: 1})
	if res := MustRebuild(t, b, Changes{Data: []beforetrip.Change{{Kind: beforetrip.ChangeLikes, Page: jr}}}); res.Manifest != nil {
		t.Errorf("a like rebuild handed over %d pages, want none (the manifest did not change)", len(res.Manifest))
	}
	tip := ts.Path("countries/japan/tips/onsen.md")
	MustWrite(t, tip, "---\ntitle: Onsen\ndate: 2025-01-01\n---\nWash first.\n")
	res = MustRebuild(t, b, Changes{Files: []string{tip}})
	if !slices.ContainsFunc(res.Manifest, func(m beforetrip.PageMeta) bool { return m.ID == "countries/japan/tips/onsen" }) {
		t.Error("the rebuild that added a page did not hand it over")
	}
}
