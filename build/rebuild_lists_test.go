package build

import (
	"os"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// MustMatchFullBuild fails unless ts.Out equals a full build of the same
// content and theme, made with opts.
func MustMatchFullBuild(t *testing.T, ts testSite, opts ...Option) {
	t.Helper()
	full := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	MustBuild(t, MustBuilder(t, full, nil, opts...))
	if p, why := sameOutput(t, full.Out, ts.Out); p != "" {
		t.Fatalf("%s %s", p, why)
	}
}

// TestRebuildLastRankedPageDeleted: deleting the page ranked last in a
// popular list that shows all its items leaves the list shorter than the
// deleted page's place; the page was shown all the same, and the list's
// page must drop it. The graph once measured the old place against the
// new length and left /popular/ and the country's popular page listing a
// deleted page (found by the property test, seed 1,9).
func TestRebuildLastRankedPageDeleted(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	// Every other page liked: the capsule hotel ranks last everywhere.
	for id, n := range map[string]int64{"countries/japan/tips/jr-pass": 3, "countries/japan/tips/script": 2,
		"countries/south-korea/reviews/busan": 1, "countries/south-korea/tips/서울-지하철": 1} {
		data.setCounts(id, beforetrip.Counts{Likes: n})
	}
	b := MustBuilder(t, ts, nil, WithSiteData(data))
	MustBuild(t, b)
	hotel := "countries/japan/reviews/tokyo-hotel"
	for _, key := range []string{"popular", "popular:japan"} {
		if l := b.site.lists[key]; l.index(hotel) != l.len()-1 {
			t.Fatalf("%s: %s is not last: the test does not test the case", key, hotel)
		}
	}
	os.Remove(ts.Path(hotel + ".md"))
	MustRebuild(t, b, Changes{Files: []string{ts.Path(hotel + ".md")}})
	for _, p := range []string{"popular/index.html", "countries/japan/popular/index.html"} {
		if strings.Contains(MustRead(t, ts.Out+"/"+p), hotel) {
			t.Errorf("%s still lists the deleted %s", p, hotel)
		}
	}
	MustMatchFullBuild(t, ts, WithSiteData(data))
}
