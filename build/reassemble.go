package build

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/beforetrip/beforetrip"
)

// reassemble is the fast path for edits that move tips and reviews within
// their lists (title, date, weight, tags, rating, author) without adding
// or removing a page: a full assembly re-collects and re-sorts all 10k
// pages, while here each list the page is in is copied, the page taken
// out and put back at its new place by binary search. Every list is kept
// sorted by a total order, so the result is exactly what assemble
// returns. The previous site is left untouched (the graph compares both).
// It returns nil when the edit is not of that kind; added and gone are the
// outputs this site has and the previous one had not, and the reverse.
func (b *Builder) reassemble(old *site, prevs map[string]*Page, st *state) (s *site, swaps [][2]*Page, added, gone []string) {
	swaps, ok := b.movedPages(old, prevs, st)
	if !ok {
		return nil, nil, nil, nil
	}
	s = &site{pages: maps.Clone(old.pages), home: old.home, countries: old.countries, footer: old.footer,
		lists: maps.Clone(old.lists), tags: old.tags, tagBySlug: old.tagBySlug, counts: st.counts,
		outputs: maps.Clone(old.outputs), lim: old.lim, kinds: old.kinds}
	defer s.setMonth(st.month)    // after the swaps: it lists the new pages
	touched := map[string]*list{} // list key → its copy in s (nil items: emptied)
	for _, sw := range swaps {
		prev, next := sw[0], sw[1]
		s.pages[next.ID] = next
		s.outputs[pagePath(next.ID)] = &output{kind: outPage, tmpl: "single", id: next.ID, page: next}
		in := listKeys(next)
		for _, key := range union(listKeys(prev), in) {
			if key == "month" {
				continue // remade whole by setMonth
			}
			l := touched[key]
			if l == nil {
				l = copyList(old.lists[key], key, s.lim)
				touched[key] = l
			}
			if i := slices.Index(l.items, prev); i >= 0 {
				l.items = slices.Delete(l.items, i, i+1)
			}
			if slices.Contains(in, key) {
				order := listOrder(key, s.counts)
				i, _ := slices.BinarySearchFunc(l.items, next, order)
				l.items = slices.Insert(l.items, i, next)
			}
		}
	}
	var tagsChanged bool
	for key, l := range touched {
		ol := old.lists[key]
		if strings.HasPrefix(key, "tag:") {
			tagsChanged = true
		}
		if len(l.items) == 0 && strings.HasPrefix(key, "tag:") {
			delete(s.lists, key) // a tag's last page left it
			l = nil
		} else {
			s.lists[key] = l
		}
		a, g := s.relist(ol, l)
		added, gone = append(added, a...), append(gone, g...)
	}
	a, g := s.replanOffline(old, st.theme, touched)
	added, gone = append(added, a...), append(gone, g...)
	if tagsChanged {
		s.retag(touched, old)
	}
	s.noteMoves(old, swaps, touched)
	return s, swaps, added, gone
}

// movedPages pairs each page of prevs with the page its file has now. ok
// is false when some edit is not one reassemble handles: a page added,
// removed, renamed or unpublished, not a tip or review, not the one old
// shows, or with other images.
func (b *Builder) movedPages(old *site, prevs map[string]*Page, st *state) (swaps [][2]*Page, ok bool) {
	for path, prev := range prevs {
		next := st.files[path]
		if prev == nil && next == nil {
			continue // an ignored file: no page before or after
		}
		if prev == nil || next == nil || prev.ID != next.ID || prev.Kind != next.Kind ||
			(prev.Kind != beforetrip.KindTip && prev.Kind != beforetrip.KindReview) ||
			old.pages[prev.ID] != prev || !b.published(next) || !slices.Equal(prev.Images, next.Images) {
			return nil, false
		}
		swaps = append(swaps, [2]*Page{prev, next})
	}
	return swaps, true
}

// noteMoves tells s which manifest entries to compute again after swaps,
// the moved pages and the touched tags (the others are old's), and counts
// a tag that appeared or vanished.
func (s *site) noteMoves(old *site, swaps [][2]*Page, touched map[string]*list) {
	// nil when never computed: then computed whole.
	s.metaBase = old.meta
	for _, sw := range swaps {
		s.metaIDs = append(s.metaIDs, sw[1].ID)
	}
	for key, l := range touched {
		if strings.HasPrefix(key, "tag:") {
			s.metaIDs = append(s.metaIDs, "tags/"+key[len("tag:"):])
			if ol := old.lists[key]; (ol == nil) != (l == nil || len(l.items) == 0) {
				s.kinds = maps.Clone(s.kinds)
				if ol == nil {
					s.kinds[beforetrip.KindTag]++
				} else {
					s.kinds[beforetrip.KindTag]--
				}
			}
		}
	}
}

// countsOnly reports whether changes are only like and comment counts.
func countsOnly(changes []beforetrip.Change) bool {
	for _, c := range changes {
		if c.Kind != beforetrip.ChangeLikes && c.Kind != beforetrip.ChangeComments {
			return false
		}
	}
	return true
}

// recount is the fast path for rebuilds caused only by like and comment
// counts, what the live worker runs after every like: the pages, every
// list but the popular ones and the outputs stay; the popular lists, the
// only ones ordered by likes, are copied, re-sorted and their outputs
// pointed at the copies. A full assembly would re-sort every list of the
// site (~150 ms at 10k pages) for each like. The previous site is left
// untouched (the graph compares both).
func recount(old *site, counts map[string]beforetrip.Counts, month map[string]int64) *site {
	s := &site{pages: old.pages, home: old.home, countries: old.countries, footer: old.footer,
		lists: maps.Clone(old.lists), tags: old.tags, tagBySlug: old.tagBySlug, counts: counts,
		outputs: maps.Clone(old.outputs), trips: old.trips, lim: old.lim, kinds: old.kinds}
	s.setMonth(month)
	s.metaBase = old.meta // counts are not in the manifest
	order := byLikes(counts)
	for key, l := range old.lists {
		if kind, _, _ := cutKey(key); kind != "popular" {
			continue
		}
		c := *l
		c.items = slices.Clone(l.items)
		slices.SortFunc(c.items, order)
		s.lists[key] = &c
		// The item count stays, and so do the list's pages.
		for n := 1; n <= l.pages(); n++ {
			path := listPath(l, n)
			if o := s.outputs[path]; o != nil && o.list == l {
				no := *o
				no.list = &c
				s.outputs[path] = &no
			}
		}
	}
	return s
}

// copyList returns a copy of l that can be changed without touching the
// previous site, or a new empty tag list when there was none.
func copyList(l *list, key string, lim limits) *list {
	if l == nil {
		return &list{key: key, id: "tags/" + key[len("tag:"):], per: lim.perPage}
	}
	c := *l
	c.items = slices.Clone(l.items)
	return &c
}

// listOrder is the order assemble sorts list key in.
func listOrder(key string, counts map[string]beforetrip.Counts) func(a, b *Page) int {
	switch kind, _, _ := cutKey(key); kind {
	case "latest":
		return byNewest
	case "popular":
		return byLikes(counts)
	}
	return byListOrder
}

// relist points the outputs of list l (nil: removed) at the new list
// object and drops the pagination pages it no longer has. It returns the
// output paths that are new and those that are gone.
func (s *site) relist(ol, l *list) (added, gone []string) {
	n := 0
	if l != nil && l.id != "" {
		n = l.pages()
		for i := 1; i <= n; i++ {
			id := l.id
			if i > 1 {
				id = pagerID(l.id, i)
			}
			s.outputs[listPath(l, i)] = &output{kind: outList, tmpl: "list", id: id, list: l, n: i}
			if ol == nil || i > ol.pages() {
				added = append(added, listPath(l, i))
			}
		}
	}
	if ol != nil && ol.id != "" {
		for i := n + 1; i <= ol.pages(); i++ {
			p := listPath(ol, i)
			delete(s.outputs, p)
			gone = append(gone, p)
		}
	}
	return added, gone
}

// retag rebuilds the tag index for the touched tag lists: a tag's name is
// the spelling of its first page by ID, which an edit may change.
func (s *site) retag(touched map[string]*list, old *site) {
	s.tagBySlug = maps.Clone(old.tagBySlug)
	for key := range touched {
		slug, ok := strings.CutPrefix(key, "tag:")
		if !ok {
			continue
		}
		l := s.lists[key]
		if l == nil {
			delete(s.tagBySlug, slug)
			continue
		}
		first := slices.MinFunc(l.items, func(a, b *Page) int { return strings.Compare(a.ID, b.ID) })
		name := slug
		for _, t := range first.Tags {
			if t.Slug == slug {
				name = t.Name
			}
		}
		s.tagBySlug[slug] = &tagInfo{Name: name, Slug: slug, list: l}
	}
	s.tags = slices.Collect(maps.Values(s.tagBySlug))
	slices.SortFunc(s.tags, func(a, b *tagInfo) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Slug, b.Slug))
	})
}

// union returns a followed by the keys of b not in a.
func union(a, b []string) []string {
	for _, k := range b {
		if !slices.Contains(a, k) {
			a = append(a, k)
		}
	}
	return a
}
