package search

import (
	"runtime"
	"slices"
)

// analyzer turns the words of a page into its terms, each with the best
// field it occurs in. It keeps a cache of its own (word as written → term
// IDs): a site has far fewer distinct words than words, and stemming is
// the dear part. Each goroutine that analyses takes one analyzer from the
// free list and gives it back, so the hot path has no lock, no shared
// cache line and no map of the page's words: marking a term is two array
// writes, stamped with the page's generation instead of clearing per
// page.
type analyzer struct {
	words wordTable // word as written → its terms' IDs
	best  []Field   // ID → best field in the current page, when
	stamp []uint32  // stamp[ID] == gen
	gen   uint32
	seen  []uint32 // IDs marked in the current page
	top   uint32   // the largest of them
	// scratch of analyseText
	starts []int32
	first  []uint64
}

// maxWords bounds an analyzer's cache for long-running servers: past it
// the cache starts over (between pages), and refills from the next pages.
const maxWords = 100_000

// analyzers is a free list, not a sync.Pool: a build collects garbage
// every few milliseconds, and a sync.Pool would drop the caches with it.
var analyzers = make(chan *analyzer, runtime.GOMAXPROCS(0))

// getAnalyzer takes an analyzer and pins the term table; putAnalyzer
// gives both back.
func getAnalyzer() *analyzer {
	pin()
	select {
	case a := <-analyzers:
		return a
	default:
		return &analyzer{}
	}
}

func putAnalyzer(a *analyzer) {
	select {
	case analyzers <- a:
	default:
	}
	unpin()
}

// eachFreeAnalyzer calls f with each analyzer of the free list; no
// analyzer is in use (compaction holds pins).
func eachFreeAnalyzer(f func(*analyzer)) {
	var taken []*analyzer
	for {
		select {
		case a := <-analyzers:
			f(a)
			taken = append(taken, a)
			continue
		default:
		}
		break
	}
	for _, a := range taken {
		analyzers <- a
	}
}

// begin starts a page.
func (a *analyzer) begin() {
	if a.words.size() > maxWords {
		*a = analyzer{}
	}
	a.gen++
	if a.gen == 0 { // wrapped: every stamp could look current
		clear(a.stamp)
		a.gen = 1
	}
	a.seen, a.top = a.seen[:0], 0
}

// wordIDs returns the term IDs of one word (a UAX #29 segment).
func (a *analyzer) wordIDs(w string) []uint32 {
	if ids, ok := a.words.get(w); ok {
		return ids
	}
	terms := analyzeWord(w)
	ids := make([]uint32, len(terms))
	table.intern(terms, ids)
	for _, id := range ids {
		if int(id) >= len(a.stamp) {
			n := int(id) + 1 + len(a.stamp)/4
			a.best = slices.Grow(a.best, n-len(a.best))[:n]
			a.stamp = slices.Grow(a.stamp, n-len(a.stamp))[:n]
		}
	}
	a.words.put(w, ids)
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
					a.top = max(a.top, id)
				} else if f > a.best[id] {
					a.best[id] = f
				}
			}
		})
	}
}

// result returns the page's terms, sorted, with their best fields.
// When the page holds at least one in 32 of the IDs up to its largest
// (a site's terms are few: 1,802 at 10k bench pages, a page's 300-500),
// the stamps are read in ID order instead of sorting: a sequential pass
// over a few KB, where the sort was a tenth of the analysis.
func (a *analyzer) result() []Term {
	n := len(a.seen)
	out := make([]Term, 0, n)
	if n > 0 && int(a.top) < 32*n {
		for id, s := range a.stamp[:a.top+1] {
			if s == a.gen {
				out = append(out, mkTerm(uint32(id), a.best[id]))
			}
		}
		return out
	}
	for _, id := range a.seen {
		out = append(out, mkTerm(id, a.best[id]))
	}
	slices.Sort(out)
	return out
}

// termsOf returns the terms of text, in order (duplicates kept).
func (a *analyzer) termsOf(text string) []string {
	var ids []uint32
	eachWord(text, func(w string) { ids = append(ids, a.wordIDs(w)...) })
	if len(ids) == 0 {
		return nil
	}
	strs, _ := table.snapshot()
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strs[id]
	}
	return out
}
