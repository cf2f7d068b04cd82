package api

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// BenchmarkPageIndexLookup20 looks up 20 random IDs of a 10k-page index,
// as every GET /api/pages does (knownPages), on all cores at once.
func BenchmarkPageIndexLookup20(b *testing.B) {
	idx, ids := benchIndex(b)
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

// BenchmarkKnownPages20 parses the ids parameter of GET /api/pages with 20
// random IDs of a 10k-page index, as the widget sends them.
func BenchmarkKnownPages20(b *testing.B) {
	idx, ids := benchIndex(b)
	s := &Server{svc: Services{Pages: idx}}
	r := rand.New(rand.NewPCG(1, 2))
	queries := make([]string, 1000)
	for i := range queries {
		pick := make([]string, 20)
		for j := range pick {
			pick[j] = ids[r.IntN(len(ids))]
		}
		queries[i] = strings.Join(pick, ",")
	}
	b.ResetTimer()
	for i := range b.N {
		if known, err := s.knownPages(queries[i%len(queries)]); err != nil || len(known) == 0 {
			b.Fatal(known, err)
		}
	}
}

// benchIndex is a page index of 10k tips and their IDs.
func benchIndex(b *testing.B) (*PageIndex, []string) {
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
	return idx, ids
}
