package api

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// BenchmarkPageIndexLookup20 looks up 20 random IDs of a 10k-page index,
// as every GET /api/pages does (knownPages), on all cores at once.
func BenchmarkPageIndexLookup20(b *testing.B) {
	idx, err := NewPageIndex(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	metas := make([]beforetrip.PageMeta, 10000)
	ids := make([]string, len(metas))
	for i := range metas {
		id := fmt.Sprintf("countries/country-%02d/tips/some-tip-with-a-longer-slug-%05d", i%50, i)
		metas[i] = beforetrip.PageMeta{ID: id, Kind: beforetrip.KindTip, Title: "A tip", URL: "/" + id + "/"}
		ids[i] = id
	}
	idx.Set(metas)
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 1))
		n := 0
		for pb.Next() {
			for range 20 {
				if idx.Has(ids[r.IntN(len(ids))]) {
					n++
				}
			}
		}
		_ = n
	})
}
