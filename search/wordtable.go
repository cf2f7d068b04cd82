package search

import (
	"hash/maphash"
	"math"
	"strings"
)

// wordTable maps words as written to their term IDs: an analyzer's cache,
// looked up once for every word of every page indexed. Words of up to 16
// bytes (nearly all) are kept in the table's 32-byte slots themselves,
// with their hash, so that a lookup reads one cache line: in a full build
// a Go map's lookups missed the cache twice (control bytes, then the key's
// bytes elsewhere in the heap) and were a third of the analysis. Longer
// words go to a map. The IDs of all words are in one array.
type wordTable struct {
	slots []wordSlot // len a power of two, at most half full; hash 0: empty
	n     int
	long  map[string]idSpan
	ids   []uint32
}

type wordSlot struct {
	hash uint64
	idSpan
	size uint8
	word [maxInline]byte
}

// idSpan is ids[off:off+n] of a wordTable.
type idSpan struct {
	off uint32
	n   uint16
}

const maxInline = 16

// wordSeed is fixed for the process: slots keep their hashes as the
// table grows.
var wordSeed = maphash.MakeSeed()

// get returns w's IDs and whether w is in the table.
func (t *wordTable) get(w string) ([]uint32, bool) {
	var sp idSpan
	if len(w) > maxInline {
		s, ok := t.long[w]
		if !ok {
			return nil, false
		}
		sp = s
	} else {
		if t.n == 0 {
			return nil, false
		}
		h := maphash.String(wordSeed, w) | 1
		mask := uint64(len(t.slots) - 1)
		for i := h & mask; ; i = (i + 1) & mask {
			s := &t.slots[i]
			if s.hash == h && int(s.size) == len(w) && string(s.word[:s.size]) == w {
				sp = s.idSpan
				break
			}
			if s.hash == 0 {
				return nil, false
			}
		}
	}
	end := sp.off + uint32(sp.n)
	return t.ids[sp.off:end:end], true
}

// put adds w, not in the table, with its IDs. A long word is cloned for
// the map: w is a slice of a page's text, which the table must not keep
// alive.
func (t *wordTable) put(w string, ids []uint32) {
	if len(ids) > math.MaxUint16 {
		return // a run of some 65,000 characters without a space: not worth keeping
	}
	sp := idSpan{off: uint32(len(t.ids)), n: uint16(len(ids))}
	t.ids = append(t.ids, ids...)
	if len(w) > maxInline {
		if t.long == nil {
			t.long = map[string]idSpan{}
		}
		t.long[strings.Clone(w)] = sp
		return
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	s := wordSlot{hash: maphash.String(wordSeed, w) | 1, idSpan: sp, size: uint8(len(w))}
	copy(s.word[:], w)
	t.insert(s)
	t.n++
}

// size is the number of words in the table.
func (t *wordTable) size() int { return t.n + len(t.long) }

func (t *wordTable) insert(s wordSlot) {
	mask := uint64(len(t.slots) - 1)
	i := s.hash & mask
	for t.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = s
}

func (t *wordTable) grow() {
	old := t.slots
	t.slots = make([]wordSlot, max(1024, 2*len(old)))
	for _, s := range old {
		if s.hash != 0 {
			t.insert(s)
		}
	}
}
