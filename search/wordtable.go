package search

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
)

// wordTable maps words as written to their term IDs: an analyzer's cache,
// looked up once for every word of every page indexed. Words of up to 16
// bytes (nearly all) are kept in the table's 32-byte slots themselves, as
// their wordKey with their hash, so that a lookup reads one cache line and
// compares numbers, not bytes (memequal's call was a third of a lookup).
// In a full build a Go map's lookups missed the cache twice (control
// bytes, then the key's bytes elsewhere in the heap) and were a third of
// the analysis. Longer words go to a map. The IDs of all words are in one
// array.
type wordTable struct {
	slots []wordSlot // len a power of two, at most half full; hash 0: empty
	n     int
	long  map[string]idSpan
	ids   []uint32
}

type wordSlot struct {
	hash uint64
	a, b uint64 // wordKey
	idSpan
	size uint8
}

// idSpan is ids[off:off+n] of a wordTable.
type idSpan struct {
	off uint32
	n   uint16
}

const maxInline = 16

// wordSeeds are random (no one can choose words that collide) and fixed
// for the process (slots keep their hashes as the table grows).
var wordSeeds = [3]uint64{rand.Uint64(), rand.Uint64(), rand.Uint64()}

// wordKey reads a word of at most 16 bytes as two little-endian numbers,
// which overlap when it is shorter, as the runtime's fallback hash
// (wyhash) does: the first and the last 8 bytes of a word of 8 or more,
// the first and the last 4 of a word of 4 to 7, its first, middle and
// last byte in a of a shorter one. Every byte of the word is in a or b,
// so with its length they tell it from every other word.
func wordKey(w string) (a, b uint64) {
	switch n := len(w); {
	case n >= 8:
		a, b = le64(w), le64(w[n-8:])
	case n >= 4:
		a, b = uint64(le32(w)), uint64(le32(w[n-4:]))
	case n > 0:
		a = uint64(w[0])<<16 | uint64(w[n>>1])<<8 | uint64(w[n-1])
	}
	return a, b
}

// keyHash hashes a word of n bytes and wordKey a, b: mixed with the seeds
// by two 64×64→128-bit multiplies, as wyhash does. A word is hashed once
// for every word of every page indexed, and maphash's general path (a call
// through the runtime's AES hash for any length) was a third of a lookup.
func keyHash(n int, a, b uint64) uint64 {
	return mix(wordSeeds[2]^uint64(n), mix(a^wordSeeds[0], b^wordSeeds[1]))
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// le64 and le32 read the first 8 and 4 bytes of s as little-endian
// numbers (the compiler makes each one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

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
		a, b := wordKey(w)
		h := keyHash(len(w), a, b) | 1
		mask := uint64(len(t.slots) - 1)
		for i := h & mask; ; i = (i + 1) & mask {
			s := &t.slots[i]
			if s.hash == h && s.a == a && s.b == b && int(s.size) == len(w) {
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
	a, b := wordKey(w)
	t.insert(wordSlot{hash: keyHash(len(w), a, b) | 1, a: a, b: b, idSpan: sp, size: uint8(len(w))})
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
