package search

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/gzip"
)

// Layout of the index in the output folder. index.json (small, never
// cached for long) names the shard files of its build; shard files carry
// a hash of their bytes in their name, so a cache may keep them forever
// and a browser never mixes two builds.
const (
	Dir       = "search"
	EntryPath = Dir + "/index.json"
	Version   = 3
	// defaultPostingsPerShard and defaultDocsPerShard size the shards: a
	// query fetches one term shard per term, and a doc shard only for a
	// result no term shard of the query carries the record of.
	defaultPostingsPerShard = 2048
	defaultDocsPerShard     = 16
)

// epoch is day 0 of the dates in postings.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Country is a country as the search page's filters and results name it.
type Country struct {
	Slug  string   `json:"slug"`
	Name  string   `json:"name"`
	Names []string `json:"names,omitempty"` // other names, any language
}

type posting struct {
	ref  uint32
	meta uint32 // field | day<<3
}

type file struct {
	path string
	data []byte
}

// Index is the search index of a site, kept between builds so that an
// edit re-encodes only the shards it touches.
type Index struct {
	docs      map[string]*Doc
	refs      map[string]uint32
	byRef     map[uint32]*Doc
	shards    []map[uint32][]posting // term shard → term ID → postings by ref
	nPostings int
	countries []Country
	tFiles    []file
	dFiles    []file
	recs      []map[recKey]recVal // term shard → its records as last encoded
	entry     []byte
	perTerm   int             // postings per term shard, about
	perDoc    int             // docs per doc shard, about
	perRec    int             // records per term
	nameTerms map[string]bool // terms that carry their country's pages (nameTerms)
	gz        *GzipCache
	once      bool // Once: encoded once, never updated
}

// Option configures an Index.
type Option func(*Index)

// ShardSizes sets how many postings a term shard and how many pages a doc
// shard hold, about (tests use tiny shards to have many).
func ShardSizes(postings, docs int) Option {
	return func(x *Index) { x.perTerm, x.perDoc = max(1, postings), max(1, docs) }
}

// RecordsPerTerm sets how many of each term's first hits carry their
// result record in the term shard.
func RecordsPerTerm(n int) Option {
	return func(x *Index) { x.perRec = max(1, n) }
}

// Once makes an index that is encoded once and never updated (a build
// that exits after writing it): it frees each term shard's postings as
// soon as the shard is encoded and keeps no records for reuse, about a
// third of a cold 10k build's peak memory. Sync and Put after its first
// Set panic.
func Once() Option {
	return func(x *Index) { x.once = true }
}

// New returns an empty index.
func New(opts ...Option) *Index {
	x := &Index{docs: map[string]*Doc{}, perTerm: defaultPostingsPerShard, perDoc: defaultDocsPerShard,
		perRec: defaultRecordsPerTerm}
	for _, o := range opts {
		o(x)
	}
	return x
}

// Set makes the index hold exactly docs.
func (x *Index) Set(docs []*Doc, countries []Country) {
	x.docs = make(map[string]*Doc, len(docs))
	for _, d := range docs {
		x.docs[d.ID] = d
	}
	x.countries = countries
	x.nameTerms = nameTerms(countries)
	x.rebuild()
}

// Sync makes the index hold exactly docs (of distinct IDs), encoding
// again only the shards of docs that changed (a doc of the same pointer
// has not).
func (x *Index) Sync(docs []*Doc, countries []Country) {
	x.mustUpdate()
	if x.shards == nil {
		x.Set(docs, countries)
		return
	}
	var put []*Doc
	held := 0 // docs whose ID the index holds
	for _, d := range docs {
		o, ok := x.docs[d.ID]
		if ok {
			held++
		}
		if o != d {
			put = append(put, d)
		}
	}
	var del []string
	if held < len(x.docs) {
		// Some page left: only then is a set of the docs worth making
		// (10k inserts were a third of a one-file rebuild's index work).
		keep := make(map[string]bool, len(docs))
		for _, d := range docs {
			keep[d.ID] = true
		}
		for id := range x.docs {
			if !keep[id] {
				del = append(del, id)
			}
		}
	}
	x.update(put, del, countries)
}

// Put adds docs or replaces the pages of their IDs, keeping every other
// page and the countries: the same as Sync with the other docs unchanged.
func (x *Index) Put(docs []*Doc) {
	x.mustUpdate()
	if x.shards == nil {
		x.Set(docs, x.countries)
		return
	}
	x.update(docs, nil, x.countries)
}

// mustUpdate panics for an index made with Once that was set: it holds
// neither the postings nor the records an update needs.
func (x *Index) mustUpdate() {
	if x.once && x.shards != nil {
		panic("search: an index made with Once is not updated")
	}
}

func cmpRef(p posting, ref uint32) int {
	switch {
	case p.ref < ref:
		return -1
	case p.ref > ref:
		return 1
	}
	return 0
}

func meta(f Field, date time.Time) uint32 {
	return uint32(f) | dayBits(date)
}

// dayBits is the day part of meta: a full build computes it once per page,
// not once per posting (a float division 3.6 M times at 10k pages).
func dayBits(date time.Time) uint32 {
	day := max(0, int(date.Sub(epoch).Hours()/24))
	return uint32(min(day, 1<<20)) << 3
}

// assignRefs gives each page a ref from a hash of its ID (in refSpace), stable
// while pages come and go (a dense numbering would move every page after
// a new one and rewrite every shard); collisions take the next free value,
// in ID order.
func assignRefs(docs map[string]*Doc) map[string]uint32 {
	ids := slices.Sorted(maps.Keys(docs))
	refs := make(map[string]uint32, len(ids))
	used := make(map[uint32]bool, len(ids))
	mask := uint32(refSpace(len(ids)) - 1)
	for _, id := range ids {
		h := fnv.New32a()
		h.Write([]byte(id))
		r := h.Sum32() & mask
		for used[r] {
			r = (r + 1) & mask
		}
		used[r] = true
		refs[id] = r
	}
	return refs
}

// refSpace is the number of refs n pages are hashed into: a power of two
// at least 64 n.
func refSpace(n int) int {
	s := 1 << 12
	for s < 64*n {
		s *= 2
	}
	return s
}

// ShardOf is the term shard of a term among n (a power of two): FNV-1a of
// its UTF-8 bytes, which search.js computes the same way.
func ShardOf(term string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(term))
	return int(h.Sum32() & uint32(n-1))
}

// termShard is ShardOf the term of ID id; hash is the table's snapshot.
func (x *Index) termShard(id uint32, hash []uint32) int {
	return int(hash[id] & uint32(len(x.shards)-1))
}

// shardCount is the power of two that holds n items at about per each.
func shardCount(n, per int) int {
	c := 1
	for c*per < n {
		c *= 2
	}
	return c
}

// rebuild computes postings and every file from x.docs.
func (x *Index) rebuild() {
	x.refs = assignRefs(x.docs)
	x.byRef = make(map[uint32]*Doc, len(x.docs))
	x.nPostings = 0
	for _, d := range x.docs {
		x.nPostings += len(d.Terms)
	}
	nt := shardCount(x.nPostings, x.perTerm)
	x.shards = make([]map[uint32][]posting, nt)
	for i := range x.shards {
		x.shards[i] = map[uint32][]posting{}
	}
	ids := slices.Sorted(maps.Keys(x.docs))
	slices.SortFunc(ids, func(a, b string) int { return int64Cmp(x.refs[a], x.refs[b]) })
	// Postings are collected by term first, then put in their shards: a
	// term's shard is found once, not once per posting (3.6 M at 10k).
	_, hash := table.snapshot()
	byTerm := x.postingLists(hash, nt)
	for _, id := range ids { // by ref: postings come out sorted
		d := x.docs[id]
		ref := x.refs[id]
		x.byRef[ref] = d
		day := dayBits(d.Date)
		for _, t := range d.Terms {
			byTerm[t.id()] = append(byTerm[t.id()], posting{ref, uint32(t.Field()) | day})
		}
	}
	for id, ps := range byTerm {
		if ps != nil {
			x.shards[x.termShard(uint32(id), hash)][uint32(id)] = ps
		}
	}
	x.tFiles = make([]file, nt)
	x.recs = make([]map[recKey]recVal, nt)
	x.dFiles = make([]file, shardCount(len(x.docs), x.perDoc))
	all := func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	}
	x.encode(all(len(x.tFiles)), all(len(x.dFiles)))
}

// postingLists returns an empty list for each term of the index's docs
// (by term ID), with room for exactly its postings, cut from one block
// per term shard: filling them makes no garbage (appending to lists
// grown by doubling made twice the postings' 29 MB at 10k), and a shard
// freed by Once frees whole spans instead of leaving holes beside live
// objects. A list's capacity ends where the next one's begins, so an
// update's insert moves the list out of the block instead of overwriting;
// the room it leaves stays until all of the block's lists have moved (in
// a long-running server, at most the postings' size again).
func (x *Index) postingLists(hash []uint32, nt int) [][]posting {
	count := make([]int32, len(hash))
	for _, d := range x.docs {
		for _, t := range d.Terms {
			count[t.id()]++
		}
	}
	size := make([]int, nt)
	for id, n := range count {
		if n > 0 {
			size[x.termShard(uint32(id), hash)] += int(n)
		}
	}
	blocks := make([][]posting, nt)
	for i, n := range size {
		blocks[i] = make([]posting, 0, n)
	}
	lists := make([][]posting, len(hash))
	for id, n := range count {
		if n > 0 {
			s := x.termShard(uint32(id), hash)
			b := blocks[s]
			lists[id] = b[len(b) : len(b) : len(b)+int(n)]
			blocks[s] = b[:len(b)+int(n)]
		}
	}
	return lists
}

func int64Cmp(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// encode writes the given term and doc shards again, on all cores, and
// the entry that names them.
func (x *Index) encode(terms, docs []int) {
	var byDoc [][]*Doc
	if len(docs) > 0 {
		byDoc = make([][]*Doc, len(x.dFiles))
		want := map[int]bool{}
		for _, i := range docs {
			want[i] = true
		}
		for ref, d := range x.byRef {
			if s := int(ref % uint32(len(x.dFiles))); want[s] {
				byDoc[s] = append(byDoc[s], d)
			}
		}
	}
	type job struct {
		term bool
		i    int
	}
	jobs := make(chan job)
	words := &wordCache{m: map[*Doc]*textWords{}}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				if j.term {
					x.tFiles[j.i] = x.termFile(j.i, words)
					if x.once {
						x.shards[j.i] = nil
					}
				} else {
					x.dFiles[j.i] = x.docFile(j.i, byDoc[j.i])
				}
			}
		})
	}
	for _, i := range terms {
		jobs <- job{true, i}
	}
	for _, i := range docs {
		jobs <- job{false, i}
	}
	close(jobs)
	wg.Wait()
	x.encodeEntry()
}

// termFile encodes term shard i: for each term in byte order, its length
// and bytes, the length of its block (so a reader decodes only the terms
// it needs) and the block: its number of postings n, n gaps from the previous ref,
// n fields (a byte each) and n days, the numbers unsigned varints, then the
// records of its first hits (see records); gzipped. An empty shard has no
// file. Columns compress 11 % better than postings written whole.
func (x *Index) termFile(i int, words *wordCache) file {
	m := x.shards[i]
	var kept map[recKey]recVal // nil for Once: nothing is kept
	if !x.once {
		kept = map[recKey]recVal{}
		defer func() { x.recs[i] = kept }()
	}
	if len(m) == 0 {
		return file{}
	}
	strs, _ := table.snapshot()
	terms := make([]uint32, 0, len(m))
	for id := range m {
		terms = append(terms, id)
	}
	slices.SortFunc(terms, func(a, b uint32) int { return strings.Compare(strs[a], strs[b]) })
	// The shard's bytes are built in buffers reused from shard to shard:
	// only their gzipped copy is kept (buffers grown per shard made ~90 MB
	// of garbage at 10k).
	sc := shardBufs.Get().(*shardBuf)
	defer shardBufs.Put(sc)
	raw, block := sc.raw[:0], sc.block[:0]
	defer func() { sc.raw, sc.block = raw, block }()
	for _, t := range terms {
		ps := m[t]
		// A posting takes 3 bytes or so (ref gap, field, day): grown
		// once, not appended into by doubling.
		block = binary.AppendUvarint(slices.Grow(block[:0], 4*len(ps)+16), uint64(len(ps)))
		prev := uint32(0)
		for _, p := range ps {
			block = binary.AppendUvarint(block, uint64(p.ref-prev))
			prev = p.ref
		}
		for _, p := range ps {
			block = append(block, byte(p.meta&7))
		}
		for _, p := range ps {
			block = binary.AppendUvarint(block, uint64(p.meta>>3))
		}
		block = x.records(block, t, x.nameTerms[strs[t]], ps, x.recs[i], kept, words)
		raw = appendString(slices.Grow(raw, len(strs[t])+len(block)+20), strs[t])
		raw = append(binary.AppendUvarint(raw, uint64(len(block))), block...)
	}
	return x.named(fmt.Sprintf("%s/t/%d", Dir, i), raw)
}

// shardBuf holds the buffers a term shard is encoded in.
type shardBuf struct{ raw, block []byte }

var shardBufs = sync.Pool{New: func() any { return new(shardBuf) }}

// docRecord is one page in a doc shard.
type docRecord struct {
	Ref     uint32 `json:"r"`
	URL     string `json:"u"`
	Title   string `json:"t"`
	Country string `json:"c,omitempty"`
	Section string `json:"s,omitempty"`
	Date    string `json:"d,omitempty"`
	Text    string `json:"x"`
}

// docFile encodes doc shard i: a JSON array of its pages by ref, gzipped.
func (x *Index) docFile(i int, docs []*Doc) file {
	if len(docs) == 0 {
		return file{}
	}
	recs := make([]docRecord, 0, len(docs))
	for _, d := range docs {
		r := docRecord{Ref: x.refs[d.ID], URL: d.URL, Title: d.Title, Country: d.Country, Section: d.Section, Text: d.Text}
		if !d.Date.IsZero() {
			r.Date = d.Date.Format(time.DateOnly)
		}
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b docRecord) int { return int64Cmp(a.Ref, b.Ref) })
	// Encoded into a pooled buffer, not json.Marshal's new slice: the raw
	// JSON is garbage once gzipped (16.7 MB at 10k pages).
	buf := jsonBufs.Get().(*bytes.Buffer)
	defer jsonBufs.Put(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(recs); err != nil {
		panic(err) // strings and numbers only
	}
	raw := bytes.TrimSuffix(buf.Bytes(), []byte("\n")) // as json.Marshal writes it
	return x.named(fmt.Sprintf("%s/d/%d", Dir, i), raw)
}

var jsonBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// gzipLevel is klauspost/compress's level for term and doc shards. On the 10k
// bench site's shards (33.8 MB raw of term shards, 16.7 MB of doc shards,
// one core, best of 3), term shards: level 1 19.32 MB in 208 ms, 2 19.13
// MB in 192 ms, 3 17.99 MB in 205 ms, 4 18.44 MB in 220 ms, 5 18.29 MB in
// 231 ms, 6 17.36 MB in 276 ms (7 15.85 MB in 477 ms, 8 15.77 MB in 563
// ms, measured before); doc shards: level 3 4.12 MB in 102 ms, 5 3.96 MB
// in 146 ms, 6 3.94 MB in 158 ms. Level 3 (the last of klauspost's
// fastest matchers) writes 4 % more than 6 in three quarters of the time:
// compression is the largest single cost of encoding the index, and the
// index stays well under Pagefind's (22 against 53 MB at 10k pages).
// (compress/gzip at level 4, our first choice, took 1.6-1.8 s for what
// level 8 did in 0.85-1.2 s.)
const gzipLevel = 3

// gzips keeps gzip writers, each with a buffer: a writer holds about a
// megabyte of tables, and its buffer has grown to a shard's size.
var gzips = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzipLevel)
	return &gzipper{zw: zw}
}}

type gzipper struct {
	zw  *gzip.Writer
	buf bytes.Buffer
}

// noFile is the hash index.json gives a shard without a file (no terms
// or no pages): the browser fetches nothing for it.
const noFile = "00000000"

// named gzips raw and names the file by a hash of its bytes:
// prefix.HASH.bin, HASH eight hex digits, never noFile.
func (x *Index) named(prefix string, raw []byte) file {
	var gz []byte
	if x.gz != nil {
		gz = x.gz.gzip(raw, gzipBytes)
	} else {
		gz = gzipBytes(raw)
	}
	h := max(1, uint32(xxhash.Sum64(gz)))
	return file{path: fmt.Sprintf("%s.%08x.bin", prefix, h), data: gz}
}

// gzipBytes compresses raw at gzipLevel. The result
// is copied out of the pooled buffer at its size: the index keeps every
// shard's bytes, and buffers grown by doubling kept 11 % more than the
// bytes (and made as much garbage again while growing).
func gzipBytes(raw []byte) []byte {
	g := gzips.Get().(*gzipper)
	g.buf.Reset()
	g.zw.Reset(&g.buf)
	g.zw.Write(raw)
	g.zw.Close()
	out := bytes.Clone(g.buf.Bytes())
	gzips.Put(g)
	return out
}

// UseGzipCache makes the index take compressed files from c and record
// them in it (nil: stop). A full build uses it; an edit's few shards do
// not need it.
func (x *Index) UseGzipCache(c *GzipCache) { x.gz = c }

// entry is index.json. Shard i of terms is t/i.HASH.bin, HASH the eight hex
// digits at 8i in Terms (noFile: an empty shard); the same for doc shards
// under d/. One string of hashes is a third the size of a list of names.
type entry struct {
	Version   int       `json:"version"`
	Terms     string    `json:"terms"`
	Docs      string    `json:"docs"`
	Countries []Country `json:"countries"`
}

// hashOf is the HASH of a shard file's path, noFile for none.
func hashOf(f file) string {
	if f.path == "" {
		return noFile
	}
	return f.path[len(f.path)-len("01234567.bin") : len(f.path)-len(".bin")]
}

func (x *Index) encodeEntry() {
	e := entry{Version: Version, Countries: x.countries}
	if e.Countries == nil {
		e.Countries = []Country{}
	}
	var t, d strings.Builder
	for _, f := range x.tFiles {
		t.WriteString(hashOf(f))
	}
	for _, f := range x.dFiles {
		d.WriteString(hashOf(f))
	}
	e.Terms, e.Docs = t.String(), d.String()
	x.entry, _ = json.Marshal(e)
}

// EntryFiles returns the shard files an index.json names, as paths under
// Dir ("t/3.0a1b2c3d.bin").
func EntryFiles(entryJSON []byte) ([]string, error) {
	var e entry
	if err := json.Unmarshal(entryJSON, &e); err != nil {
		return nil, fmt.Errorf("search: index.json: %w", err)
	}
	if e.Version != Version || len(e.Terms)%8 != 0 || len(e.Docs)%8 != 0 {
		return nil, fmt.Errorf("search: index.json: version %d, %d and %d hash digits", e.Version, len(e.Terms), len(e.Docs))
	}
	var out []string
	for _, s := range []struct{ dir, hashes string }{{"t", e.Terms}, {"d", e.Docs}} {
		for i := 0; i < len(s.hashes); i += 8 {
			if h := s.hashes[i : i+8]; h != noFile {
				out = append(out, fmt.Sprintf("%s/%d.%s.bin", s.dir, i/8, h))
			}
		}
	}
	return out, nil
}

// Files returns every file of the index: output path → bytes. The map is
// new; the bytes are shared and must not be changed.
func (x *Index) Files() map[string][]byte {
	out := make(map[string][]byte, len(x.tFiles)+len(x.dFiles)+1)
	for _, fs := range [][]file{x.tFiles, x.dFiles} {
		for _, f := range fs {
			if f.path != "" {
				out[f.path] = f.data
			}
		}
	}
	out[EntryPath] = x.entry
	return out
}
