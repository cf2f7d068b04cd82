package build

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// TestSpilledDocsSaveTheSameCache: a build that exits (Once) moves its
// pages' search docs to a spill file once the index is encoded, and saves
// the render cache from there; the cache it writes must be byte for byte
// the one of a build that kept them in memory, and no file is left in
// the cache folder but the cache's own.
func TestSpilledDocsSaveTheSameCache(t *testing.T) {
	ts := MustSite(t)
	caches := map[bool]string{}
	for _, once := range []bool{true, false} {
		dir := t.TempDir()
		var opts []Option
		if once {
			opts = append(opts, Once())
		}
		b := MustBuilder(t, ts, func(c *Config) { c.RenderCacheDir, c.OutDir = dir, t.TempDir() }, opts...)
		MustBuild(t, b)
		// Only the tips and reviews of files are in the cache.
		inMemory, cached := 0, 0
		for _, p := range b.site.pages {
			if p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview && p.ReaderID == 0 {
				cached++
				if p.search.analysed() {
					inMemory++
				}
			}
		}
		if once && inMemory > 0 {
			t.Errorf("a Once build kept %d of %d docs in memory", inMemory, cached)
		}
		if !once && inMemory == 0 {
			t.Errorf("the build without Once kept no doc: the test compares nothing")
		}
		caches[once] = MustRead(t, filepath.Join(dir, cacheFile))
		names, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			switch n.Name() {
			case cacheFile, "search-" + cacheFile, "index-" + cacheFile, "images":
			default:
				t.Errorf("once=%v: %s left in the cache folder", once, n.Name())
			}
		}
	}
	if caches[true] != caches[false] {
		t.Fatalf("the cache of a Once build (%d bytes) differs from one that kept its docs (%d bytes)", len(caches[true]), len(caches[false]))
	}
}
