package build

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// Changes are what changed since the last build.
type Changes struct {
	Files []string            // created/changed/removed paths under ContentDir or ThemeDir (absolute or relative to cwd)
	Data  []beforetrip.Change // changes announced by the API (likes, comment counts, reader reviews)
}

// Result summarizes one build.
type Result struct {
	Kinds     map[string]int // pages per kind (beforetrip.Kind*)
	Pages     int
	Rendered  int      // output files produced in this run (pages, lists, feed, sitemap, JSON, static files): Written + Unchanged
	Written   []string // output paths (relative to OutDir, slash-separated) whose bytes changed or were created
	Unchanged int      // rendered but identical bytes: not rewritten
	// Cached are the pages of Unchanged taken from the render cache
	// without rendering them (a full build by a new process).
	Cached    int
	Removed   []string // output paths deleted (pages that no longer exist)
	Scheduled int      // tips and reviews dated in the future, held back until their date (not with Future)
	Resized   int      // images resized in this run; the others came from the image cache
	// Manifest is the site's page list (what the manifest file holds)
	// when this build wrote the manifest, i.e. when pages may have come,
	// gone or changed title; nil otherwise. The API's page index takes it
	// from here, in memory. Read-only: it is shared with the builder.
	Manifest []beforetrip.PageMeta
	// IndexKept says the search index files published were current: a
	// full build kept them without building the index (searchkeep.go).
	IndexKept bool
	Duration  time.Duration
}

// state is everything loaded for one build.
type state struct {
	files   map[string]*Page // absolute content path → page
	theme   *theme
	counts  map[string]beforetrip.Counts
	readers []beforetrip.Review
	month   map[string]int64 // likes in the window
	monthAt time.Time        // when month was read
}

// Build loads, validates and renders the whole site and publishes it. On
// any problem it returns an error (Errors for content problems) and the
// output folder is left as it was.
func (b *Builder) Build(ctx context.Context) (*Result, error) {
	b.site = nil
	b.itemHTML.Clear() // entries of deleted pages go too
	return b.full(ctx, true)
}

// Check loads, validates and renders the site in memory; it writes nothing.
func (b *Builder) Check(ctx context.Context) (*Result, error) {
	return b.full(ctx, false)
}

func (b *Builder) commit(st *state, s *site) {
	b.files, b.theme, b.counts, b.readers, b.site = st.files, st.theme, st.counts, st.readers, s
	b.month, b.monthAt = st.month, st.monthAt
}

// full is the full-build pipeline. Tips and reviews are rendered as soon as
// they are loaded (their page shows only themselves and their country),
// staged, and their HTML dropped, so memory holds metadata,
// not 10k rendered bodies. Everything else is rendered once the site is
// assembled. Staged bytes reach the output folder only if all went well.
func (b *Builder) full(ctx context.Context, publish bool) (*Result, error) {
	start, resized := time.Now(), b.imgs.Processed()
	b.asOf = b.now()
	th, err := loadTheme(b.cfg.ThemeDir, b.cfg.Language, b.templateFuncs)
	if err != nil {
		return nil, err
	}
	st := &state{theme: th}
	if err := b.loadData(ctx, st); err != nil {
		return nil, err
	}
	items, pre, errs, err := b.loadHeads(ctx, st)
	if err != nil {
		return nil, err
	}
	var bt *batch
	if publish {
		if bt, err = b.out.begin(true); err != nil {
			return nil, err
		}
		b.out.full = true
		b.rc = b.openRenderCache()
		defer func() { b.rc = nil }()
	}
	early := &earlyPages{b: b, r: b.newRenderer(pre, th), pre: pre, bt: bt, done: map[string]bool{}}
	early.startAnalysis()
	itemPages, itemErrs, err := b.loadFiles(ctx, items, b.workers(bt), early.emit)
	if aerr := early.finishAnalysis(); err == nil {
		err = aerr
	}
	if err != nil {
		bt.abortIfAny()
		return nil, err
	}
	errs = append(errs, itemErrs...)
	for i, p := range itemPages {
		st.files[items[i]] = p
	}
	pages, more := b.collect(st.files, st.readers)
	if errs = append(errs, more...); len(errs) > 0 {
		bt.abortIfAny()
		errs.sort()
		return nil, errs
	}
	s := assemble(pages, st.counts, st.month, th, nil, b.lim, !b.cfg.LiveReload)
	idx, kept, err := b.fullSearch(s, bt, early.done)
	if err != nil {
		bt.abortIfAny()
		return nil, err
	}
	rest := restOutputs(s, early.done)
	if b.once {
		idx = nil
		b.shedSearch(st.files)
		defer b.rc.closeSpill()
	}
	var remove []string
	if publish {
		remove = b.stale(s)
	}
	res, err := b.renderPublish(ctx, s, th, rest, bt, remove)
	if err != nil {
		return nil, err
	}
	res.Rendered += len(early.done)
	res.Cached = early.cached
	b.tally(st.files)
	res.Scheduled = len(b.sched)
	res.Resized = b.imgs.Processed() - resized
	if publish {
		b.commit(st, s)
		b.search, b.searchFiles, b.searchKept = idx, b.nextSearchFiles, kept
		res.IndexKept = kept != nil
		b.saveRenderCache(st.files)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// shedSearch drops what a build that exits keeps of its index once the
// index is encoded: its files are rendered first and dropped as soon as
// they are staged, so the 20 MB of them (at 10k pages) do not stay beside
// the pages rendered last, where the heap is near the build's memory limit
// and every megabyte kept costs collections. The docs go to disk until the
// render cache is saved, for the same reason.
func (b *Builder) shedSearch(files map[string]*Page) {
	b.nextSearchFiles = nil
	if b.rc == nil {
		return
	}
	if err := b.rc.spillDocs(files); err != nil {
		b.log.Warn("search docs kept in memory", "err", err)
	}
}

// restOutputs lists the outputs of s not rendered yet (done), the search
// index's files first (see full).
func restOutputs(s *site, done map[string]bool) []string {
	rest := make([]string, 0, len(s.outputs)-len(done))
	for p, o := range s.outputs {
		if !done[p] && o.kind == outSearch {
			rest = append(rest, p)
		}
	}
	for p, o := range s.outputs {
		if !done[p] && o.kind != outSearch {
			rest = append(rest, p)
		}
	}
	return rest
}

// fullSearch makes the search index's files outputs of s for a full
// build: kept as published when keepSearch finds them current (kept is
// set, idx nil), else built into a new index idx.
func (b *Builder) fullSearch(s *site, bt *batch, done map[string]bool) (idx *search.Index, kept *keptSearch, err error) {
	b.searchFiles = nil
	if kept, err = b.keepSearch(s, bt, done); err != nil || kept != nil {
		b.nextSearchFiles = nil
		return nil, kept, err
	}
	opts := b.searchOptions()
	if b.once {
		opts = append(opts, search.Once())
	}
	idx = search.New(opts...)
	if b.rc != nil {
		b.rc.gz = search.ReadGzipCache(b.rc.readFile(b.rc.gzFile()))
		idx.UseGzipCache(b.rc.gz)
		defer idx.UseGzipCache(nil)
	}
	if _, err := b.syncSearch(s, idx, nil); err != nil {
		return nil, nil, err
	}
	b.rc.recordSearch(b.nextSearchFiles)
	b.saveGzipCache()
	return idx, nil, nil
}

// saveGzipCache writes the compressed index files of the index just
// encoded, as soon as it is: keyed by their raw bytes, they stay right
// whatever becomes of the build, and the ~20 MB (at 10k pages) need not
// stay in memory through the rendering of the lists (see spillDocs).
func (b *Builder) saveGzipCache() {
	if b.rc == nil || b.rc.gz == nil {
		return
	}
	gz := b.rc.gz
	b.rc.gz = nil
	if !gz.Changed() {
		return
	}
	err := replaceFile(b.rc.gzFile(), func(w *bufio.Writer) error {
		w.WriteString(b.rc.head)
		return gz.Save(w)
	})
	if err != nil {
		b.log.Warn("search index cache not saved", "file", b.rc.gzFile(), "err", err)
	}
}

// loadHeads lists the content files and loads the home page and the
// countries first (item pages show their country), into st.files. It
// returns the other files, a site of the published countries for the early
// renderer, and the content errors so far.
func (b *Builder) loadHeads(ctx context.Context, st *state) (items []string, pre *site, errs Errors, err error) {
	paths, err := b.contentFiles()
	if err != nil {
		return nil, nil, nil, err
	}
	var heads []string
	for _, p := range paths {
		if rel, _ := b.relPath(p); isHead(rel) {
			heads = append(heads, p)
		} else {
			items = append(items, p)
		}
	}
	st.files = make(map[string]*Page, len(paths))
	headPages, errs, err := b.loadFiles(ctx, heads, b.workers(nil), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	pre = &site{pages: map[string]*Page{}, counts: st.counts}
	own := map[string]*Page{}
	for i, p := range headPages {
		st.files[heads[i]] = p
		if p != nil && p.Kind == beforetrip.KindCountry && (!p.Draft || b.cfg.Drafts) {
			pre.pages[p.ID] = p
		}
		// The footer of the pages rendered early is the site's: the pages
		// of their own as collect chooses them.
		if p != nil && p.Kind == beforetrip.KindPage && b.published(p) && b.ownLanguage(p) {
			if o := own[p.ID]; o == nil || translation(o, p) == p {
				own[p.ID] = p
			}
		}
	}
	pre.footer = footerOf(own)
	return items, pre, errs, nil
}

// earlyPages renders each tip and review of a full build as soon as it is
// loaded, then drops its body: memory holds page metadata only.
type earlyPages struct {
	b   *Builder
	r   *renderer
	pre *site  // the published countries
	bt  *batch // nil for Check
	mu  sync.Mutex
	// done are the outputs rendered already (or kept from the render
	// cache: cached of them).
	done   map[string]bool
	cached int
	// toAnalyse are the pages waiting for their search analysis, with
	// their HTML (startAnalysis).
	toAnalyse chan *Page
	analysts  errgroup.Group
}

// analysisQueue bounds the pages waiting for their search analysis: their
// HTML, ~10 KB each, is held until then.
const analysisQueue = 256

// startAnalysis starts the goroutines, one per core, that analyse the
// words of the pages emit hands over for the search index, then drop
// their HTML. Analysing each page as soon as it was rendered cost half as
// much again: the Markdown and template work between two pages pushed the
// analyser's word table out of the cache (25 ns a word over pages in a
// row, ~40 in the build). finishAnalysis waits for them.
func (e *earlyPages) startAnalysis() {
	e.toAnalyse = make(chan *Page, analysisQueue)
	for range runtime.GOMAXPROCS(0) {
		e.analysts.Go(func() error {
			var err error
			for p := range e.toAnalyse {
				if err == nil { // after an error, only drain the queue
					err = e.analyse(p)
				}
				p.Body, p.TOC = "", nil
			}
			return err
		})
	}
}

// finishAnalysis waits for the pages handed over to be analysed and
// returns the first error.
func (e *earlyPages) finishAnalysis() error {
	close(e.toAnalyse)
	return e.analysts.Wait()
}

// analyse computes p's search doc.
func (e *earlyPages) analyse(p *Page) error {
	if err := e.b.analyse(p); err != nil {
		return err
	}
	if c := p.cached; c != nil && p.search.doc != nil {
		// The cache entry does not keep the encoded doc (35 MB at
		// 10k pages, alive until the cache is saved): save encodes
		// it, and its sum is taken there (docSum, if needed before).
		c.raw = ""
	}
	return nil
}

// emit renders p into buf and stages it; called by loadFiles' workers.
// A page from the render cache whose published file is still the one it
// rendered, from the same theme and country page, is kept as it is.
func (e *earlyPages) emit(p *Page, buf *bytes.Buffer) error {
	country := e.pre.pages["countries/"+p.Country]
	if !e.b.published(p) || country == nil {
		return nil // not published (or an error collect reports)
	}
	path := pagePath(p.ID)
	c := p.cached
	var key uint64
	if c != nil {
		key = e.b.rc.renderKey(country)
	}
	kept := c != nil && c.render == key && e.bt != nil && e.bt.keep(path, c.out)
	if !kept {
		if err := e.r.render(&output{kind: outPage, tmpl: "single", id: p.ID, page: p}, buf); err != nil {
			return fmt.Errorf("build: render %s: %w", path, err)
		}
		if sum := contentSum(buf.Bytes()); c != nil && (c.render != key || c.out != sum) {
			c.render, c.out, c.raw = key, sum, ""
		}
		if e.bt != nil {
			if err := e.bt.stage(path, buf); err != nil {
				return err
			}
		}
	}
	if c != nil {
		e.seedItems(p, country, key)
	}
	// A cached doc stays encoded (pageSearch.raw); a page to analyse
	// keeps its body until it is.
	if (c == nil || c.doc == "") && indexed(p) && !e.b.noIndex {
		e.toAnalyse <- p
	} else {
		p.Body, p.TOC = "", nil
	}
	e.mu.Lock()
	e.done[path] = true
	if kept {
		e.cached++
	}
	e.mu.Unlock()
	return nil
}

// saveRenderCache writes the render cache of the full build that loaded
// files. The cache only saves time: a failure to write it is logged, and
// the build stands.
func (b *Builder) saveRenderCache(files map[string]*Page) {
	if b.rc == nil {
		return
	}
	for _, p := range files {
		if p != nil && p.cached != nil {
			b.saveItems(p)
		}
	}
	if err := b.rc.save(files); err != nil {
		b.log.Warn("render cache not saved", "file", b.rc.file, "err", err)
	}
	if err := b.saveSearchRecord(); err != nil {
		b.log.Warn("search index record not saved", "file", b.rc.searchFile(), "err", err)
	}
	for _, p := range files {
		if p != nil {
			p.cached = nil
		}
	}
}

// loadData reads counts, reader reviews and the likes in the window from
// the SiteData.
func (b *Builder) loadData(ctx context.Context, st *state) error {
	st.counts = map[string]beforetrip.Counts{}
	if b.data == nil {
		return nil
	}
	counts, err := b.data.PageCounts(ctx)
	if err != nil {
		return fmt.Errorf("build: site data: counts: %w", err)
	}
	if counts != nil {
		st.counts = counts
	}
	if st.readers, err = b.data.ReaderReviews(ctx); err != nil {
		return fmt.Errorf("build: site data: reader reviews: %w", err)
	}
	return b.readMonth(ctx, st)
}

// assembleState checks the loaded files together and assembles the site.
func (b *Builder) assembleState(st *state, prev *site) (*site, error) {
	pages, errs := b.collect(st.files, st.readers)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return assemble(pages, st.counts, st.month, st.theme, prev, b.lim, !b.cfg.LiveReload), nil
}

// isHead reports whether a content path is the home, a country page or a
// page of its own (every page's footer may link one).
func isHead(rel string) bool {
	return rel == "_index.md" || (strings.Count(rel, "/") == 2 && strings.HasSuffix(rel, "/_index.md")) ||
		(strings.Count(rel, "/") == 1 && strings.HasPrefix(rel, "pages/"))
}
