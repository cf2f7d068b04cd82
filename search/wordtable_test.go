package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestWordTable: the table answers as a map would, for short and long
// words (the longest kept in a slot and the shortest kept in the map),
// across growth, and keeps no word's bytes it was given.
func TestWordTable(t *testing.T) {
	var tab wordTable
	want := map[string][]uint32{}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 20000 {
		w := fmt.Sprintf("%016x", r.Uint64())[:1+r.IntN(16)]
		switch i % 4 {
		case 1:
			w = strings.Repeat("교", 1+r.IntN(8)) + w // 3-byte characters, up to 24+ bytes
		case 2:
			w += strings.Repeat("x", maxInline-len(w)+r.IntN(2)) // 16 or 17 bytes
		}
		ids, ok := tab.get(w)
		if exp, had := want[w]; ok != had || !slices.Equal(ids, exp) {
			t.Fatalf("get(%q) = %v, %v; want %v, %v", w, ids, ok, exp, had)
		}
		if !ok {
			ids := make([]uint32, r.IntN(4))
			for k := range ids {
				ids[k] = r.Uint32()
			}
			page := []byte(w) // the word is a slice of a page's text
			tab.put(string(page), ids)
			clear(page)
			want[w] = ids
		}
	}
	if tab.size() != len(want) {
		t.Fatalf("%d words, want %d", tab.size(), len(want))
	}
	for w, exp := range want {
		if ids, ok := tab.get(w); !ok || !slices.Equal(ids, exp) {
			t.Fatalf("get(%q) = %v, %v; want %v", w, ids, ok, exp)
		}
	}
}

// TestWordTableHugeWord: a word with more IDs than a slot counts (a run of
// Han or Hangul some 65,000 characters long) is answered, not cached.
func TestWordTableHugeWord(t *testing.T) {
	var tab wordTable
	tab.put("big", make([]uint32, 70000))
	if ids, ok := tab.get("big"); ok {
		t.Fatalf("cached with %d IDs", len(ids))
	}
	w := strings.Repeat("교통", 35001)
	if got := len(Terms(w)); got != 70001 {
		t.Fatalf("%d terms, want 70001", got)
	}
	if got := len(Terms(w)); got != 70001 {
		t.Fatalf("again: %d terms, want 70001", got)
	}
}

// TestWordHashSpreads: words alike but for a byte or their length (page
// numbers, a word and its plural) get distinct hashes whose low bits, the
// table's slot, spread evenly.
func TestWordHashSpreads(t *testing.T) {
	seen := map[uint64]string{}
	var buckets [4096]int
	add := func(w string) {
		a, b := wordKey(w)
		h := keyHash(len(w), a, b)
		if o, dup := seen[h]; dup && o != w {
			t.Fatalf("keyHash of %q == keyHash of %q", w, o)
		}
		seen[h] = w
		buckets[h%uint64(len(buckets))]++
	}
	for i := range 50000 {
		add(fmt.Sprint(i))
		add(fmt.Sprintf("page%07d", i))
	}
	for n := range maxInline - 1 { // with a 2-byte character: at most 16 bytes
		for c := range 256 {
			add(strings.Repeat("a", n) + string(rune(c)))
			add(string(rune(c)) + strings.Repeat("\x00", n))
		}
	}
	mean := float64(len(seen)) / float64(len(buckets))
	for i, n := range buckets {
		if float64(n) > 2.5*mean {
			t.Fatalf("bucket %d holds %d hashes, mean %.1f", i, n, mean)
		}
	}
}

// TestWordKeyTellsWordsApart: a slot matches on wordKey and length alone,
// so no two words of up to 16 bytes may share them: every word over a
// two-letter alphabet of each length, where the first and last 8 or 4
// bytes overlap the most, and words that differ in one byte anywhere.
func TestWordKeyTellsWordsApart(t *testing.T) {
	type key struct {
		n    int
		a, b uint64
	}
	seen := map[key]string{}
	add := func(w string) {
		a, b := wordKey(w)
		k := key{len(w), a, b}
		if o, dup := seen[k]; dup && o != w {
			t.Fatalf("wordKey(%q) == wordKey(%q)", w, o)
		}
		seen[k] = w
	}
	for n := 1; n <= 14; n++ {
		for bits := range 1 << n {
			w := make([]byte, n)
			for i := range w {
				w[i] = "ab"[bits>>i&1]
			}
			add(string(w))
		}
	}
	base := []byte("abcdefghijklmnop")
	for n := 1; n <= maxInline; n++ {
		for i := range n {
			w := slices.Clone(base[:n])
			w[i] = '_'
			add(string(w))
		}
	}
}
