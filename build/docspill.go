package build

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// A build that exits (Once) needs its pages' search docs, once the index
// is encoded, only to write them into the render cache at its very end.
// Kept in memory they are ~40 MB at 10k pages, spread over the spans of
// everything loaded beside them, and under the build's memory limit
// (TuneGC) the lists rendered last and the cache save ran with a
// collection every ~10 MB allocated: ~0.4 s of a cold build. spillDocs
// writes them, encoded as the cache holds them, to a file of the cache
// folder and drops them; save copies each back from there.

// docSpill is the file the docs went to. It is unlinked as soon as it is
// made: nothing is left behind by a crash, and the descriptor reads it.
type docSpill struct {
	f   *os.File
	buf []byte // one doc read back at a time
}

// spillDocs moves the encoded docs of the tips and reviews in files that
// the cache will save from memory (encodeTo) to a spill file, and drops
// them from their pages. On an error the pages keep what they had.
func (rc *renderCache) spillDocs(files map[string]*Page) error {
	var pages []*Page
	for _, p := range files {
		if p != nil && p.cached != nil && spillable(p) {
			pages = append(pages, p)
		}
	}
	if len(pages) == 0 {
		return nil
	}
	dir := filepath.Dir(rc.file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".docs-*.tmp")
	if err != nil {
		return err
	}
	os.Remove(f.Name())
	// Written in the order save reads them back: one sequential pass.
	slices.SortFunc(pages, func(a, b *Page) int { return strings.Compare(a.cached.rel, b.cached.rel) })
	w := bufio.NewWriterSize(f, 256<<10)
	var e encoder
	spans := make([][2]int64, len(pages)) // offset, length
	var off int64
	for i, p := range pages {
		e.b = e.b[:0]
		e.pageDoc(&p.search)
		if p.search.sum == 0 { // as encodeTo sets it: what a restart reads back (docSum)
			p.search.sum = xxhash.Sum64(e.b)
		}
		spans[i] = [2]int64{off, int64(len(e.b))}
		off += int64(len(e.b))
		w.Write(e.b)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("search docs: %w", err)
	}
	for i, p := range pages {
		p.cached.spill = spans[i]
		p.search = pageSearch{sum: p.search.sum} // raw is "": the doc was in memory
	}
	rc.spill = &docSpill{f: f}
	return nil
}

// spillable reports whether the cache would encode p's doc from memory.
func spillable(p *Page) bool {
	c := p.cached
	return c.raw == "" && c.doc == "" && p.search.analysed()
}

// read returns the spilled doc of c, valid until the next read.
func (s *docSpill) read(c *cacheEntry) ([]byte, error) {
	off, n := c.spill[0], int(c.spill[1])
	s.buf = slices.Grow(s.buf[:0], n)[:n]
	if _, err := s.f.ReadAt(s.buf, off); err != nil {
		return nil, fmt.Errorf("search docs: %w", err)
	}
	return s.buf, nil
}

// closeSpill closes the spill file, if any.
func (rc *renderCache) closeSpill() {
	if rc != nil && rc.spill != nil {
		rc.spill.f.Close()
		os.Remove(rc.spill.f.Name()) // gone already but on Windows
		rc.spill = nil
	}
}
