package search

import (
	"math/bits"
	"runtime"
	"slices"
	"strings"
)

// analyzer turns the words of a page into its terms, each with the best
// field it occurs in. It keeps caches of its own (word as written → term
// IDs, term → ID): a site has far fewer distinct words than words, and
// stemming is the dear part. Each goroutine that analyses takes one
// analyzer from the pool and gives it back, so the hot path has no lock,
// no shared cache line and no map of the page's words: marking a term is
// two array writes, stamped with the page's generation instead of
// clearing per page.
type analyzer struct {
	words map[string][]int32 // word as written → its terms' IDs
	ids   map[string]int32   // term → ID
	terms []string           // ID → term
	best  []Field            // ID → best field in the current page, when
	stamp []uint32           // stamp[ID] == gen
	gen   uint32
	seen  []int32 // IDs marked in the current page
	// rank[ID] is the place of term ID in the sorted list of the terms
	// known when it was last made (IDs past len(rank) came later): a
	// page's terms sort by comparing integers, not strings.
	rank   []int32
	byRank []int32  // the inverse of rank
	bits   []uint64 // the ranks of the current page's terms, a bit each
}

// maxWords bounds an analyzer's caches for long-running servers: past it
// they start over (between pages), and refill from the next pages.
const maxWords = 100_000

// analyzers is a free list, not a sync.Pool: a build collects garbage
// every few milliseconds, and a sync.Pool would drop the caches with it.
var analyzers = make(chan *analyzer, runtime.GOMAXPROCS(0))

func getAnalyzer() *analyzer {
	select {
	case a := <-analyzers:
		return a
	default:
		return &analyzer{words: map[string][]int32{}, ids: map[string]int32{}}
	}
}

func putAnalyzer(a *analyzer) {
	select {
	case analyzers <- a:
	default:
	}
}

// begin starts a page.
func (a *analyzer) begin() {
	if len(a.words) > maxWords {
		*a = analyzer{words: map[string][]int32{}, ids: map[string]int32{}}
	}
	a.gen++
	if a.gen == 0 { // wrapped: every stamp could look current
		clear(a.stamp)
		a.gen = 1
	}
	a.seen = a.seen[:0]
}

// wordIDs returns the term IDs of one word (a UAX #29 segment).
func (a *analyzer) wordIDs(w string) []int32 {
	if ids, ok := a.words[w]; ok {
		return ids
	}
	terms := analyzeWord(w)
	ids := make([]int32, len(terms))
	for i, t := range terms {
		id, ok := a.ids[t]
		if !ok {
			id = int32(len(a.terms))
			a.ids[t] = id
			a.terms = append(a.terms, t)
			a.best = append(a.best, 0)
			a.stamp = append(a.stamp, 0)
		}
		ids[i] = id
	}
	// The key is cloned: w is a slice of the page's text, which the
	// cache must not keep alive.
	a.words[strings.Clone(w)] = ids
	return ids
}

// add marks the terms of texts as occurring in field f of the page.
func (a *analyzer) add(f Field, texts ...string) {
	for _, s := range texts {
		eachWord(s, func(w string) {
			for _, id := range a.wordIDs(w) {
				if a.stamp[id] != a.gen {
					a.stamp[id], a.best[id] = a.gen, f
					a.seen = append(a.seen, id)
				} else if f > a.best[id] {
					a.best[id] = f
				}
			}
		})
	}
}

// result returns the page's terms, sorted, with their best fields.
// Terms with a rank are sorted by setting their bits in a bit set of all
// ranks and reading it in order (no comparisons); the few terms newer
// than the ranks are sorted as strings and put in place by binary search.
func (a *analyzer) result() []Term {
	if len(a.terms)-len(a.rank) > len(a.rank)/4+64 {
		a.reRank()
	}
	out := make([]Term, 0, len(a.seen))
	var late []Term
	for _, id := range a.seen {
		if int(id) < len(a.rank) {
			r := a.rank[id]
			a.bits[r>>6] |= 1 << (r & 63)
		} else {
			late = append(late, Term{a.terms[id], a.best[id]})
		}
	}
	for i, w := range a.bits {
		if w == 0 {
			continue
		}
		a.bits[i] = 0
		for ; w != 0; w &= w - 1 {
			id := a.byRank[i<<6+bits.TrailingZeros64(w)]
			out = append(out, Term{a.terms[id], a.best[id]})
		}
	}
	slices.SortFunc(late, func(x, y Term) int { return strings.Compare(x.Term, y.Term) })
	for _, t := range late {
		i, _ := slices.BinarySearchFunc(out, t.Term, func(x Term, s string) int { return strings.Compare(x.Term, s) })
		out = slices.Insert(out, i, t)
	}
	return out
}

// reRank ranks every known term; it runs when a quarter more terms came
// since the last time, so its cost per term stays small.
func (a *analyzer) reRank() {
	ids := make([]int32, len(a.terms))
	for i := range ids {
		ids[i] = int32(i)
	}
	slices.SortFunc(ids, func(x, y int32) int { return strings.Compare(a.terms[x], a.terms[y]) })
	a.rank, a.byRank = make([]int32, len(a.terms)), ids
	for r, id := range ids {
		a.rank[id] = int32(r)
	}
	a.bits = make([]uint64, (len(ids)+63)/64)
}

// termsOf returns the terms of text, in order (duplicates kept).
func (a *analyzer) termsOf(text string) []string {
	var out []string
	eachWord(text, func(w string) {
		for _, id := range a.wordIDs(w) {
			out = append(out, a.terms[id])
		}
	})
	return out
}
