package build

import (
	"cmp"
	"context"
	"maps"
	"reflect"
	"slices"

	"github.com/beforetrip/beforetrip"
)

// reloadData re-reads what the API announced as changed, and only that:
// the counts of the pages the changes name and the reader reviews they
// name (a deleted review also drops its page's likes and comments). It
// returns the pages whose counts were read, or nil when everything was
// re-read (a change that names nothing).
func (b *Builder) reloadData(ctx context.Context, changes []beforetrip.Change, st *state) ([]string, error) {
	if b.data == nil || len(changes) == 0 {
		return nil, nil
	}
	var pages []string
	var reviews []uint64
	for _, c := range changes {
		_, id, isReview := beforetrip.ParseReaderReviewID(c.Page)
		switch {
		case c.Page != "" && (c.Kind == beforetrip.ChangeLikes || c.Kind == beforetrip.ChangeComments):
			pages = append(pages, c.Page)
		case c.Kind == beforetrip.ChangeReview && isReview:
			pages, reviews = append(pages, c.Page), append(reviews, id)
		default:
			return nil, b.loadData(ctx, st)
		}
	}
	counts, err := b.data.CountsOf(ctx, pages)
	if err != nil {
		return nil, err
	}
	// A copy: the previous site keeps the old counts, to diff against.
	next := maps.Clone(st.counts)
	if next == nil {
		next = map[string]beforetrip.Counts{}
	}
	for _, id := range pages {
		if c, ok := counts[id]; ok {
			next[id] = c
		} else {
			delete(next, id)
		}
	}
	st.counts = next
	if len(reviews) > 0 {
		if st.readers, err = b.readersWith(ctx, st.readers, reviews); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// readersWith returns a copy of readers (newest first) with the reviews
// ids read again: replaced, added in order, or dropped when no longer
// published.
func (b *Builder) readersWith(ctx context.Context, readers []beforetrip.Review, ids []uint64) ([]beforetrip.Review, error) {
	out := slices.Clone(readers)
	for _, id := range ids {
		r, err := b.data.ReaderReview(ctx, id)
		if err != nil && beforetrip.ErrorCode(err) != beforetrip.ENOTFOUND {
			return nil, err
		}
		i := slices.IndexFunc(out, func(x beforetrip.Review) bool { return x.ID == id })
		switch {
		case err != nil && i >= 0:
			out = slices.Delete(out, i, i+1)
		case err != nil:
		case i >= 0:
			out[i] = *r
		default:
			at, _ := slices.BinarySearchFunc(out, id, func(x beforetrip.Review, id uint64) int { return cmp.Compare(id, x.ID) })
			out = slices.Insert(out, at, *r)
		}
	}
	return out, nil
}

// dataEffects diffs counts and reader reviews between the two sites:
// the counts of touched pages, or of every page when touched is nil.
func (b *Builder) dataEffects(g *graph, old, s *site, touched []string) {
	ids := touched
	if ids == nil && !maps.Equal(old.counts, s.counts) {
		for id := range old.counts {
			ids = append(ids, id)
		}
		for id := range s.counts {
			if _, ok := old.counts[id]; !ok {
				ids = append(ids, id)
			}
		}
	}
	for _, id := range ids {
		o, n := old.counts[id], s.counts[id]
		var ef effect
		if o.Likes != n.Likes {
			ef |= efLikes
		}
		if o.Comments != n.Comments {
			ef |= efComments
		}
		if ef != 0 && (old.pages[id] != nil || s.pages[id] != nil) {
			g.page(id, ef)
		}
	}
	for id, p := range s.pages {
		if p.Kind == beforetrip.KindReaderReview && !sameReader(old.pages[id], p) {
			g.page(id, diffPage(old.pages[id], p))
		}
	}
	for id, p := range old.pages {
		if p.Kind == beforetrip.KindReaderReview && s.pages[id] == nil {
			g.page(id, diffPage(p, nil))
		}
	}
}

func sameReader(a, b *Page) bool {
	return a != nil && b != nil && a.Title == b.Title && a.Body == b.Body && a.Rating == b.Rating &&
		reflect.DeepEqual(a.Edited, b.Edited) && a.Date.Equal(b.Date) && a.Author == b.Author
}
