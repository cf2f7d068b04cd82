package build

import (
	"reflect"
	"slices"
	"strconv"

	"github.com/beforetrip/beforetrip"
)

// effect says what about a page changed; the graph maps effects to the
// outputs that show them.
type effect uint8

const (
	efPage       effect = 1 << iota // something only the page itself shows (body, TOC, checklist)
	efSummary                       // its summary: item lists and the feed
	efListing                       // title, date, weight, tags, rating, author, or the page came or went
	efLikes                         // its like count
	efComments                      // its visible comment count
	efChanges                       // a country's changes: /changes/ and the feed
	efEverything                    // a country's name, flag, continent or capital: shown on most pages
)

// diffPage classifies the change from old to new (either may be nil).
func diffPage(old, new *Page) effect {
	if old == nil && new == nil {
		return 0 // e.g. a draft that stays unpublished
	}
	if old == nil || new == nil {
		if p := cmpOr(old, new); p.Kind == beforetrip.KindCountry {
			return efEverything
		}
		return efPage | efSummary | efListing
	}
	var ef effect
	if old.Body != new.Body || !slices.Equal(old.TOC, new.TOC) || !reflect.DeepEqual(old.Checklist, new.Checklist) {
		ef |= efPage
	}
	if old.Summary != new.Summary {
		ef |= efPage | efSummary
	}
	if coverOf(old) != coverOf(new) {
		// Lists show a tip's or review's cover next to its summary, the
		// country grids a country's.
		ef |= efPage | efSummary
	}
	if old.Title != new.Title || !old.Date.Equal(new.Date) || old.Weight != new.Weight ||
		!slices.Equal(old.Tags, new.Tags) || old.Rating != new.Rating || old.Author != new.Author || old.Lang != new.Lang ||
		!reflect.DeepEqual(old.Edited, new.Edited) || old.Footer != new.Footer {
		ef |= efPage | efListing
	}
	if new.Kind == beforetrip.KindCountry && !reflect.DeepEqual(old.Checklist.Changes, new.Checklist.Changes) {
		ef |= efChanges
	}
	if new.Kind == beforetrip.KindCountry && (old.Title != new.Title || shownCountry(old.Checklist) != shownCountry(new.Checklist)) {
		ef |= efEverything
	}
	return ef
}

// footerShown is what the footer shows of a page of its own: nothing
// unless it has `footer: true`, else its title and place.
func footerShown(p *Page) string {
	if p == nil || !p.Footer {
		return ""
	}
	return p.Title + "\x00" + strconv.Itoa(p.Weight)
}

// coverOf identifies what a page's cover shows.
func coverOf(p *Page) string {
	if p.Cover == nil {
		return ""
	}
	return p.Cover.Largest().Out + "\x00" + p.CoverAlt
}

func cmpOr(a, b *Page) *Page {
	if a != nil {
		return a
	}
	return b
}

// shownCountry is what other pages show of a country.
func shownCountry(c *Checklist) [4]string {
	return [4]string{c.Flag, c.NativeName, c.Continent, c.Capital}
}

// graph collects the outputs a set of changes must re-render, comparing
// the site before (old) and after (new).
type graph struct {
	old, new *site
	dirty    map[string]bool
	all      bool
	// added, when known (non-nil), lists the outputs new has and old has
	// not, which spares paths a scan of every output.
	added []string
	// pos indexes the long lists by page ID once looked up a few times:
	// a like storm asks for the place of every page in each of its
	// lists, and a scan each time made that quadratic (6.8 of 9.4 s of
	// CPU at 10k pages); scans counts the lookups by scan per list, as
	// building the map for one edit's lookup cost 7 ms at 10k pages.
	pos   map[*list]map[string]int
	scans map[*list]int
}

// scansBeforeIndex is how many lookups in a long list scan it before
// graph.index builds its map.
const scansBeforeIndex = 8

func newGraph(old, new *site) *graph {
	return &graph{old: old, new: new, dirty: map[string]bool{}}
}

// index is l.index(id), from a map for long lists looked up often.
func (g *graph) index(l *list, id string) int {
	if l == nil || len(l.items) <= 64 {
		return l.index(id)
	}
	m, ok := g.pos[l]
	if !ok && g.scans[l] < scansBeforeIndex {
		if g.scans == nil {
			g.scans = map[*list]int{}
		}
		g.scans[l]++
		return l.index(id)
	}
	if !ok {
		m = make(map[string]int, len(l.items))
		for i, p := range l.items {
			m[p.ID] = i
		}
		if g.pos == nil {
			g.pos = map[*list]map[string]int{}
		}
		g.pos[l] = m
	}
	if i, ok := m[id]; ok {
		return i
	}
	return -1
}

func (g *graph) add(path string) {
	if _, ok := g.new.outputs[path]; ok {
		g.dirty[path] = true
	}
}

// page records that page id changed with effect ef.
func (g *graph) page(id string, ef effect) {
	if ef == 0 {
		return
	}
	if ef&efEverything != 0 {
		g.all = true
		return
	}
	oldP, newP := g.old.pages[id], g.new.pages[id]
	if ef&^(efLikes|efComments) != 0 {
		// A page never shows its own counts: the widget asks the API for
		// them, so a like storm re-renders lists, not every page liked.
		g.add(pagePath(id))
	}
	p := cmpOr(newP, oldP)
	if p.Kind == beforetrip.KindHome {
		if ef&efListing != 0 {
			g.add(pathManifest)
		}
		return
	}
	if p.Kind == beforetrip.KindCountry {
		if ef&efChanges != 0 {
			g.add(pathChanges)
			g.add(pathFeed)
		}
		if ef&efListing != 0 {
			g.add(pathManifest)
			g.add(pathSitemap)
		}
		if ef&efSummary != 0 {
			// Its cover (see diffPage) is in the country grids.
			g.add(pagePath(""))
			g.add(pathCountries)
		}
		return
	}
	if p.Kind == beforetrip.KindPage {
		if footerShown(oldP) != footerShown(newP) {
			g.all = true // every page's footer links it
			return
		}
		if id == aboutPage && (oldP == nil) != (newP == nil) {
			g.add(pagePath("")) // the home page links /about/ when it exists
		}
	}
	if ef&(efListing) != 0 {
		// The manifest lists title and date, the sitemap the date.
		if oldP == nil || newP == nil || oldP.Title != newP.Title || !oldP.Date.Equal(newP.Date) {
			g.add(pathManifest)
		}
		if oldP == nil || newP == nil || !oldP.Date.Equal(newP.Date) {
			g.add(pathSitemap)
		}
	}
	keys := listKeys(oldP)
	for _, k := range listKeys(newP) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		g.list(k, id, ef, p.Country)
	}
}

// listKeys are the lists a page is a member of.
func listKeys(p *Page) []string {
	if p == nil || !p.isItem() {
		return nil
	}
	keys := []string{"latest", "popular", "popular:" + p.Country, "month", "section:" + p.Country + "/" + p.Section}
	for _, t := range p.Tags {
		keys = append(keys, "tag:"+t.Slug)
	}
	return keys
}

// list records that member id of list key changed with effect ef. Each
// list shows some fields of its items: the item partial (section, tag,
// popular pages and the home page) shows summary and counts; the country
// page's compact lists show counts but no summary; the feed shows the
// summary but no counts; popular.json shows counts. It is long because
// it is one switch over the kinds of list, each case the outputs that show
// that list: the rebuild rules for lists read in one place.
func (g *graph) list(key, id string, ef effect, country string) {
	ol, nl := g.old.lists[key], g.new.lists[key]
	oi, ni := g.index(ol, id), g.index(nl, id)
	came, went := oi < 0, ni < 0
	listing := ef&efListing != 0
	counts := ef&(efLikes|efComments) != 0
	summary := ef&efSummary != 0
	member := func(limit int) bool { return (oi >= 0 && oi < limit) || (ni >= 0 && ni < limit) }
	// shown: among the items the list shows, before or after. Each list
	// by its own length: a page that left a list shorter than its old
	// place was shown all the same.
	shown := (oi >= 0 && oi < ol.len()) || (ni >= 0 && ni < nl.len())
	if (ol == nil) != (nl == nil) {
		// The list itself appeared or disappeared (a tag's first or last page).
		g.add(pathTags)
		g.add(pathSitemap)
		g.add(pathManifest)
	}
	kind, _, _ := cutKey(key)
	switch kind {
	case "latest":
		if (listing || summary || counts) && member(g.new.lim.homeLatest) {
			g.add(pagePath(""))
		}
		if (listing || summary) && member(g.new.lim.feed) {
			g.add(pathFeed)
		}
	case "popular":
		if nl == nil {
			return // the country is gone: everything is rendered anyway
		}
		lim := g.new.lim.popularJSONPer
		if key == "popular" {
			lim = g.new.lim.popularJSONTop
		}
		if (listing || summary || counts) && shown {
			g.ranked(ol, nl, oi, ni)
		}
		if (listing || counts) && member(lim) {
			g.add(pathPopularJSON)
		}
	case "month":
		if (listing || summary || counts) && shown {
			g.add(pagePath(nl.id))
		}
		if (listing || summary || counts) && member(g.new.lim.homePopular) {
			g.add(pagePath(""))
		}
	case "section", "tag":
		if kind == "section" && ((listing && (came || went)) || ((listing || counts) && member(g.new.lim.countryLatest))) {
			g.add(pagePath("countries/" + country))
		}
		if kind == "tag" && (came || went) {
			g.add(pathTags)
		}
		if nl == nil {
			return
		}
		if kind == "tag" && ol != nil && g.old.tagBySlug[key[4:]] != nil && g.new.tagBySlug[key[4:]] != nil &&
			g.old.tagBySlug[key[4:]].Name != g.new.tagBySlug[key[4:]].Name {
			// The tag's display name changed: every page of it shows the name.
			g.pages(nl, 0, len(nl.items))
			g.add(pathTags)
			g.add(pathManifest)
			return
		}
		switch {
		case ol == nil || nl.pages() != ol.pages():
			// Every page's pager shows the page count.
			g.pages(nl, 0, len(nl.items))
		case listing && came:
			g.pages(nl, ni, len(nl.items))
		case listing && went:
			g.pages(nl, oi, len(ol.items))
		case listing:
			g.pages(nl, min(oi, ni), max(oi, ni))
		case summary || counts:
			g.pages(nl, ni, ni)
		}
	}
}

// ranked marks the pages of a popular list that show a page that moved
// from oi to ni (-1: not in the list): every position between shifts.
// Positions past what the list shows count as its last one.
func (g *graph) ranked(ol, nl *list, oi, ni int) {
	if nl.per == 0 {
		g.add(pagePath(nl.id))
		return
	}
	if ol == nil || ol.pages() != nl.pages() {
		g.pages(nl, 0, nl.len())
		return
	}
	last := nl.len() - 1
	clamp := func(i int) int {
		if i < 0 || i > last {
			return last
		}
		return i
	}
	g.pages(nl, min(clamp(oi), clamp(ni)), max(clamp(oi), clamp(ni)))
}

// pages marks the pages of a paginated list that show positions lo..hi.
func (g *graph) pages(l *list, lo, hi int) {
	last := min(hi/l.per+1, l.pages())
	for n := lo/l.per + 1; n <= last; n++ {
		g.add(listPath(l, n))
	}
}

func cutKey(key string) (kind, rest string, ok bool) {
	for i := 0; i < len(key); i++ {
		if key[i] == ':' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}
