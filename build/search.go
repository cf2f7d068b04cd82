package build

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// pageSearch is what the search index keeps of a page: its analysed text
// (computed once, while its HTML is at hand) and the doc with its
// country's names added. Once that doc is made, the one without the
// names is dropped, kept as undo, the few terms that give it back: two
// docs per page were half of the index's memory.
type pageSearch struct {
	doc  *search.Doc // the page's own terms; nil once full differs from it
	full *search.Doc
	undo []search.Term // full.WithoutContext(undo) is the page's own doc
	ctx  *searchCtx    // what full was made with
	// A page from the render cache has only raw, its own doc encoded,
	// until the index needs the doc (a restart that keeps the published
	// index never does).
	raw string
	sum uint64 // docSum of the page's own doc; 0: not known yet
}

// analysed reports whether the page's doc is in memory (doc or full).
func (ps *pageSearch) analysed() bool { return ps.doc != nil || ps.full != nil }

// plain returns the page's doc without its country's names.
func (ps *pageSearch) plain() *search.Doc {
	if ps.doc != nil {
		return ps.doc
	}
	return ps.full.WithoutContext(ps.undo)
}

// indexed returns the doc the index holds for the page: with the names
// of its country (ctx) unless it is a country page.
func (ps *pageSearch) indexed(country bool, ctx *searchCtx) *search.Doc {
	if ps.full == nil || ps.ctx != ctx {
		doc := ps.plain()
		ps.full, ps.undo, ps.ctx = doc, nil, ctx
		if !country && ctx != nil {
			ps.full, ps.undo = doc.WithContext(ctx.terms)
			doc = nil
		}
		ps.doc = doc
	}
	return ps.full
}

// searchCtx is a country's names as its pages are indexed with them.
type searchCtx struct {
	key   string
	terms *search.Context // search.ContextTerms of the names
}

// indexed reports whether a page is in the search index: countries, tips
// and reviews (reader reviews included), pages of their own.
func indexed(p *Page) bool {
	return p.Kind == beforetrip.KindCountry || p.Kind == beforetrip.KindPage || p.isItem()
}

// analyse computes p's search doc from its HTML; a page whose HTML was
// dropped after rendering is read again.
func (b *Builder) analyse(p *Page) error {
	if p.search.analysed() || !indexed(p) || b.noIndex {
		return nil
	}
	if raw := p.search.raw; raw != "" {
		p.search.raw = ""
		d := decoder{s: raw}
		if doc := d.doc(); d.err == nil && d.s == "" {
			p.search.doc = doc
			return nil
		}
		p.search.sum = 0 // not a doc: analysed again below
	}
	body, _, err := b.pageBody(p)
	if err != nil {
		return err
	}
	headings, text := search.PlainText(string(body))
	src := search.Source{ID: p.ID, URL: beforetrip.PageURL(p.ID), Title: p.Title, Country: p.Country,
		Section: p.Section, Date: p.Date, Headings: headings, Body: text}
	for _, t := range p.Tags {
		src.Tags = append(src.Tags, t.Name)
	}
	if c := p.Checklist; c != nil {
		src.Names = countryNames(p)
		facts := []string{c.Capital, strings.Join(c.Languages, ", "), c.Currency.Name, c.Currency.Code,
			c.Visa, c.Tipping, c.SIM, c.TapWaterNote, c.BestTime, text}
		src.Body = strings.Join(slices.DeleteFunc(facts, func(s string) bool { return s == "" }), " ")
	}
	p.search.doc = search.NewDoc(src)
	return nil
}

// docSum returns a sum of p's own search doc, analysing p if need be:
// what the index key (searchkeep.go) knows of the page. A doc of the
// render cache is known by the sum of its bytes there (set when read or
// written, else computed here alike); any other by canonicalSum.
func (b *Builder) docSum(p *Page) (uint64, error) {
	if p.search.sum == 0 {
		if err := b.analyse(p); err != nil {
			return 0, err
		}
		if p.cached != nil && p.search.analysed() {
			p.search.sum = encodedDocSum(&p.search)
		} else {
			p.search.sum = canonicalSum(p.search.plain())
		}
	}
	return p.search.sum, nil
}

// canonicalSum hashes doc the same in every process: its fields as the
// render cache encodes them, then its terms in byte order. The cache's
// encoding lists the terms in the order of their IDs, which are the
// process's own: a country page analysed again by a restart would not
// hash as it did in the build that recorded the key.
func canonicalSum(doc *search.Doc) uint64 {
	if doc == nil {
		return 1
	}
	type termField struct {
		term  string
		field search.Field
	}
	var terms []termField
	doc.TermStrings(func(t string, f search.Field) { terms = append(terms, termField{t, f}) })
	slices.SortFunc(terms, func(a, b termField) int { return strings.Compare(a.term, b.term) })
	fields := *doc
	fields.Terms = nil
	var e encoder
	e.doc(&fields)
	for _, t := range terms {
		e.str(t.term)
		e.uint(uint64(t.field))
	}
	return xxhash.Sum64(e.b)
}

// docEncoders are encoders whose buffers have grown to a doc's size.
var docEncoders = sync.Pool{New: func() any { return new(encoder) }}

// encodedDocSum is the XXH64 of a page's own doc as the render cache
// keeps it (encoder.pageDoc): what a restart reads back as its docSum.
func encodedDocSum(ps *pageSearch) uint64 {
	e := docEncoders.Get().(*encoder)
	e.b = e.b[:0]
	e.pageDoc(ps)
	sum := xxhash.Sum64(e.b)
	docEncoders.Put(e)
	return sum
}

// countryNames are a country page's title, native name and Korean names
// (its name_ko, then the search package's table).
func countryNames(c *Page) []string {
	names := []string{c.Title}
	if c.Checklist != nil {
		names = append(names, c.Checklist.NativeName)
		if c.Checklist.NameKo != "" {
			names = append(names, c.Checklist.NameKo)
		}
		names = append(names, search.KoreanNames(c.Checklist.Name)...)
		if c.Checklist.Name != c.Title {
			names = append(names, search.KoreanNames(c.Title)...)
		}
	}
	return names
}

// searchDocs returns the docs of every indexed page of s and its
// countries, reusing what earlier builds computed.
func (b *Builder) searchDocs(s *site) ([]*search.Doc, []search.Country, error) {
	ctxs := map[string]*searchCtx{}
	var countries []search.Country
	for _, c := range s.countries {
		names := slices.Compact(countryNames(c))
		key := strings.Join(names, "\x00")
		old := b.searchCtxs[c.Country]
		if old == nil || old.key != key {
			old = &searchCtx{key: key, terms: search.ContextTerms(names)}
		}
		ctxs[c.Country] = old
		countries = append(countries, search.Country{Slug: c.Country, Name: c.Title, Names: names[1:]})
	}
	b.searchCtxs = ctxs
	docs := make([]*search.Doc, 0, len(s.pages))
	for _, p := range s.pages {
		if !indexed(p) {
			continue
		}
		if err := b.analyse(p); err != nil {
			return nil, nil, err
		}
		docs = append(docs, p.search.indexed(p.Kind == beforetrip.KindCountry, ctxs[p.Country]))
	}
	return docs, countries, nil
}

// syncSearch brings the search index up to date with s (a fresh index
// when idx is new), adds its files to s's outputs and marks the changed
// ones in dirty (nil: a full build renders them all). It returns the
// index files published before that s no longer has.
func (b *Builder) syncSearch(s *site, idx *search.Index, dirty map[string]bool) ([]string, error) {
	if b.noIndex {
		return nil, nil
	}
	docs, countries, err := b.searchDocs(s)
	if err != nil {
		return nil, fmt.Errorf("build: search index: %w", err)
	}
	idx.Sync(docs, countries)
	return b.searchOutputs(s, idx, dirty, false), nil
}

// syncSearchPages is syncSearch for a rebuild that kept the set of pages
// and changed only the pages ids (their file or their counts), none of
// them a country (whose names its pages are indexed with): only those
// pages are analysed and handed to the index, instead of walking all
// 10k (a third of a one-file rebuild). s's outputs hold the index files
// of the last build.
func (b *Builder) syncSearchPages(s *site, ids []string, dirty map[string]bool) ([]string, error) {
	if b.noIndex {
		return nil, nil
	}
	var put []*search.Doc
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		p := s.pages[id]
		if p == nil || p.Kind == beforetrip.KindCountry {
			return b.syncSearch(s, b.search, dirty)
		}
		if !indexed(p) {
			continue
		}
		if err := b.analyse(p); err != nil {
			return nil, fmt.Errorf("build: search index: %w", err)
		}
		put = append(put, p.search.indexed(false, b.searchCtxs[p.Country]))
	}
	b.search.Put(put)
	return b.searchOutputs(s, b.search, dirty, true), nil
}

// searchOutputs makes idx's files s's outputs, marking the changed ones
// in dirty (nil: a full build renders them all), and returns those
// published before that idx no longer has. kept says s's outputs already
// hold the files published last: only the changed ones are set.
func (b *Builder) searchOutputs(s *site, idx *search.Index, dirty map[string]bool, kept bool) []string {
	files := idx.Files()
	var gone []string
	for p := range b.searchFiles {
		if _, ok := files[p]; !ok {
			delete(s.outputs, p)
			gone = append(gone, p)
		}
	}
	for p, data := range files {
		old, ok := b.searchFiles[p]
		changed := !ok || !bytes.Equal(old, data)
		if changed || !kept {
			s.outputs[p] = &output{kind: outSearch, data: data}
		}
		if changed && dirty != nil {
			dirty[p] = true
		}
	}
	b.nextSearchFiles = files
	return gone
}
