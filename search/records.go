package search

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Records in term shards: each term carries the result records of its
// first hits (by a one-term query's ranking), with a snippet window cut
// around the term's first occurrence, so that a query's results render
// from its term shards alone; a doc shard is fetched only for a hit no
// term of the query carries.
const (
	// defaultRecordsPerTerm is how many of a term's first hits carry a
	// record: a multi-word query's first six are most often among them.
	defaultRecordsPerTerm = 32
	// countryRecords is how many first hits carry a record for a term
	// naming a country (nameTerms): every page of the country holds it
	// (as a tag), and a query naming a country ("japan rail pass", "korea
	// sim") ranks that country's pages by its other words, so its first
	// results can be any of them. With the country's pages in its name's
	// shard (up to this many, newest first after the higher fields) such a
	// query renders from its term shards alone, not a doc shard a result.
	countryRecords = 256
	// windowBefore and windowRunes size a snippet window: it starts at a
	// word at most windowBefore characters before the term and holds
	// windowRunes characters (the search page shows 240, the box 90).
	windowBefore = 40
	windowRunes  = 200
	// headRunes sizes the windows of the records a country's name carries
	// beyond the usual first hits: the start of the page's text (its
	// pages hold the name as a tag, seldom in the text, and search.js
	// takes a page's record from the query's other words first), no
	// analysis of the text needed. The box shows 90 characters.
	headRunes = 80
)

// Window flags: text of the page comes before or after the window.
const (
	winCutStart = 1 << iota
	winCutEnd
)

// recKey is one record of a term shard.
type recKey struct {
	term uint32 // ID
	ref  uint32
}

// recVal is an encoded record, the doc it was made from and whether its
// window is the text's start (headRunes).
type recVal struct {
	doc  *Doc
	b    []byte
	head bool
}

// better reports whether posting p ranks before q in a one-term query:
// higher field, then newer, then lower ref (search.js ranks the same way).
func better(p, q posting) bool {
	pf, qf := p.meta&7, q.meta&7
	if pf != qf {
		return pf > qf
	}
	if pd, qd := p.meta>>3, q.meta>>3; pd != qd {
		return pd > qd
	}
	return p.ref < q.ref
}

// topHits returns the indexes in ps of its k first postings by rank, best
// first.
func topHits(ps []posting, k int) []int {
	top := make([]int, 0, min(k, len(ps)))
	for i, p := range ps {
		if len(top) == k && !better(p, ps[top[k-1]]) {
			continue
		}
		j, _ := slices.BinarySearchFunc(top, i, func(a, _ int) int {
			if better(ps[a], p) {
				return -1
			}
			return 1
		})
		if len(top) == k {
			top = top[:k-1]
		}
		top = slices.Insert(top, j, i)
	}
	return top
}

// textWords is a page's text cut into words, for snippet windows.
type textWords struct {
	starts []int32  // byte offset of each word
	first  []uint64 // term ID<<32 | index of the first word holding it, sorted
}

// analyseText analyses text (NFC already, as Doc.Text is) word by word.
func analyseText(text string) *textWords {
	a := getAnalyzer()
	defer putAnalyzer(a)
	a.begin() // the stamps mark the terms seen
	// Collected in the analyzer's scratch, kept at their size: the words
	// of every page with a record are held until the encoding ends.
	a.starts, a.first = a.starts[:0], a.first[:0]
	pos := 0
	eachWord(text, func(word string) {
		i := strings.Index(text[pos:], word)
		if i < 0 {
			return // not a substring (cannot happen for NFC text): no window
		}
		pos += i
		n := int32(len(a.starts))
		a.starts = append(a.starts, int32(pos))
		for _, id := range a.wordIDs(word) {
			if a.stamp[id] != a.gen {
				a.stamp[id] = a.gen
				a.first = append(a.first, uint64(id)<<32|uint64(n))
			}
		}
		pos += len(word)
	})
	slices.Sort(a.first)
	return &textWords{starts: slices.Clone(a.starts), first: slices.Clone(a.first)}
}

// firstWord returns the index of the first word holding term.
func (w *textWords) firstWord(term uint32) (int32, bool) {
	if w == nil {
		return 0, false
	}
	i, ok := slices.BinarySearchFunc(w.first, term, func(e uint64, t uint32) int { return cmp.Compare(uint32(e>>32), t) })
	if !ok {
		return 0, false
	}
	return int32(uint32(w.first[i])), true
}

// window cuts text for a snippet of term: from a word at most windowBefore
// characters before the term's first occurrence (the text's start when
// the term is not in it or w is nil), runes characters long.
func window(text string, w *textWords, term uint32, runes int) (string, uint64) {
	start := 0
	if k, ok := w.firstWord(term); ok {
		at := int(w.starts[k])
		p := at
		for n := 0; n < windowBefore && p > 0; n++ {
			_, size := utf8.DecodeLastRuneInString(text[:p])
			p -= size
		}
		if p > 0 {
			// The first word that starts at or after p.
			j, _ := slices.BinarySearch(w.starts[:k+1], int32(p))
			start = int(w.starts[j])
		}
	}
	end := start
	for n := 0; n < runes && end < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	var flags uint64
	if start > 0 {
		flags |= winCutStart
	}
	if end < len(text) {
		flags |= winCutEnd
	}
	return text[start:end], flags
}

// appendString appends s as its length (uvarint) and bytes.
func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// encodeRecord is the record of d for term: URL, title, country, section
// and snippet window as length-prefixed strings, then the window's flags.
// With head, the window is the text's start, headRunes long (w unused).
// It is appended to b.
func encodeRecord(b []byte, d *Doc, w *textWords, term uint32, head bool) []byte {
	runes := windowRunes
	if head {
		w, runes = nil, headRunes
	}
	win, flags := window(d.Text, w, term, runes)
	b = slices.Grow(b, 16+len(d.URL)+len(d.Title)+len(d.Country)+len(d.Section)+len(win))
	for _, s := range []string{d.URL, d.Title, d.Country, d.Section, win} {
		b = appendString(b, s)
	}
	return binary.AppendUvarint(b, flags)
}

// wordCache holds the analysed text of the docs one encode needs, shared
// by its workers and dropped after it.
type wordCache struct {
	mu sync.Mutex
	m  map[*Doc]*textWords
}

func (c *wordCache) of(d *Doc) *textWords {
	c.mu.Lock()
	w, ok := c.m[d]
	c.mu.Unlock()
	if ok {
		return w
	}
	w = analyseText(d.Text)
	c.mu.Lock()
	c.m[d] = w
	c.mu.Unlock()
	return w
}

// records appends to raw the records of term's first hits ps[top[i]]:
// their number, then each as its index among the postings and its record.
// A country's name (many: see countryRecords) carries more of them.
// Records cached from the last encoding of the shard are reused while
// their page's record fields are unchanged; kept receives them all (nil,
// for an index made with Once: they are encoded into raw, not kept).
func (x *Index) records(raw []byte, term uint32, many bool, ps []posting, old, kept map[recKey]recVal, words *wordCache) []byte {
	n := x.perRec
	if many {
		n = max(n, countryRecords)
	}
	top := topHits(ps, n)
	// Beyond the usual first hits, a country's name carries the pages
	// that hold it as a tag or higher (its country's pages), not those
	// that only mention it.
	for len(top) > x.perRec && Field(ps[top[len(top)-1]].meta&7) < FieldTags {
		top = top[:len(top)-1]
	}
	raw = binary.AppendUvarint(raw, uint64(len(top)))
	for j, i := range top {
		d := x.byRef[ps[i].ref]
		head := j >= x.perRec
		encode := func(b []byte) []byte {
			var w *textWords
			if !head {
				w = words.of(d)
			}
			return encodeRecord(b, d, w, term, head)
		}
		raw = binary.AppendUvarint(raw, uint64(i))
		if kept == nil {
			raw = encode(raw)
			continue
		}
		k := recKey{term, ps[i].ref}
		v, ok := old[k]
		if !ok || v.head != head || (v.doc != d && !v.doc.sameRecord(d)) {
			v.b, v.head = encode(nil), head
		}
		v.doc = d
		kept[k] = v
		raw = append(raw, v.b...)
	}
	return raw
}

// nameTerms returns the terms that carry a country's pages as records
// (countryRecords): one per name of each country, in every language, the
// first term of its last word ("korea" of South Korea, 오스 of
// 오스트레일리아), so that a query naming the country holds one of them.
// One term a name, not all: each of 오스트레일리아's six character pairs
// carrying a country's pages would cost their shards' readers (레일 is
// also "rail") for nothing.
func nameTerms(countries []Country) map[string]bool {
	out := map[string]bool{}
	for _, c := range countries {
		for _, name := range append([]string{c.Name}, c.Names...) {
			var last string
			eachWord(nfc(name), func(w string) {
				if isWord(w) {
					last = w
				}
			})
			if ts := analyzeWord(last); len(ts) > 0 {
				out[ts[0]] = true
			} else if ts := Terms(name); len(ts) > 0 { // a last word that is a stop word
				out[ts[len(ts)-1]] = true
			}
		}
	}
	return out
}

// recordsChanged marks in dirtyT the term shards holding a record of d
// (under ref) that d, edited, encodes differently: a page's title or
// snippet text shown from a term shard must follow its edits.
func (x *Index) recordsChanged(d *Doc, ref uint32, dirtyT map[int]bool) {
	var w *textWords
	for s, recs := range x.recs {
		if dirtyT[s] {
			continue
		}
		for k, v := range recs {
			if k.ref != ref || v.doc == d {
				continue
			}
			if w == nil && !v.head {
				w = analyseText(d.Text)
			}
			if !bytes.Equal(v.b, encodeRecord(nil, d, w, k.term, v.head)) {
				dirtyT[s] = true
				break
			}
		}
	}
}
