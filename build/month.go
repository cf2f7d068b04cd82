package build

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/beforetrip/beforetrip"
)

// The window ranking: /popular/month/ ranks tips and reviews by the likes
// made in the last beforetrip.PopularWindow, in beforetrip.ComparePopular
// order; the home page shows its first homePopular items.

// monthID is the page ID of the window ranking.
const monthID = "popular/month"

// monthRefresh is how stale the window counts may grow without a like: a
// rebuild after that reads them again, and NextScheduled asks the live
// worker for one, so likes age out of the window at least daily.
const monthRefresh = 24 * time.Hour

// byMonth sorts in ComparePopular order by the likes in the window.
func byMonth(month map[string]int64) func(a, b *Page) int {
	return func(a, b *Page) int {
		return beforetrip.ComparePopular(
			beforetrip.PopularItem{ID: a.ID, Likes: month[a.ID], Date: a.Date},
			beforetrip.PopularItem{ID: b.ID, Likes: month[b.ID], Date: b.Date})
	}
}

// setMonth sets the window counts and (re)makes the window ranking from
// them and s.pages, with its output: it reads the pages liked in the
// window only, so every assembly path (full, reassembled, recounted) can
// redo it.
func (s *site) setMonth(month map[string]int64) {
	s.month = month
	var items []*Page
	for id, n := range month {
		if p := s.pages[id]; p != nil && p.isItem() && n > 0 {
			items = append(items, p)
		}
	}
	slices.SortFunc(items, byMonth(month))
	l := &list{key: "month", id: monthID, limit: s.lim.popular, items: items}
	s.lists["month"] = l
	if s.outputs != nil {
		s.outputs[pagePath(monthID)] = &output{kind: outList, tmpl: "list", id: monthID, list: l, n: 1}
	}
}

// readMonth reads the window counts as of b.asOf into st.
func (b *Builder) readMonth(ctx context.Context, st *state) error {
	st.month, st.monthAt = nil, b.asOf
	if b.data == nil {
		return nil
	}
	m, err := b.data.LikesSince(ctx, beforetrip.WindowStart(b.asOf))
	if err != nil {
		return fmt.Errorf("build: site data: likes in the window: %w", err)
	}
	st.month = m
	return nil
}

// monthEffects marks the window ranking's page, and the home page, when
// what they show of it changed: order, items or window counts (a like, or
// likes ageing out). Edits of the pages it lists reach it through the
// graph's "month" list like any other list.
func (g *graph) monthEffects() {
	ol, nl := g.old.lists["month"], g.new.lists["month"]
	if ol == nil || nl == nil {
		g.add(pagePath(monthID))
		g.add(pagePath(""))
		return
	}
	same := func(n int) bool {
		a, b := head(ol.items, n), head(nl.items, n)
		return slices.Equal(a, b) && slices.EqualFunc(a, b, func(x, y *Page) bool {
			return g.old.month[x.ID] == g.new.month[y.ID] && g.old.counts[x.ID] == g.new.counts[y.ID]
		})
	}
	if !same(nl.limit) {
		g.add(pagePath(monthID))
	}
	if !same(g.new.lim.homePopular) {
		g.add(pagePath(""))
	}
}

// monthMoved reports whether the window counts differ between two reads.
func monthMoved(a, b map[string]int64) bool { return !maps.Equal(a, b) }
