package build

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/beforetrip/beforetrip"
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
	Rendered  int      // output files rendered in this run (HTML, XML, JSON; not static assets)
	Written   []string // output paths (relative to OutDir, slash-separated) whose bytes changed or were created
	Unchanged int      // rendered but identical bytes: not rewritten
	Removed   []string // output paths deleted (pages that no longer exist)
	Duration  time.Duration
}

// state is everything loaded for one build.
type state struct {
	files   map[string]*Page // absolute content path → page
	theme   *theme
	counts  map[string]beforetrip.Counts
	readers []beforetrip.Review
}

// Build loads, validates and renders the whole site and publishes it. On
// any content problem it returns Errors and writes nothing.
func (b *Builder) Build(ctx context.Context) (*Result, error) {
	start := time.Now()
	b.site = nil
	st, err := b.loadAll(ctx)
	if err != nil {
		return nil, err
	}
	s, err := b.assembleState(st)
	if err != nil {
		return nil, err
	}
	res, err := b.renderPublish(ctx, s, st.theme, slices.Collect(maps.Keys(s.outputs)), true)
	if err != nil {
		return nil, err
	}
	b.commit(st, s)
	res.Duration = time.Since(start)
	return res, nil
}

// Check loads, validates and renders the site in memory; it writes nothing.
func (b *Builder) Check(ctx context.Context) (*Result, error) {
	start := time.Now()
	st, err := b.loadAll(ctx)
	if err != nil {
		return nil, err
	}
	s, err := b.assembleState(st)
	if err != nil {
		return nil, err
	}
	res, err := b.renderPublish(ctx, s, st.theme, slices.Collect(maps.Keys(s.outputs)), false)
	if err != nil {
		return nil, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

func (b *Builder) commit(st *state, s *site) {
	b.files, b.theme, b.counts, b.readers, b.site = st.files, st.theme, st.counts, st.readers, s
}

// loadAll reads content, theme and site data.
func (b *Builder) loadAll(ctx context.Context) (*state, error) {
	paths, err := b.contentFiles()
	if err != nil {
		return nil, err
	}
	pages, errs := b.loadFiles(ctx, paths)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := &state{files: make(map[string]*Page, len(paths))}
	for i, p := range paths {
		st.files[p] = pages[i]
	}
	if len(errs) > 0 {
		// Cross-file checks still run so one run reports everything.
		_, more := b.collect(st.files, nil)
		errs = append(errs, more...)
		errs.sort()
		return nil, errs
	}
	if st.theme, err = loadTheme(b.cfg.ThemeDir, b.cfg.Language, b.templateFuncs); err != nil {
		return nil, err
	}
	if err := b.loadData(ctx, st); err != nil {
		return nil, err
	}
	return st, nil
}

// loadData reads counts and reader reviews from the SiteData.
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
	return nil
}

// assembleState checks the loaded files together and assembles the site.
func (b *Builder) assembleState(st *state) (*site, error) {
	pages, errs := b.collect(st.files, st.readers)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	return assemble(pages, st.counts, st.theme), nil
}

// collect turns loaded files into the site's pages: drafts dropped unless
// Drafts, duplicate IDs and pages outside a known country reported, reader
// reviews added.
func (b *Builder) collect(files map[string]*Page, readers []beforetrip.Review) (map[string]*Page, Errors) {
	var errs Errors
	pages := make(map[string]*Page, len(files)+len(readers))
	countryFile := map[string]bool{} // countries that have an _index.md, valid or not
	for path := range files {
		if rel, ok := b.relPath(path); ok {
			if pl, why := classify(rel); why == "" && pl.kind == beforetrip.KindCountry {
				countryFile[pl.country] = true
			}
		}
	}
	live := map[string]bool{} // countries that are published
	for _, p := range files {
		if p != nil && p.Kind == beforetrip.KindCountry && (!p.Draft || b.cfg.Drafts) {
			live[p.Country] = true
		}
	}
	byFile := slices.Sorted(maps.Keys(files))
	owner := map[string]string{}
	for _, path := range byFile {
		p := files[path]
		if p == nil || (p.Draft && !b.cfg.Drafts) {
			continue
		}
		if p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview {
			if !countryFile[p.Country] {
				errs = append(errs, &FileError{File: p.File, Line: 1, Msg: fmt.Sprintf(
					"unknown country %q: there is no countries/%s/_index.md", p.Country, p.Country)})
				continue
			}
			if !live[p.Country] {
				continue // the country is a draft or invalid (reported there)
			}
		}
		if other, dup := owner[p.ID]; dup {
			errs = append(errs, &FileError{File: p.File, Line: 1, Field: "slug", Msg: fmt.Sprintf(
				"page ID %q is already used by %s", p.ID, other)})
			continue
		}
		owner[p.ID] = p.File
		pages[p.ID] = p
	}
	for i := range readers {
		r := &readers[i]
		if !live[r.Country] {
			b.log.Warn("build: reader review of an unknown country skipped", "id", r.ID, "country", r.Country)
			continue
		}
		p := b.readerPage(r)
		pages[p.ID] = p
	}
	return pages, errs
}

// readerPage renders a reader review as a page; its Markdown goes through
// package ugc (no raw HTML, sanitized).
func (b *Builder) readerPage(r *beforetrip.Review) *Page {
	title := r.Title
	if title == "" {
		title = "#" + strconv.FormatUint(r.ID, 10)
	}
	return &Page{ID: r.PageID(), Kind: beforetrip.KindReaderReview, Country: r.Country,
		Section: beforetrip.SectionReviews, Slug: "u-" + strconv.FormatUint(r.ID, 10),
		Title: title, Summary: summarize(b.md.PlainText([]byte(r.Body)), summaryLen),
		Date: r.CreatedAt, Author: r.Author.Username, Rating: max(1, min(r.Rating, 5)), Edited: r.EditedAt,
		Body: template.HTML(b.ugc.Render(r.Body))}
}

// renderPublish renders paths of s on all cores, staging changed bytes,
// and publishes them (when publish is set) only if everything rendered.
func (b *Builder) renderPublish(ctx context.Context, s *site, th *theme, paths []string, publish bool) (*Result, error) {
	r := b.newRenderer(s, th)
	var bt *batch
	if publish {
		var err error
		if bt, err = b.out.begin(); err != nil {
			return nil, err
		}
	}
	var done, rendered atomic.Int64
	stop := b.showProgress(&done, len(paths))
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		g.Go(func() error {
			for gctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(paths) {
					return nil
				}
				o := s.outputs[paths[i]]
				buf := pool.Get().(*bytes.Buffer)
				buf.Reset()
				if err := r.render(o, buf); err != nil {
					return fmt.Errorf("build: render %s: %w", paths[i], err)
				}
				if o.kind != outAsset {
					rendered.Add(1)
				}
				if bt != nil {
					if _, err := bt.stage(paths[i], buf.Bytes()); err != nil {
						return err
					}
				}
				pool.Put(buf)
				done.Add(1)
			}
			return gctx.Err()
		})
	}
	err := g.Wait()
	stop()
	if err != nil {
		if bt != nil {
			bt.abort()
		}
		return nil, err
	}
	res := b.result(s, r)
	res.Rendered = int(rendered.Load())
	if bt == nil {
		return res, nil
	}
	var remove []string
	for p := range b.out.known {
		if _, ok := s.outputs[p]; !ok {
			remove = append(remove, p)
		}
	}
	if res.Written, res.Removed, err = bt.publish(remove); err != nil {
		return nil, err
	}
	res.Unchanged = bt.same
	if r.newManifest != nil {
		b.manifest = r.newManifest
	}
	return res, nil
}

// result counts the site's pages by kind.
func (b *Builder) result(s *site, r *renderer) *Result {
	res := &Result{Kinds: map[string]int{}}
	for _, m := range r.pageMetas() {
		res.Kinds[m.Kind]++
		res.Pages++
	}
	return res
}
