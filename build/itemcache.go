package build

import (
	"encoding/binary"
	"html/template"

	"github.com/cespare/xxhash/v2"

	"github.com/beforetrip/beforetrip"
)

// A full build renders every list page (their counts may have moved), and
// most of that was the list entries: partials/item.html for each of 10k
// pages, plain and Sub, about 40 % of a restart's CPU once the search
// index was kept (searchkeep.go). An entry shows its page, cover, country,
// the theme and its counts; the render cache's renderKey covers all of
// those but the counts. So a tip's or review's cache entry keeps its list
// entries with the key (renderKey and counts) they were rendered with, and
// the next full build takes them where the key is the same.

// cachedItem is a list entry as the render cache keeps it.
type cachedItem struct {
	key  uint64 // itemKey it was rendered with; 0: none
	html string
}

// itemKey identifies what a page's list entry shows besides the page:
// render (its renderKey: theme and country page) and its counts.
func itemKey(render uint64, c beforetrip.Counts) uint64 {
	var b [24]byte
	binary.LittleEndian.PutUint64(b[:], render)
	binary.LittleEndian.PutUint64(b[8:], uint64(c.Likes))
	binary.LittleEndian.PutUint64(b[16:], uint64(c.Comments))
	return max(1, xxhash.Sum64(b[:]))
}

// itemHTMLKey is the key of a page's list entry in Builder.itemHTML.
func itemHTMLKey(id string, sub bool) string {
	if sub {
		return id + "\x00sub"
	}
	return id
}

// seedItems hands itemsHTML the list entries of p (a page from the render
// cache, rendered or kept with renderKey render) that the cache has for
// its counts now.
func (e *earlyPages) seedItems(p, country *Page, render uint64) {
	counts := e.pre.counts[p.ID]
	key := itemKey(render, counts)
	for i, it := range p.cached.items {
		if it.key == key {
			e.b.itemHTML.Store(itemHTMLKey(p.ID, i == 1), itemEntry{page: p, country: country, counts: counts,
				th: e.r.th, html: template.HTML(it.html)})
		}
	}
}

// saveItems records in p's cache entry the list entries this build has
// for p (rendered or seeded), before the cache is saved.
func (b *Builder) saveItems(p *Page) {
	c := p.cached
	if c.render == 0 {
		return
	}
	for i := range c.items {
		v, ok := b.itemHTML.Load(itemHTMLKey(p.ID, i == 1))
		if !ok {
			continue
		}
		e := v.(itemEntry)
		if e.page != p || e.th != b.theme {
			continue
		}
		if it := (cachedItem{key: itemKey(c.render, e.counts), html: string(e.html)}); it != c.items[i] {
			c.items[i], c.raw = it, ""
		}
	}
}
