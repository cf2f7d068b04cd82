package build

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/sync/errgroup"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/markdown"
)

// Allowed front-matter keys per kind.
var (
	commonKeys  = []string{"title", "date", "summary", "tags", "draft", "weight", "author", "slug", "lang", "cover", "cover_alt"}
	countryKeys = []string{"name", "native_name", "flag", "continent", "capital", "languages", "currency",
		"timezone", "plugs", "voltage", "visa", "emergency", "tipping", "sim", "tap_water", "tap_water_note",
		"driving_side", "best_time", "name_ko", "passport_validity", "arrival_card", "entry", "sources", "changes"}
	// Pages of their own are in no list: no tags, no cover.
	pageKeys    = []string{"title", "date", "summary", "draft", "weight", "author", "slug", "lang", "footer"}
	allowedKeys = map[string]map[string]bool{
		beforetrip.KindHome:    keySet(commonKeys),
		beforetrip.KindPage:    keySet(pageKeys),
		beforetrip.KindTip:     keySet(commonKeys),
		beforetrip.KindReview:  keySet(append([]string{"rating"}, commonKeys...)),
		beforetrip.KindCountry: keySet(append(countryKeys, commonKeys...)),
	}
)

func keySet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// loadFiles loads files on all cores. Drafts come back too (with Draft
// set) so callers decide; problems of every file are collected. emit, if
// set, is called with each loaded page (and a scratch buffer) on the
// worker that loaded it; its error stops the run.
func (b *Builder) loadFiles(ctx context.Context, files []string, workers int, emit func(*Page, *bytes.Buffer) error) ([]*Page, Errors, error) {
	pages := make([]*Page, len(files))
	errs := make([]Errors, len(files))
	var next, done atomic.Int64
	stop := b.showProgress("loading and rendering", &done, len(files))
	defer stop()
	g, gctx := errgroup.WithContext(ctx)
	for range workers {
		g.Go(func() error {
			var buf bytes.Buffer
			for gctx.Err() == nil {
				j := int(next.Add(1) - 1)
				if j >= len(files) {
					return nil
				}
				pages[j], errs[j] = b.loadFile(files[j])
				if emit != nil && pages[j] != nil {
					buf.Reset()
					if err := emit(pages[j], &buf); err != nil {
						return err
					}
				}
				done.Add(1)
			}
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var all Errors
	for _, e := range errs {
		all = append(all, e...)
	}
	return pages, all, nil
}

// loadFile reads, validates and converts one content file. It returns a
// nil page for ignored files and for files with problems.
func (b *Builder) loadFile(path string) (*Page, Errors) {
	rel, ok := b.relPath(path)
	if !ok || ignored(rel) {
		return nil, nil
	}
	file := b.displayPath(rel)
	if owner, image := imageOwner(rel); image {
		if owner == "" {
			return nil, Errors{{File: file, Line: 1, Msg: "an image must be in the folder of the page that shows it: " +
				"content/, countries/<country>/ or a page bundle countries/<country>/tips/<slug>/"}}
		}
		return nil, nil // loaded with the page that shows it
	}
	pl, why := classify(rel)
	if why != "" {
		return nil, Errors{{File: file, Line: 1, Msg: why}}
	}
	if info, err := os.Lstat(path); err == nil && info.Mode()&fs.ModeSymlink != 0 && !b.resolvesInside(path) {
		return nil, Errors{{File: file, Line: 1, Msg: "symbolic link to a file outside the content folder: not followed"}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Errors{{File: file, Line: 1, Msg: "cannot read: " + err.Error()}}
	}
	cacheable := b.rc != nil && (pl.kind == beforetrip.KindTip || pl.kind == beforetrip.KindReview)
	if cacheable {
		if p := b.cachedPage(b.rc, rel, path, data); p != nil {
			return p, nil
		}
	}
	fm, ferr := splitFrontMatter(data)
	if ferr != nil {
		ferr.File = file
		// yaml.v3 may point one line past the end ("unexpected end of
		// stream") and counts a lone CR as a line break: stay in the file.
		ferr.Line = max(1, min(ferr.Line, bytes.Count(data, []byte("\n"))+1))
		return nil, Errors{ferr}
	}
	r := newFieldReader(file, fm, allowedKeys[pl.kind])
	p := &Page{Kind: pl.kind, Country: pl.country, Section: pl.section, Slug: pl.slug, File: file, Path: path, FileLang: pl.lang,
		src: xxhash.Sum64(data)}
	b.readCommon(r, p)
	b.readKindFields(r, p, fm)
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	cover := b.readCover(r, p)
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	deps, errs := b.convertBody(p, fm, cover)
	if errs != nil {
		return nil, errs
	}
	if cacheable {
		p.cached = newCacheEntry(rel, p, data, cover, deps)
	}
	return p, nil
}

// readKindFields reads the fields only pages and countries have, gives p
// its ID and checks its slugs; problems go to r.errs. It warns about a home
// page with body text, which is no longer shown.
func (b *Builder) readKindFields(r *fieldReader, p *Page, fm *frontMatter) {
	switch p.Kind {
	case beforetrip.KindPage:
		p.Footer = r.boolean("footer")
		if p.Lang == "" {
			p.Lang = p.FileLang
		}
	case beforetrip.KindCountry:
		p.Checklist = readChecklist(r)
		if c := p.Checklist; b.cfg.Language == beforetrip.LangKorean && c.NameKo != "" {
			// The ko build names countries in Korean everywhere.
			if p.Title == "" || p.Title == c.Name {
				p.Title = c.NameKo
			}
			c.Name = c.NameKo
		}
		if p.Title == "" {
			p.Title = p.Checklist.Name
		}
		p.Slug = p.Country
	}
	p.ID = pageID(p)
	checkSlugs(r, p)
	if p.Kind == beforetrip.KindHome && len(bytes.TrimSpace(fm.body)) > 0 {
		// The home page starts with the countries; its introduction moved
		// to a page of its own. A warning, not an error: older sites
		// still build.
		b.log.Warn("build: the home page shows no body text: move it to content/pages/about.md (shown at /about/)",
			"file", p.File)
	}
}

// convertBody renders the page's Markdown and fills in what derives from
// it: body, images, language, table of contents and summary. cover is the
// source file of the cover image, if any. It returns the image files the
// page depends on, for the render cache.
func (b *Builder) convertBody(p *Page, fm *frontMatter, cover string) ([]imageDep, Errors) {
	var imgs imageUse
	doc, err := b.md.ConvertWith(fm.body, b.imageFunc(p.Path, &imgs))
	if err != nil {
		return nil, Errors{{File: p.File, Line: 1, Msg: "render Markdown: " + err.Error()}}
	}
	if errs := b.imageErrors(p.File, fm, doc); len(errs) > 0 {
		return nil, errs
	}
	if p.Cover != nil {
		imgs.add(cover, p.Cover)
	}
	p.Images = imgs.outs
	p.Body = template.HTML(doc.HTML)
	p.Lang = beforetrip.PageLang(p.Lang, p.Title+"\n"+doc.Plain, b.cfg.ContentLanguage)
	p.TOC = tocOf(doc)
	if p.Summary == "" {
		p.Summary = summarize(doc.Plain, summaryLen)
	}
	return imgs.deps, nil
}

// checkSlugs reports a country or slug that is not a valid slug, and a
// review slug reserved for reader reviews (the root package's rules).
func checkSlugs(r *fieldReader, p *Page) {
	for _, seg := range []struct{ name, field string }{{p.Country, ""}, {p.Slug, "slug"}} {
		if p.Kind == beforetrip.KindPage && seg.field == "" {
			continue // in no country
		}
		if p.Kind != beforetrip.KindHome && !beforetrip.ValidSlug(seg.name) {
			line := 1
			if seg.field == "slug" && r.values["slug"] != nil {
				line = r.values["slug"].Line + r.offset
			}
			r.errs = append(r.errs, &FileError{File: r.file, Line: line, Field: seg.field,
				Msg: fmt.Sprintf("%q is not a valid slug: %s", seg.name, beforetrip.SlugRule)})
		}
	}
	if beforetrip.ReservedSlug(p.Kind, p.Slug) {
		msg := beforetrip.ReservedSlugRule
		if p.Kind == beforetrip.KindPage {
			msg = fmt.Sprintf("%q: %s", p.Slug, beforetrip.ReservedPageRule)
		}
		r.errs = append(r.errs, &FileError{File: r.file, Line: 1, Field: "slug", Msg: msg})
	}
}

// pageBody returns a page's HTML and table of contents. Bodies of tips
// and reviews are dropped once rendered in a full build (memory holds
// metadata only), so a later re-render converts the file again.
func (b *Builder) pageBody(p *Page) (template.HTML, []markdown.Heading, error) {
	if p.Body != "" || p.Path == "" {
		return p.Body, p.TOC, nil
	}
	data, err := os.ReadFile(p.Path)
	if err != nil {
		return "", nil, fmt.Errorf("build: %s: %w", p.File, err)
	}
	fm, ferr := splitFrontMatter(data)
	if ferr != nil {
		ferr.File = p.File
		return "", nil, ferr
	}
	doc, err := b.md.ConvertWith(fm.body, b.imageFunc(p.Path, nil))
	if err != nil {
		return "", nil, fmt.Errorf("build: %s: %w", p.File, err)
	}
	if errs := b.imageErrors(p.File, fm, doc); len(errs) > 0 {
		return "", nil, errs
	}
	return template.HTML(doc.HTML), tocOf(doc), nil
}

// tocOf returns the table of contents of long pages (3 or more h2/h3).
func tocOf(doc *markdown.Doc) []markdown.Heading {
	if len(doc.TOC) >= 3 {
		return doc.TOC
	}
	return nil
}

// readCommon reads the keys every kind shares.
func (b *Builder) readCommon(r *fieldReader, p *Page) {
	p.Title = r.str("title", p.Kind != beforetrip.KindCountry)
	if c, ok := beforetrip.HiddenIn(p.Title); ok {
		r.errAt(r.values["title"], "title", "contains %U, an invisible or direction-changing character: remove it", c)
	}
	needDate := p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview
	p.Date = r.date("date", needDate)
	p.Summary = r.str("summary", false)
	p.Draft = r.boolean("draft")
	p.Weight, _ = r.integer("weight", false)
	p.Author = r.str("author", false)
	if p.Lang = r.str("lang", false); p.Lang != "" && !beforetrip.ValidLang(p.Lang) {
		r.errAt(r.values["lang"], "lang", "must be a language tag like ko, en or en-GB, got %q", p.Lang)
	}
	if s := r.str("slug", false); s != "" {
		p.Slug = beforetrip.NormalizeSlug(s)
	}
	if p.Kind == beforetrip.KindReview {
		var ok bool
		p.Rating, ok = r.integer("rating", true)
		if n := r.values["rating"]; ok && (p.Rating < 1 || p.Rating > 5) {
			r.errAt(n, "rating", "must be 1 to 5, got %d", p.Rating)
		}
	}
	names := r.strList("tags", false)
	seen := map[string]bool{}
	for i, name := range names {
		slug := tagSlug(name)
		if slug == "" {
			r.errAt(r.values["tags"].Content[i], "tags", "tag %q has no letters or digits", name)
			continue
		}
		if !seen[slug] {
			seen[slug] = true
			p.Tags = append(p.Tags, Tag{Name: name, Slug: slug})
		}
	}
}
