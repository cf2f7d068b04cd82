package build

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestGolden renders testdata/site and compares every page, feed, sitemap
// and JSON file with testdata/golden. Run "go test ./build -run Golden
// -update" after an intended change and review the diff.
func TestGolden(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	data.setCounts("countries/japan/tips/jr-pass", beforetrip.Counts{Likes: 5, Comments: 2})
	data.setCounts("countries/south-korea/reviews/busan", beforetrip.Counts{Likes: 5})
	MustBuild(t, MustBuilder(t, ts, nil, WithSiteData(data)))
	got := snapshotBytes(t, ts.Out)
	skip := func(p string) bool {
		// Assets are copies of the theme; the manifest holds the build time;
		// the search index's shards are gzip (search/index_test.go reads them).
		return p == beforetrip.ManifestFile || p == outputsFile || strings.HasPrefix(p, "css/") || strings.HasPrefix(p, "js/") ||
			strings.HasPrefix(p, "search/") && strings.HasSuffix(p, ".bin")
	}
	golden := "testdata/golden"
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for p, data := range got {
			if !skip(p) {
				MustWrite(t, filepath.Join(golden, filepath.FromSlash(p)), data)
			}
		}
		return
	}
	want := snapshotBytes(t, golden)
	for p := range got {
		if !skip(p) {
			if _, ok := want[p]; !ok {
				t.Errorf("unexpected output %s (run with -update if intended)", p)
			}
		}
	}
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for p := range want {
			if !yield(p) {
				return
			}
		}
	}) {
		if got[p] != want[p] {
			t.Errorf("%s differs from testdata/golden/%s (run with -update if intended)\n%s", p, p, firstDiff(got[p], want[p]))
		}
	}
}

// firstDiff shows the first differing line.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}
