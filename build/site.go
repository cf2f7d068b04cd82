package build

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/beforetrip/beforetrip"
)

// limits are the list sizes. Global lists are paginated or truncated so a
// 10k-page site never produces multi-megabyte list pages. Tests shrink them
// to exercise pagination and truncation on a small site.
type limits struct {
	perPage        int // section and tag lists
	homeLatest     int // newest items on the home page
	countryLatest  int // items per section on a country page
	popular        int // /countries/<c>/popular/ and /popular/month/
	popularTop     int // items on /popular/ (paginated by perPage)
	homePopular    int // items of /popular/month/ on the home page
	feed           int // entries in /feed.xml
	popularJSONTop int // items in popular.json
	popularJSONPer int // per-country items in popular.json
}

var defaultLimits = limits{perPage: 50, homeLatest: 10, countryLatest: 10, popular: 50, popularTop: 500,
	homePopular: 5, feed: 50, popularJSONTop: 100, popularJSONPer: 10}

// list is one ordered collection of pages shown somewhere. Paginated
// lists (per > 0) span pages; the others show their first limit items. A
// paginated list with a limit (/popular/) spans the pages of its first
// limit items only: a like that lifts a page from the unliked tail then
// re-renders a bounded number of pages.
type list struct {
	key   string // graph key, e.g. "section:japan/tips", "tag:food", "latest"
	id    string // page ID of its first page; "" for lists that are not pages
	per   int    // items per page when paginated
	limit int    // shown items when truncated (0 = all)
	items []*Page
}

func newList(key, id string, items []*Page) *list {
	return &list{key: key, id: id, items: items}
}

// seeded returns items in the order of the previous site's list key (new
// pages last), or as given without a previous site.
func seeded(prev *site, key string, pages map[string]*Page, items []*Page) []*Page {
	if prev == nil || prev.lists[key] == nil {
		return slices.Clone(items)
	}
	out := make([]*Page, 0, len(items))
	for _, p := range prev.lists[key].items {
		if np := pages[p.ID]; np != nil && np.isItem() {
			out = append(out, np)
		}
	}
	if len(out) == len(items) {
		return out // the previous list held every item (IDs are unique)
	}
	seen := make(map[string]bool, len(out))
	for _, p := range out {
		seen[p.ID] = true
	}
	for _, p := range items {
		if !seen[p.ID] {
			out = append(out, p)
		}
	}
	return out
}

// index returns the position of id, or -1. A linear scan: the graph asks
// a handful of times per rebuild, cheaper than indexing every list.
func (l *list) index(id string) int {
	if l == nil {
		return -1
	}
	for i, p := range l.items {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// pages is the number of pages of a paginated list (at least 1).
func (l *list) pages() int {
	n := l.len()
	if l.per == 0 || n == 0 {
		return 1
	}
	return (n + l.per - 1) / l.per
}

// len is the number of items the list shows, on all its pages.
func (l *list) len() int {
	if l.limit > 0 {
		return min(l.limit, len(l.items))
	}
	return len(l.items)
}

// shown returns the visible items: page n (1-based) of a paginated list,
// or the first limit items.
func (l *list) shown(n int) []*Page {
	all := l.items[:l.len()]
	if l.per > 0 {
		lo := min((n-1)*l.per, len(all))
		return all[lo:min(lo+l.per, len(all))]
	}
	return all
}

// site is the assembled site: every page and every list, derived from the
// loaded pages, the counts and the reader reviews. Assembly is cheap (no
// rendering), so it is redone whole on every build; the graph decides what
// is rendered again.
type site struct {
	pages     map[string]*Page
	home      *Page
	countries []*Page          // by name
	footer    []*Page          // pages of their own linked from every footer (byFooterOrder)
	lists     map[string]*list // by key
	tags      []*tagInfo       // by name
	tagBySlug map[string]*tagInfo
	counts    map[string]beforetrip.Counts
	month     map[string]int64   // likes in the window (SiteData.LikesSince)
	outputs   map[string]*output // by output path
	trips     map[string]string  // country → URL of its offline list; nil without offline outputs
	lim       limits
	kinds     map[string]int // manifest pages per kind (Result.Kinds); shared, never changed in place

	metaOnce sync.Once
	meta     *keptJSON[beforetrip.PageMeta] // the manifest's pages; nil until computed
	metaErr  error
	// metaBase, when set, is the previous site's manifest: only the
	// entries of metaIDs are computed again (see manifestPages).
	metaBase *keptJSON[beforetrip.PageMeta]
	metaIDs  []string
}

// tagInfo is one tag: its display name (the spelling of its first page by
// ID, so it is stable) and its list.
type tagInfo struct {
	Name, Slug string
	list       *list
}

// byListOrder sorts weighted pages first (ascending), then newest first,
// then by title and ID so the order is total.
func byListOrder(a, b *Page) int {
	aw, bw := a.Weight != 0, b.Weight != 0
	if aw != bw {
		if aw {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.Weight, b.Weight); c != 0 {
		return c
	}
	return byNewest(a, b)
}

// footerOf returns the pages of their own that every footer links, in
// byFooterOrder.
func footerOf(pages map[string]*Page) []*Page {
	var out []*Page
	for _, p := range pages {
		if p.Kind == beforetrip.KindPage && p.Footer {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, byFooterOrder)
	return out
}

// byFooterOrder sorts the footer's pages: weighted first (ascending),
// then by title and ID.
func byFooterOrder(a, b *Page) int {
	aw, bw := a.Weight != 0, b.Weight != 0
	if aw != bw {
		if aw {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.Weight, b.Weight), strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
}

// byNewest sorts newest first; ties by title, then ID.
func byNewest(a, b *Page) int {
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	if c := strings.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// byLikes sorts in beforetrip.ComparePopular order, the store's order, so
// /popular/ and /api/popular agree on ties.
func byLikes(counts map[string]beforetrip.Counts) func(a, b *Page) int {
	return func(a, b *Page) int {
		return beforetrip.ComparePopular(
			beforetrip.PopularItem{ID: a.ID, Likes: counts[a.ID].Likes, Date: a.Date},
			beforetrip.PopularItem{ID: b.ID, Likes: counts[b.ID].Likes, Date: b.Date})
	}
}

// assemble builds the site from its pages; offline says whether it has
// the outputs of offline reading (production builds). prev, the site of the last
// build (nil for a full build), only seeds the order of the big lists:
// pdqsort is near-linear on nearly sorted input, so a one-page rebuild does
// not pay for sorting 10k pages from scratch.
func assemble(pages map[string]*Page, counts map[string]beforetrip.Counts, month map[string]int64, th *theme, prev *site, lim limits, offline bool) *site {
	s := &site{pages: pages, lists: map[string]*list{}, tagBySlug: map[string]*tagInfo{}, counts: counts, lim: lim}
	s.setMonth(month)
	var items []*Page
	for _, p := range pages {
		switch p.Kind {
		case beforetrip.KindHome:
			s.home = p
		case beforetrip.KindCountry:
			s.countries = append(s.countries, p)
		case beforetrip.KindPage:
		default:
			items = append(items, p)
		}
	}
	s.footer = footerOf(pages)
	slices.SortFunc(s.countries, func(a, b *Page) int {
		return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	latest := seeded(prev, "latest", pages, items)
	slices.SortFunc(latest, byNewest)
	s.lists["latest"] = newList("latest", "", latest)
	pop := seeded(prev, "popular", pages, items)
	slices.SortFunc(pop, byLikes(counts))
	s.lists["popular"] = &list{key: "popular", id: "popular", per: lim.perPage, limit: lim.popularTop, items: pop}
	// Buckets filled in list order arrive (nearly) sorted too.
	bySection := map[string][]*Page{}
	byTag := map[string][]*Page{}
	for _, p := range latest {
		bySection[p.Country+"/"+p.Section] = append(bySection[p.Country+"/"+p.Section], p)
		for _, t := range p.Tags {
			byTag[t.Slug] = append(byTag[t.Slug], p)
		}
	}
	byCountry := map[string][]*Page{}
	for _, p := range pop {
		byCountry[p.Country] = append(byCountry[p.Country], p)
	}
	for _, c := range s.countries {
		for _, sec := range []string{beforetrip.SectionTips, beforetrip.SectionReviews} {
			ps := bySection[c.Country+"/"+sec]
			slices.SortFunc(ps, byListOrder)
			s.lists["section:"+c.Country+"/"+sec] = &list{key: "section:" + c.Country + "/" + sec, id: c.ID + "/" + sec, per: lim.perPage, items: ps}
		}
		s.lists["popular:"+c.Country] = &list{key: "popular:" + c.Country, id: c.ID + "/popular", limit: lim.popular,
			items: byCountry[c.Country]}
	}
	for slug, ps := range byTag {
		slices.SortFunc(ps, byListOrder)
		first := slices.MinFunc(ps, func(a, b *Page) int { return strings.Compare(a.ID, b.ID) })
		name := slug
		for _, t := range first.Tags {
			if t.Slug == slug {
				name = t.Name
			}
		}
		l := &list{key: "tag:" + slug, id: "tags/" + slug, per: lim.perPage, items: ps}
		s.lists[l.key] = l
		ti := &tagInfo{Name: name, Slug: slug, list: l}
		s.tags = append(s.tags, ti)
		s.tagBySlug[slug] = ti
	}
	slices.SortFunc(s.tags, func(a, b *tagInfo) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Slug, b.Slug))
	})
	s.outputs = planOutputs(s, th, offline)
	s.kinds = countKinds(s.outputs)
	return s
}
