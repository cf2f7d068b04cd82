package build

import (
	"fmt"
	"html/template"
	"reflect"
	"strconv"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/ugc"
)

// collect turns loaded files into the site's pages: drafts and scheduled
// pages dropped (see published), duplicate IDs and pages outside a known country reported, reader
// reviews added.
func (b *Builder) collect(files map[string]*Page, readers []beforetrip.Review) (map[string]*Page, Errors) {
	var errs Errors
	pages := make(map[string]*Page, len(files)+len(readers))
	countryFile := map[string]bool{} // countries that have an _index.md, valid or not
	live := map[string]bool{}        // countries that are published
	for path, p := range files {
		switch {
		case p != nil && p.Kind == beforetrip.KindCountry:
			countryFile[p.Country] = true
			if !p.Draft || b.cfg.Drafts {
				live[p.Country] = true
			}
		case p == nil:
			// An invalid file (reported) or an ignored one.
			if rel, ok := b.relPath(path); ok {
				if pl, why := classify(rel); why == "" && pl.kind == beforetrip.KindCountry {
					countryFile[pl.country] = true
				}
			}
		}
	}
	for _, p := range files {
		if p == nil || !b.published(p) {
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
		if !b.ownLanguage(p) {
			continue // a translation for the other language's build
		}
		if other := pages[p.ID]; other != nil && translation(other, p) != nil {
			pages[p.ID] = translation(other, p)
			continue
		}
		if other := pages[p.ID]; other != nil {
			// Two files, one ID: the first by file name keeps it, so the
			// report does not depend on map order.
			first, second := other, p
			if p.File < other.File {
				first, second = p, other
				pages[p.ID] = p
			}
			errs = append(errs, &FileError{File: second.File, Line: 1, Field: "slug", Msg: fmt.Sprintf(
				"page ID %q is already used by %s", p.ID, first.File)})
			continue
		}
		pages[p.ID] = p
	}
	if len(b.readerCache) > 0 {
		current := make(map[uint64]bool, len(readers))
		for i := range readers {
			current[readers[i].ID] = true
		}
		for id := range b.readerCache {
			if !current[id] {
				delete(b.readerCache, id) // deleted in the store
			}
		}
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

// ownLanguage reports whether p is for this build's language: a page's
// translation (<slug>.<lang>.md) is for the build in that language only.
func (b *Builder) ownLanguage(p *Page) bool {
	return p.FileLang == "" || p.FileLang == b.cfg.Language
}

// translation returns which of two pages of their own with one ID the
// build shows when one is the other's translation into the build's
// language (<slug>.<lang>.md beside <slug>.md), else nil.
func translation(a, b *Page) *Page {
	if a.Kind != beforetrip.KindPage || b.Kind != beforetrip.KindPage || (a.FileLang == "") == (b.FileLang == "") {
		return nil
	}
	if a.FileLang != "" {
		return a
	}
	return b
}

// readerPage returns a reader review as a page, from the cache when the
// review did not change: every rebuild reassembles the site, and
// sanitizing every reader review each time would cost more than the rest.
func (b *Builder) readerPage(r *beforetrip.Review) *Page {
	if c, ok := b.readerCache[r.ID]; ok && sameReview(&c.rev, r) {
		return c.page
	}
	p := b.newReaderPage(r)
	if b.readerCache == nil {
		b.readerCache = map[uint64]readerEntry{}
	}
	b.readerCache[r.ID] = readerEntry{rev: *r, page: p}
	return p
}

// readerEntry is a cached reader review page.
type readerEntry struct {
	rev  beforetrip.Review
	page *Page
}

func sameReview(a, b *beforetrip.Review) bool {
	return a.Country == b.Country && a.Title == b.Title && a.Rating == b.Rating && a.Body == b.Body &&
		a.Author == b.Author && a.CreatedAt.Equal(b.CreatedAt) && reflect.DeepEqual(a.EditedAt, b.EditedAt)
}

// newReaderPage renders a reader review as a page; its Markdown goes
// through package ugc (no raw HTML, sanitized).
func (b *Builder) newReaderPage(r *beforetrip.Review) *Page {
	// Reviews stored before titles were cleaned may still hold hidden
	// characters: the page shows the clean title either way.
	title := beforetrip.CleanTitle(r.Title)
	if title == "" {
		title = "#" + strconv.FormatUint(r.ID, 10)
	}
	plain := b.md.PlainText([]byte(r.Body))
	return &Page{ID: r.PageID(), Kind: beforetrip.KindReaderReview, Country: r.Country,
		Section: beforetrip.SectionReviews, Slug: beforetrip.ReaderReviewSlug(r.ID),
		Title: title, Summary: summarize(plain, summaryLen), Lang: beforetrip.PageLang("", title+"\n"+plain, b.cfg.Language),
		Date: r.CreatedAt, Author: r.Author.Username, ReaderID: r.ID, AuthorID: r.Author.ID, Rating: max(1, min(r.Rating, 5)), Edited: r.EditedAt,
		Body: readerHTML(b.ugc, r.Body)}
}

// readerHTML is a stored review's safe HTML. A review written before the
// reader-HTML limits may pass them: it shows as escaped plain text instead
// of failing the build or publishing megabytes.
func readerHTML(r *ugc.Renderer, body string) template.HTML {
	html, err := r.Render(body)
	if err != nil {
		return template.HTML("<p>" + template.HTMLEscapeString(body) + "</p>")
	}
	return template.HTML(html)
}
