package search

import (
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"
	"weak"
)

// Term is one distinct term of a Doc: the term's ID in the process's term
// table and its best field, as id<<3 | field. Docs hold terms as integers,
// not strings: a 10k-page site has some 4 M of them, and as strings they
// were 4 M pointers for the garbage collector to scan on every cycle (GC
// was 40 % of a cold build's CPU). Sorting a doc's terms sorts them by ID.
type Term uint32

func mkTerm(id uint32, f Field) Term { return Term(id<<3 | uint32(f)) }

func (t Term) id() uint32 { return uint32(t) >> 3 }

// Field is where in the page the term occurs, its best place.
func (t Term) Field() Field { return Field(t & 7) }

// String is the term's text.
func (t Term) String() string {
	strs, _ := table.snapshot()
	return strs[t.id()]
}

// maxID bounds term IDs: three bits of a Term are its field.
const maxID = 1<<29 - 1

// termTable maps the terms of a process to IDs and back. It is shared by
// every analyzer and index: a term has one ID, so a doc's terms compare
// and merge as integers and an index keys its postings by ID.
//
// The table is bounded by compaction. A long-running `serve` or `api`
// indexes reader reviews, whose words are anyone's: a term no page has any
// more (an edited or deleted review's) would otherwise stay for the life
// of the process, some 60 bytes each (string, map entry, two slice
// slots); a reader's 20,000-character review of random words can bring
// about 4,000. When the table has grown to twice the terms live at its
// last compaction (and holds at least minCompact terms), the next
// analysis first compacts it: it marks the IDs held by every doc still
// alive (docs register a weak pointer when made, so the table does not
// keep them alive) and by the analyzers' caches, and frees the others,
// whose IDs new terms then take. The table thus stays under about twice
// the terms of the live docs and caches, plus minCompact. Compaction runs
// while no analysis is under way (pins), so an ID is never freed between
// being looked up and being stored in a doc; a doc outlives its IDs only
// if it is made without the package's constructors.
type termTable struct {
	mu   sync.RWMutex
	ids  map[string]uint32
	strs []string // ID → term; "" for a free ID
	hash []uint32 // ID → FNV-1a of the term, for ShardOf
	free []uint32 // free IDs, reused first

	live atomic.Int64 // len(ids)
	next atomic.Int64 // live at which to compact
}

// minCompact is the fewest terms a table must hold to be compacted (16 MB
// or so): a build does not pay for a compaction unless its site has more
// distinct terms (the 10k bench site, of generated text, has 1,802). A
// variable for tests.
var minCompact int64 = 1 << 18

var table = newTable()

func newTable() *termTable {
	t := &termTable{ids: map[string]uint32{}}
	t.next.Store(minCompact)
	return t
}

// snapshot returns the ID → term and ID → hash slices. Their entries for
// the IDs a caller holds do not change, so it reads them without the lock.
func (t *termTable) snapshot() ([]string, []uint32) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.strs, t.hash
}

// intern writes the IDs of terms into ids (len(terms)), adding the terms
// the table does not have. The caller holds a pin.
func (t *termTable) intern(terms []string, ids []uint32) {
	missing := false
	t.mu.RLock()
	for i, s := range terms {
		id, ok := t.ids[s]
		if !ok {
			id, missing = maxID+1, true
		}
		ids[i] = id
	}
	t.mu.RUnlock()
	if !missing {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, s := range terms {
		if ids[i] <= maxID {
			continue
		}
		id, ok := t.ids[s]
		if !ok {
			id = t.add(s)
		}
		ids[i] = id
	}
}

// add gives s an ID; t.mu is held.
func (t *termTable) add(s string) uint32 {
	// The term is cloned: it may be a slice of a page's text or of a
	// cache file, which the table must not keep alive.
	s = strings.Clone(s)
	h := fnv.New32a()
	h.Write([]byte(s))
	var id uint32
	if n := len(t.free); n > 0 {
		id = t.free[n-1]
		t.free = t.free[:n-1]
		t.strs[id], t.hash[id] = s, h.Sum32()
	} else {
		if len(t.strs) > maxID {
			panic("search: more than 2^29 distinct terms")
		}
		id = uint32(len(t.strs))
		t.strs = append(t.strs, s)
		t.hash = append(t.hash, h.Sum32())
	}
	t.ids[s] = id
	t.live.Add(1)
	return id
}

// pins is held for reading while IDs are looked up and stored (an
// analysis, a doc decoded) and for writing by a compaction.
var pins sync.RWMutex

// pin starts work that looks up IDs, compacting the table first when it
// is due; unpin ends it.
func pin() {
	if table.live.Load() >= table.next.Load() {
		compact()
	}
	pins.RLock()
}

func unpin() { pins.RUnlock() }

// docs are weak pointers to every doc made, for compaction to mark.
var docs struct {
	mu      sync.Mutex
	list    []weak.Pointer[Doc]
	pruneAt int
}

// register records d, whose terms must keep their IDs while it lives.
// Pointers to docs collected since are dropped when the list has doubled.
func register(d *Doc) {
	docs.mu.Lock()
	defer docs.mu.Unlock()
	if len(docs.list) >= docs.pruneAt {
		docs.list = pruneDocs(docs.list)
		docs.pruneAt = max(1024, 2*len(docs.list))
	}
	docs.list = append(docs.list, weak.Make(d))
}

// pruneDocs drops the pointers to collected docs.
func pruneDocs(list []weak.Pointer[Doc]) []weak.Pointer[Doc] {
	out := list[:0]
	for _, w := range list {
		if w.Value() != nil {
			out = append(out, w)
		}
	}
	clear(list[len(out):])
	return out
}

// compact frees the IDs no live doc and no cached analyzer holds.
func compact() {
	pins.Lock()
	defer pins.Unlock()
	if table.live.Load() < table.next.Load() {
		return // another goroutine did it
	}
	strs, _ := table.snapshot()
	marked := make([]uint64, (len(strs)+63)/64)
	mark := func(id uint32) { marked[id>>6] |= 1 << (id & 63) }
	docs.mu.Lock()
	docs.list = pruneDocs(docs.list)
	for _, w := range docs.list {
		if d := w.Value(); d != nil {
			for _, t := range d.Terms {
				mark(t.id())
			}
		}
	}
	docs.mu.Unlock()
	eachFreeAnalyzer(func(a *analyzer) {
		for _, id := range a.words.ids {
			mark(id)
		}
	})
	table.sweep(marked)
}

// sweep frees the IDs not marked; pins is held for writing.
func (t *termTable) sweep(marked []uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, s := range t.strs {
		if s != "" && marked[id>>6]&(1<<(id&63)) == 0 {
			delete(t.ids, s)
			t.strs[id] = ""
			t.free = append(t.free, uint32(id))
		}
	}
	t.live.Store(int64(len(t.ids)))
	t.next.Store(max(minCompact, 2*int64(len(t.ids))))
}
