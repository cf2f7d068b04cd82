package build

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/beforetrip/beforetrip/build/images"
	"github.com/beforetrip/beforetrip/search"
)

// renderCache is the persistent render cache of full builds: for each tip
// and review file, what loading it produced (page fields, search doc),
// the sum of the page it rendered to and its list entries (itemcache.go),
// in one file (cacheFile) in
// Config.RenderCacheDir. A new process over unchanged content then neither
// converts the Markdown nor analyses the words nor renders the page: it
// checks the file's bytes against the entry and the published page
// against the output folder's record, and moves on.
//
// An entry is used only when everything its result depends on is the
// same: the file's bytes (XXH64 and length) and the images it shows (their
// output names carry a hash of their bytes), under the same build (a hash
// of the running executable: code, embedded assets) and configuration
// (both in the file's header); the rendered page also needs the same theme (every
// file of the theme folder) and country page (its bytes and images), which
// is all a tip's or review's page shows (see earlyPages). Anything else
// is a miss and takes the ordinary road. Every entry carries a checksum:
// a damaged one is a miss too, and the file is written again.
type renderCache struct {
	file    string            // <dir>/cacheFile
	head    string            // magic, build and config fingerprints
	theme   uint64            // fingerprint of the theme folder
	entries map[string]string // content path (slash-separated, relative) → entry, as read
	// gz holds the search index's compressed files, in a file of its own
	// beside file (search-<name>) under the same head; read only when the
	// build builds the index (~25 MB at 10k pages): nil until then.
	gz *search.GzipCache
	// index is the search record this build saves (searchkeep.go); nil:
	// none (the one on file stands).
	index *searchRecord
	// spill holds the docs spillDocs moved out of memory; nil: none.
	spill *docSpill
}

// cacheFile is the render cache's file name in its folder.
const cacheFile = "pages.bin"

// cacheMagic starts the file; a new format gets a new one.
const cacheMagic = "beforetrip render cache 3\n"

// cacheEntry is what the cache knows of one tip or review file.
type cacheEntry struct {
	rel  string
	sum  uint64 // XXH64 of the file's bytes
	size int
	deps []imageDep
	meta string // the page, encoded (encoder.page)
	// doc is the page's search doc, encoded (encoder.doc), as read from
	// the file: decoded only when the index is built (pageSearch.raw), so
	// a restart that keeps the published index never decodes it. "": not
	// read; a page analysed by this build has its doc encoded when the
	// cache is saved (encodeTo), not kept here meanwhile.
	doc    string
	render uint64 // renderKey the page was rendered with; 0: never
	out    string // contentSum of that page
	// items are the page's list entries (partials/item.html, plain and
	// Sub) as last rendered, each with the itemKey it was rendered
	// with (0: none): see itemcache.go.
	items [2]cachedItem
	// spill is where spillDocs put the page's encoded doc (offset,
	// length) in renderCache.spill; length 0: not there.
	spill [2]int64
	// raw is the entry as read, while nothing changed it: saved as is.
	raw string
}

// exeSum is a hash of the running executable, read once per process: a
// new build of beforetrip (other code, other embedded files) must not
// reuse what an older one rendered.
var exeSum = sync.OnceValues(func() (uint64, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		return 0, err
	}
	return xxhash.Sum64(data), nil
})

// openRenderCache reads the render cache of a full build; nil when the
// cache is off or cannot be used (the build then renders everything).
// A file of another build, configuration or format is ignored.
func (b *Builder) openRenderCache() *renderCache {
	if b.cfg.NoRenderCache {
		return nil
	}
	exe, err := exeSum()
	if err != nil {
		b.log.Warn("render cache off: cannot read the executable", "err", err)
		return nil
	}
	// What a page loads and renders to depends on the rest of the
	// configuration, not on where the output and caches are, nor on which
	// pages are published (drafts, scheduled pages): a `build --out` or a
	// `serve --drafts` shares the file of the plain build.
	cfg := b.cfg
	cfg.CacheDir, cfg.RenderCacheDir, cfg.OutDir, cfg.Drafts, cfg.Future = "", "", "", false, false
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil
	}
	theme, err := dirSum(b.cfg.ThemeDir)
	if err != nil {
		b.log.Warn("render cache off: cannot read the theme", "err", err)
		return nil
	}
	head := binary.AppendUvarint([]byte(cacheMagic), exe)
	head = binary.AppendUvarint(head, xxhash.Sum64(cfgJSON))
	name := cacheFile
	if b.cfg.LiveReload {
		// serve's pages differ (live reload, no offline reading): a file
		// of its own, so serve and build do not overwrite each other's.
		name = "serve-" + cacheFile
	}
	rc := &renderCache{file: filepath.Join(b.cfg.RenderCacheDir, name), head: string(head),
		theme: theme, entries: map[string]string{}}
	rc.read(rc.readString(rc.file))
	return rc
}

// gzFile is the file of the search index's compressed files.
func (rc *renderCache) gzFile() string {
	return filepath.Join(filepath.Dir(rc.file), "search-"+filepath.Base(rc.file))
}

// readFile returns what follows rc's head in file, nil when the file is
// missing or of another build, configuration or format.
func (rc *renderCache) readFile(file string) []byte {
	data, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(data), rc.head) {
		return nil
	}
	return data[len(rc.head):]
}

// readString is readFile for the cache's file, read straight into the
// string its entries are cut from: string(data) of ~50 MB at 10k pages
// held two copies at once, a fifth of a restart's peak memory.
func (rc *renderCache) readString(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	var sb strings.Builder
	if st, err := f.Stat(); err == nil {
		sb.Grow(int(st.Size()))
	}
	if _, err := io.Copy(&sb, f); err != nil || !strings.HasPrefix(sb.String(), rc.head) {
		return ""
	}
	return sb.String()[len(rc.head):]
}

// read indexes the entries of s (the file after its header), skipping
// any whose checksum does not match; it stops where the file is cut off.
func (rc *renderCache) read(s string) {
	for len(s) > 0 {
		d := decoder{s: s}
		n := d.uint()
		if d.err != nil || uint64(len(d.s)) < 8+n {
			return
		}
		sum := binary.LittleEndian.Uint64([]byte(d.s[:8]))
		payload := d.s[8 : 8+n]
		s = d.s[8+n:]
		if xxhash.Sum64String(payload) != sum {
			continue
		}
		rel := (&decoder{s: payload}).str()
		rc.entries[rel] = payload
	}
}

// cachedPage returns the page of the content file rel (at path, with
// bytes data) from the cache, or nil when the cache has no valid entry.
func (b *Builder) cachedPage(rc *renderCache, rel, path string, data []byte) *Page {
	raw, ok := rc.entries[rel]
	if !ok {
		return nil
	}
	e := &cacheEntry{raw: raw}
	d := decoder{s: raw}
	e.rel, e.sum, e.size = d.str(), d.uint(), int(d.uint())
	e.deps, e.meta, e.doc = d.deps(), d.str(), d.str()
	e.render, e.out = d.uint(), d.str()
	for i := range e.items {
		e.items[i] = cachedItem{key: d.uint(), html: d.str()}
	}
	if d.err != nil || d.s != "" || e.rel != rel || e.size != len(data) || e.sum != xxhash.Sum64(data) {
		return nil
	}
	p := &Page{File: b.displayPath(rel), Path: path, src: e.sum, cached: e}
	md := decoder{s: e.meta}
	md.page(p)
	cover := md.str()
	if md.err != nil || md.s != "" {
		return nil
	}
	for _, dep := range e.deps {
		if r, ok := b.relPath(dep.src); !ok || ignored(r) {
			return nil
		}
		im, err := b.imgs.Get(dep.src)
		if err != nil || joinOuts(imageOuts(im)) != dep.outs {
			return nil // changed or gone: loading reports it
		}
		if dep.src == cover {
			p.Cover = im
		}
	}
	if (cover == "") != (p.Cover == nil) {
		return nil
	}
	if e.doc != "" {
		p.search.raw, p.search.sum = e.doc, xxhash.Sum64String(e.doc)
	}
	return p
}

// newCacheEntry describes a tip or review just loaded from its file.
func newCacheEntry(rel string, p *Page, data []byte, cover string, deps []imageDep) *cacheEntry {
	var e encoder
	e.page(p)
	e.str(cover)
	return &cacheEntry{rel: rel, sum: p.src, size: len(data), deps: deps, meta: string(e.b)}
}

// encodeTo appends the entry's bytes to e.b, with p's search doc when
// the entry does not hold one encoded (see earlyPages.emit), encoded
// through scratch (one buffer for every entry: 10k docs of ~3.5 KB each
// encoded into buffers of their own made ~150 MB of garbage), or as
// spilled (docspill.go): non-nil when spillDocs took it out of memory.
func (c *cacheEntry) encodeTo(e *encoder, p *Page, scratch *encoder, spilled []byte) {
	if c.raw != "" {
		e.b = append(e.b, c.raw...)
		return
	}
	e.str(c.rel)
	e.uint(c.sum)
	e.uint(uint64(c.size))
	e.deps(c.deps)
	e.str(c.meta)
	if spilled != nil {
		e.uint(uint64(len(spilled)))
		e.b = append(e.b, spilled...)
	} else if doc := c.doc; doc != "" || !p.search.analysed() {
		e.str(doc)
	} else {
		scratch.b = scratch.b[:0]
		scratch.pageDoc(&p.search)
		if p.search.sum == 0 { // as a restart will read it (docSum)
			p.search.sum = xxhash.Sum64(scratch.b)
		}
		e.uint(uint64(len(scratch.b)))
		e.b = append(e.b, scratch.b...)
	}
	e.uint(c.render)
	e.str(c.out)
	for _, it := range c.items {
		e.uint(it.key)
		e.str(it.html)
	}
}

// renderKey identifies what a tip's or review's page is rendered from
// besides the page itself: the theme and its country page.
func (rc *renderCache) renderKey(country *Page) uint64 {
	h := xxhash.New()
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], rc.theme)
	h.Write(n[:])
	binary.LittleEndian.PutUint64(n[:], country.src)
	h.Write(n[:])
	h.WriteString(joinOuts(country.Images))
	return max(1, h.Sum64()) // 0 means "never rendered"
}

// save writes the entries of the tips and reviews in files, when they
// differ from what was read. Like every file, through a temp file and a
// rename: a crash leaves the old cache or the new one.
func (rc *renderCache) save(files map[string]*Page) error {
	var entries []*Page
	changed := false
	for _, p := range files {
		if p != nil && p.cached != nil {
			entries = append(entries, p)
			changed = changed || p.cached.raw == ""
		}
	}
	if !changed && len(entries) == len(rc.entries) {
		return nil
	}
	slices.SortFunc(entries, func(a, b *Page) int { return strings.Compare(a.cached.rel, b.cached.rel) })
	// The file is tens of MB at 10k pages: streamed entry by entry through
	// one reused buffer, never held whole (a cold build's peak memory).
	return replaceFile(rc.file, func(w *bufio.Writer) error {
		w.WriteString(rc.head)
		var e, scratch encoder
		var head [binary.MaxVarintLen64 + 8]byte
		for _, p := range entries {
			e.b = e.b[:0]
			var spilled []byte
			if p.cached.spill[1] > 0 {
				var err error
				if spilled, err = rc.spill.read(p.cached); err != nil {
					return err
				}
			}
			p.cached.encodeTo(&e, p, &scratch, spilled)
			n := binary.PutUvarint(head[:], uint64(len(e.b)))
			binary.LittleEndian.PutUint64(head[n:], xxhash.Sum64(e.b))
			w.Write(head[:n+8])
			if _, err := w.Write(e.b); err != nil {
				return err
			}
		}
		return nil
	})
}

// replaceFile writes file through a temp file of a name of its own (two
// processes may share the cache folder) and a rename. write streams the
// content; a bufio.Writer keeps its first error, which Flush returns.
func replaceFile(file string, write func(w *bufio.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(file), tmpPrefix+"*")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	werr := write(w)
	if werr == nil {
		werr = w.Flush()
	}
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), file); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// imageOuts lists an image's output paths.
func imageOuts(im *images.Image) []string {
	outs := make([]string, len(im.Variants))
	for i, v := range im.Variants {
		outs[i] = v.Out
	}
	return outs
}

// dirSum hashes every file of a folder with its path.
func dirSum(dir string) (uint64, error) {
	h := xxhash.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(p[len(dir):]), len(data))
		h.Write(data)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	return h.Sum64(), nil
}
