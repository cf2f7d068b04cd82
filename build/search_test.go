package build

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestSearchEditsMatchFullBuild edits published pages the way an editor
// does between saves (new words in the body, a title, tags, a country's
// text), which rebuilds through the paths that hand the index only the
// edited pages (syncSearchPages), and checks after every Rebuild that the
// search index and every other output equal a full build's.
func TestSearchEditsMatchFullBuild(t *testing.T) {
	ts := MustSite(t)
	tiny := [2]int{16, 1}
	b := MustBuilder(t, ts, nil)
	b.searchShards = tiny
	MustBuild(t, b)
	r := rand.New(rand.NewPCG(17, 1))
	pages := []string{"countries/japan/tips/jr-pass.md", "countries/japan/reviews/tokyo-hotel.md",
		"countries/south-korea/tips/서울-지하철.md", "countries/south-korea/reviews/busan.md", "countries/japan/_index.md"}
	words := []string{"visas", "tipping", "교통카드를", "café", "ferries", "## Heading", "sim", "Japan"}
	for step := range 30 {
		path := ts.Path(pages[r.IntN(len(pages))])
		src := MustRead(t, path)
		var what string
		switch op := r.IntN(3); {
		case op == 0 || strings.HasSuffix(path, "_index.md"):
			what = "body of " + path
			src += "\n" + words[r.IntN(len(words))] + " " + words[r.IntN(len(words))] + ".\n"
		case op == 1:
			what = "title of " + path
			src = strings.Replace(src, "\ntitle: ", fmt.Sprintf("\ntitle: %s ", words[r.IntN(3)]), 1)
		default:
			what = "tags of " + path
			src = strings.Replace(src, "\ntags: [", fmt.Sprintf("\ntags: [%q, ", words[r.IntN(len(words))]), 1)
		}
		MustWrite(t, path, src)
		MustRebuild(t, b, Changes{Files: []string{path}})
		full := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
		fb := MustBuilder(t, full, nil)
		fb.searchShards = tiny
		MustBuild(t, fb)
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
}
