package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/beforetrip/beforetrip"
)

// PageIndex implements beforetrip.PageIndex: the pages of the builder's
// last build plus reader reviews from the store. Reader reviews are pages
// as soon as the store has them (and their country exists), before any
// rebuild, so they can be liked and commented at once.
//
// In serve and api the builder runs in the same process and hands its
// pages over after each build (Set). The manifest on disk is read once at
// start (NewPageIndex), because until the first build succeeds the site
// on disk is what readers see, and by processes without a builder
// (tests, benchmarks) through Reload.
type PageIndex struct {
	path    string
	reviews beforetrip.ReviewService

	// pages is replaced whole by each build and read by every request
	// (20 lookups a GET /api/pages): an atomic pointer costs readers a
	// plain load, where an RWMutex made both cores write its counter
	// twice a lookup. The values are pointers into the build's list, so
	// that a group of the map's slots is a few cache lines, not ~1 KB of
	// 120-byte PageMeta: at 10k pages, under wrk, the lookups of a
	// request went from 12.7 to 8.2 µs (16 → 13 % of the read path's CPU;
	// BenchmarkPageIndexLookup20 1.7-2.9 → 0.8-1.1 µs).
	pages atomic.Pointer[map[string]*beforetrip.PageMeta]
}

// NewPageIndex reads <outDir>/.beforetrip-pages.json. An absent manifest
// is an empty site (nothing built yet), not an error; a malformed one is.
func NewPageIndex(outDir string, reviews beforetrip.ReviewService) (*PageIndex, error) {
	p := &PageIndex{path: filepath.Join(outDir, beforetrip.ManifestFile), reviews: reviews}
	if err := p.Reload(); err != nil {
		return nil, err
	}
	return p, nil
}

// Set replaces the static pages with those of a build (build.Result's
// Manifest): the same list the builder writes to the manifest file.
func (p *PageIndex) Set(metas []beforetrip.PageMeta) {
	p.swap(metas)
}

// Reload re-reads the manifest file. On error the previous pages stay in
// place.
func (p *PageIndex) Reload() error {
	data, err := os.ReadFile(p.path)
	if errors.Is(err, fs.ErrNotExist) {
		p.swap(nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("api: page index: %w", err)
	}
	var m beforetrip.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("api: page index %s: %w", p.path, err)
	}
	if m.Version != beforetrip.ManifestVersion {
		return fmt.Errorf("api: page index %s: version %d, want %d", p.path, m.Version, beforetrip.ManifestVersion)
	}
	p.Set(m.Pages)
	return nil
}

// swap makes metas, copied, the static pages.
func (p *PageIndex) swap(metas []beforetrip.PageMeta) {
	own := slices.Clone(metas)
	pages := make(map[string]*beforetrip.PageMeta, len(own))
	for i := range own {
		pages[own[i].ID] = &own[i]
	}
	p.pages.Store(&pages)
}

// Page implements beforetrip.PageIndex. For reader-review IDs
// (countries/<c>/reviews/u-<n>) the store is the authority, even when the
// manifest lists the page: a deleted review stops being a page at once.
func (p *PageIndex) Page(id string) (beforetrip.PageMeta, bool) {
	if country, n, ok := beforetrip.ParseReaderReviewID(id); ok {
		return p.readerReview(country, n)
	}
	if m := p.static(id); m != nil {
		return *m, true
	}
	return beforetrip.PageMeta{}, false
}

// static returns the page of the last build with ID id, nil if none.
func (p *PageIndex) static(id string) *beforetrip.PageMeta {
	if m := p.pages.Load(); m != nil {
		return (*m)[id]
	}
	return nil
}

// Has implements beforetrip.PageIndex: Page without copying the page's
// metadata, for the read path.
func (p *PageIndex) Has(id string) bool {
	if country, n, ok := beforetrip.ParseReaderReviewID(id); ok {
		_, ok := p.readerReview(country, n)
		return ok
	}
	return p.static(id) != nil
}

func (p *PageIndex) readerReview(country string, n uint64) (beforetrip.PageMeta, bool) {
	countryOK := p.static("countries/"+country) != nil
	if !countryOK || p.reviews == nil {
		return beforetrip.PageMeta{}, false
	}
	r, err := p.reviews.ReviewHead(context.Background(), n)
	if err != nil || r.Country != country || !r.Public() {
		return beforetrip.PageMeta{}, false
	}
	id := r.PageID()
	return beforetrip.PageMeta{ID: id, Kind: beforetrip.KindReaderReview, Title: beforetrip.CleanTitle(r.Title),
		URL: beforetrip.PageURL(id), Section: beforetrip.SectionReviews, Country: country,
		Date: r.CreatedAt}, true
}
