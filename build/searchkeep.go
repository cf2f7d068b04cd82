package build

import (
	"bufio"
	"encoding/binary"
	"maps"
	"path/filepath"
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// A restart over unchanged content (a deploy, CI, serve started again)
// used to decode every page's search doc from the render cache, index
// them and encode every shard, to find the files already published: two
// thirds of its time and most of its memory. A full build with the render
// cache now records, beside the cache, a key of what its index was built
// from (searchKey) and the index files it published with their sums. The
// next one computes the key first, from the docs' sums alone (the cache
// keeps each doc encoded: pageSearch.raw), and when it is the same and the
// output folder still holds those very files (the writer's records, sizes
// and mtimes) it keeps them as they are: no doc is decoded, no index is
// held. `build` never needs the index after that. serve and api do, to
// update only the shards an edit touches: their first Rebuild builds it
// then (loadSearch), from the same docs, and goes on as if the full build
// had built it.

// searchRecord is what a full build published of the search index.
type searchRecord struct {
	key   uint64            // searchKey of the site it was built for
	keyed bool              // key is computed (a cold build computes it last)
	files map[string]string // output path → contentSum
}

// keptSearch is the index a full build kept published without building
// it: enough for loadSearch to build it when an edit needs it.
type keptSearch struct {
	rc    *renderCache // file and head only: where the gzip cache is
	files map[string]string
}

// searchOptions are the index's options, from the builder's shard sizes.
func (b *Builder) searchOptions() []search.Option {
	if b.searchShards == [2]int{} {
		return nil
	}
	return []search.Option{search.ShardSizes(b.searchShards[0], b.searchShards[1])}
}

// searchKey identifies everything the index of s is built from: the
// index's format and options, the countries with their names, and each
// indexed page's own doc (by its sum) with its country. The search
// package's code is in the render cache's head (the executable's hash).
func (b *Builder) searchKey(s *site) (uint64, error) {
	var e encoder
	e.uint(search.Version)
	e.uint(uint64(b.searchShards[0]))
	e.uint(uint64(b.searchShards[1]))
	e.uint(uint64(len(s.countries)))
	for _, c := range s.countries {
		e.str(c.Country)
		e.strs(slices.Compact(countryNames(c)))
	}
	var ids []string
	for id, p := range s.pages {
		if indexed(p) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := s.pages[id]
		sum, err := b.docSum(p)
		if err != nil {
			return 0, err
		}
		e.str(id)
		e.bool(p.Kind == beforetrip.KindCountry)
		e.str(p.Country)
		e.uint(sum)
	}
	return xxhash.Sum64(e.b), nil
}

// keepSearch decides, for a full build with the render cache, whether
// the index files published are current for s: the recorded key is s's
// and bt finds every recorded file unchanged. Then they become s's
// outputs, kept (marked in done: not rendered), and it returns what
// loadSearch needs; otherwise nil, and rc.index is the record to save
// once the index is built.
func (b *Builder) keepSearch(s *site, bt *batch, done map[string]bool) (*keptSearch, error) {
	rc := b.rc
	if rc == nil || b.noIndex || bt == nil {
		return nil, nil
	}
	if bt.cold != nil {
		// Nothing published to keep. The key is computed when the
		// render cache is saved, which encodes the docs anyway and
		// takes their sums from that (saveSearchRecord).
		rc.index = &searchRecord{}
		return nil, nil
	}
	key, err := b.searchKey(s)
	if err != nil {
		return nil, err
	}
	rc.index = &searchRecord{key: key, keyed: true}
	old := rc.readSearchRecord()
	if old == nil || old.key != key {
		return nil, nil
	}
	for p, sum := range old.files {
		if !bt.unchanged(p, sum, nil) {
			return nil, nil
		}
	}
	for p, sum := range old.files {
		bt.keep(p, sum)
		s.outputs[p] = &output{kind: outSearch}
		done[p] = true
	}
	rc.index = nil // the record stands
	return &keptSearch{rc: &renderCache{file: rc.file, head: rc.head}, files: old.files}, nil
}

// recordSearch notes the index files a full build publishes, for
// saveRenderCache to record with the key keepSearch computed.
func (rc *renderCache) recordSearch(files map[string][]byte) {
	if rc == nil || rc.index == nil {
		return
	}
	rc.index.files = make(map[string]string, len(files))
	for p, data := range files {
		rc.index.files[p] = contentSum(data)
	}
}

// loadSearch builds the index of s, the site of a full build that kept
// the published index (b.searchKept), as that build would have: its files
// become s's outputs and b.searchFiles what is published, so the Rebuild
// that calls it updates only the shards its edit touches. A file that
// differs from the one recorded (it should not) is published again.
func (b *Builder) loadSearch(s *site) error {
	k := b.searchKept
	if k == nil {
		return nil
	}
	b.searchKept = nil
	idx := search.New(b.searchOptions()...)
	idx.UseGzipCache(search.ReadGzipCache(k.rc.readFile(k.rc.gzFile())))
	defer idx.UseGzipCache(nil)
	b.searchFiles = nil
	if _, err := b.syncSearch(s, idx, nil); err != nil {
		return err
	}
	b.search, b.searchFiles = idx, make(map[string][]byte, len(k.files))
	for p, sum := range k.files {
		b.searchFiles[p] = nil // gone, or changed: not what is published
		if data, ok := b.nextSearchFiles[p]; ok && contentSum(data) == sum {
			b.searchFiles[p] = data
		}
	}
	return nil
}

// PrepareRebuild builds now what the next Rebuild would build first: the
// search index, when the last full build kept it published without
// building it (a restart over unchanged content). A server calls it when
// idle, so that its first edit after a restart is as quick as the others;
// without it, that edit's Rebuild builds the index (~1.2 s at 10k pages).
// On an error the next Rebuild is a full build.
func (b *Builder) PrepareRebuild() error {
	if b.once {
		return errOnce
	}
	if b.site == nil || b.searchKept == nil {
		return nil
	}
	if err := b.loadSearch(b.site); err != nil {
		b.site = nil
		return err
	}
	return nil
}

// searchFile is the file of the search record, beside the cache's.
func (rc *renderCache) searchFile() string {
	return filepath.Join(filepath.Dir(rc.file), "index-"+filepath.Base(rc.file))
}

// readSearchRecord reads the record of the last full build; nil when
// there is none for this build and configuration, or it is damaged.
func (rc *renderCache) readSearchRecord() *searchRecord {
	data := rc.readFile(rc.searchFile())
	if len(data) < 8 {
		return nil
	}
	payload := string(data[8:])
	if xxhash.Sum64String(payload) != binary.LittleEndian.Uint64(data) {
		return nil
	}
	d := decoder{s: payload}
	r := &searchRecord{key: d.uint(), files: map[string]string{}}
	for n := d.uint(); n > 0 && d.err == nil; n-- {
		p := d.str()
		r.files[p] = d.str()
	}
	if d.err != nil || d.s != "" {
		return nil
	}
	return r
}

// saveSearchRecord writes rc.index, when a build made a new one.
func (b *Builder) saveSearchRecord() error {
	rc := b.rc
	r := rc.index
	if r == nil || r.files == nil {
		return nil
	}
	if !r.keyed {
		key, err := b.searchKey(b.site)
		if err != nil {
			return err
		}
		r.key, r.keyed = key, true
	}
	var e encoder
	e.uint(r.key)
	e.uint(uint64(len(r.files)))
	for _, p := range slices.Sorted(maps.Keys(r.files)) {
		e.str(p)
		e.str(r.files[p])
	}
	return replaceFile(rc.searchFile(), func(w *bufio.Writer) error {
		w.WriteString(rc.head)
		w.Write(binary.LittleEndian.AppendUint64(nil, xxhash.Sum64(e.b)))
		_, err := w.Write(e.b)
		return err
	})
}
