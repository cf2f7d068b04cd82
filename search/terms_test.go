package search

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// TestTermTableCompacts: docs of fresh words made and dropped round after
// round (edited reader reviews) do not grow the term table past twice
// its live terms plus minCompact, and the docs kept alive keep their
// terms through every compaction, while freed IDs are given to new terms.
func TestTermTableCompacts(t *testing.T) {
	defer func(n int64) { minCompact = n }(minCompact)
	minCompact = 2000
	dropAnalyzers()
	runtime.GC()
	table.next.Store(0) // what earlier tests left is freed first
	pin()
	unpin()
	type kept struct {
		d     *Doc
		terms []termField
	}
	var live []kept
	word := 0
	strs, _ := table.snapshot()
	ids0 := len(strs) // IDs from earlier tests
	fresh := func(n int) string {
		var s []byte
		for range n {
			word++
			s = fmt.Appendf(s, "qx%dz ", word)
		}
		return string(s)
	}
	for round := range 60 {
		for i := range 20 {
			d := NewDoc(Source{ID: "p", Title: fresh(3), Body: fresh(100)})
			if i == 0 {
				live = append(live, kept{d, byText(d)})
			}
		}
		dropAnalyzers() // their caches would keep the dropped words
		runtime.GC()
		pin() // compacts when due
		unpin()
		strs, _ = table.snapshot()
		liveTerms := 0
		for _, k := range live {
			liveTerms += len(k.terms)
		}
		limit := 2*liveTerms + int(minCompact) + 20*103
		if n := int(table.live.Load()); n > limit {
			t.Fatalf("round %d: table of %d terms, %d live: over %d", round, n, liveTerms, limit)
		}
		if len(strs) > max(ids0, limit) {
			t.Fatalf("round %d: %d IDs, %d terms live: over %d (freed IDs not reused)", round, len(strs), liveTerms, max(ids0, limit))
		}
	}
	if word < 3*int(minCompact) {
		t.Fatalf("only %d words made: no compaction tested", word)
	}
	for i, k := range live {
		if got := byText(k.d); !slices.Equal(got, k.terms) {
			t.Fatalf("kept doc %d: terms after compactions\n%v\nwant\n%v", i, got, k.terms)
		}
	}
}

// dropAnalyzers empties the free list of analyzers.
func dropAnalyzers() {
	for {
		select {
		case <-analyzers:
		default:
			return
		}
	}
}

// TestTermTableCompactsConcurrently: docs made on several goroutines at
// once while compactions run keep their terms (run with -race: an ID is
// never freed between its lookup and its doc).
func TestTermTableCompactsConcurrently(t *testing.T) {
	defer func(n int64) { minCompact = n }(minCompact)
	minCompact = 500
	table.next.Store(minCompact)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			var live []*Doc
			var want [][]termField
			for i := range 300 {
				body := fmt.Sprintf("g%dw%da g%dw%db common words", g, i, g, i)
				d := NewDoc(Source{ID: "p", Body: body})
				if got := byText(d); len(got) != 4 {
					errs <- fmt.Errorf("goroutine %d doc %d: %v", g, i, got)
					return
				}
				if i%10 == 0 {
					live, want = append(live, d), append(want, byText(d))
				}
				if i%50 == 0 {
					runtime.GC()
				}
			}
			for i, d := range live {
				if got := byText(d); !slices.Equal(got, want[i]) {
					errs <- fmt.Errorf("goroutine %d kept doc %d: %v, want %v", g, i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
