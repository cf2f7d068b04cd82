package search

import (
	"maps"
	"slices"
)

// update replaces or adds put and removes del (page IDs); only the shards
// whose bytes change are encoded again: a changed page touches the term
// shards of the terms it gained, lost or moved to another field, not of
// every term it has (a typo fix would otherwise re-encode hundreds of
// shards). A change that moves other pages' refs (a hash collision) or
// changes the number of shards rebuilds everything.
func (x *Index) update(put []*Doc, del []string, countries []Country) {
	var named []int // term shards of terms that started or stopped naming a country
	if !slices.EqualFunc(x.countries, countries, func(a, b Country) bool {
		return a.Slug == b.Slug && a.Name == b.Name && slices.Equal(a.Names, b.Names)
	}) {
		x.countries = countries
		defer x.encodeEntry()
		// A term that starts or stops naming a country changes its records.
		nt := nameTerms(countries)
		for t := range x.nameTerms {
			if !nt[t] {
				named = append(named, ShardOf(t, len(x.shards)))
			}
		}
		for t := range nt {
			if !x.nameTerms[t] {
				named = append(named, ShardOf(t, len(x.shards)))
			}
		}
		x.nameTerms = nt
	}
	prevRefs := x.refs
	c := x.swapDocs(put, del)
	if len(c.gone) == 0 && len(c.added) == 0 && len(c.changed) == 0 {
		if len(named) > 0 {
			x.encode(named, nil)
		}
		return
	}
	if c.came && !x.reassignRefs() {
		x.rebuild()
		return
	}
	dirtyT, dirtyD := map[int]bool{}, map[int]bool{}
	for _, s := range named {
		dirtyT[s] = true
	}
	x.unpost(c.gone, prevRefs, dirtyT, dirtyD)
	for _, ch := range c.changed {
		x.repost(ch.old, ch.new, dirtyT, dirtyD)
	}
	x.post(c.added, dirtyT, dirtyD)
	if shardCount(x.nPostings, x.perTerm) != len(x.shards) || shardCount(len(x.docs), x.perDoc) != len(x.dFiles) {
		x.rebuild()
		return
	}
	x.encode(slices.Collect(maps.Keys(dirtyT)), slices.Collect(maps.Keys(dirtyD)))
}

// change is what swapDocs did to x.docs.
type change struct {
	gone, added []*Doc // removed pages, new pages
	changed     []docPair
	came        bool // a page came or went: refs may move
}

// docPair is a page before and after an edit that changed its bytes.
type docPair struct{ old, new *Doc }

// swapDocs puts put and removes del in x.docs. A document with the same
// bytes only swaps its pointer.
func (x *Index) swapDocs(put []*Doc, del []string) change {
	var c change
	for _, id := range del {
		if d := x.docs[id]; d != nil {
			c.gone = append(c.gone, d)
			delete(x.docs, id)
			c.came = true
		}
	}
	for _, d := range put {
		o := x.docs[d.ID]
		switch {
		case o == nil:
			c.added = append(c.added, d)
			c.came = true
		case o.equal(d):
			x.byRef[x.refs[d.ID]] = d // the same bytes: no shard changes
		default:
			c.changed = append(c.changed, docPair{o, d})
		}
		x.docs[d.ID] = d
	}
	return c
}

// reassignRefs gives every document its ref after a page came or went. It
// reports false, changing nothing, when a page that stays would get another
// ref (a hash collision moved it): only a rebuild can follow that.
func (x *Index) reassignRefs() bool {
	refs := assignRefs(x.docs)
	for id, r := range x.refs {
		if nr, ok := refs[id]; ok && nr != r {
			return false
		}
	}
	x.refs = refs
	return true
}

// unpost removes the postings of old (under their refs before the change)
// and marks the term and doc shards it touches in dirtyT and dirtyD.
func (x *Index) unpost(old []*Doc, prevRefs map[string]uint32, dirtyT, dirtyD map[int]bool) {
	for _, d := range old {
		ref := prevRefs[d.ID]
		for _, t := range d.Terms {
			x.unpostTerm(t.id(), ref, dirtyT)
		}
		if x.byRef[ref] == d {
			delete(x.byRef, ref)
		}
		dirtyD[int(ref%uint32(len(x.dFiles)))] = true
	}
}

// post adds the postings of news, in ref order within each term, and marks
// the term and doc shards it touches in dirtyT and dirtyD.
func (x *Index) post(news []*Doc, dirtyT, dirtyD map[int]bool) {
	for _, d := range news {
		ref := x.refs[d.ID]
		x.byRef[ref] = d
		for _, t := range d.Terms {
			x.postTerm(t.id(), posting{ref, meta(t.Field(), d.Date)}, dirtyT)
		}
		dirtyD[int(ref%uint32(len(x.dFiles)))] = true
	}
}

// repost moves a page's postings from old to d (the same ID and ref),
// touching only the terms whose posting differs: both term lists are sorted,
// so one merge finds the terms lost, gained and changed.
func (x *Index) repost(old, d *Doc, dirtyT, dirtyD map[int]bool) {
	ref := x.refs[d.ID]
	x.byRef[ref] = d
	if !old.sameRecord(d) {
		dirtyD[int(ref%uint32(len(x.dFiles)))] = true
		defer x.recordsChanged(d, ref, dirtyT)
	}
	a, b := old.Terms, d.Terms
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].id() < b[0].id():
			x.unpostTerm(a[0].id(), ref, dirtyT)
			a = a[1:]
		case len(a) == 0 || b[0].id() < a[0].id():
			x.postTerm(b[0].id(), posting{ref, meta(b[0].Field(), d.Date)}, dirtyT)
			b = b[1:]
		default:
			if m := meta(b[0].Field(), d.Date); m != meta(a[0].Field(), old.Date) {
				s := x.shardOf(b[0].id())
				ps := x.shards[s][b[0].id()]
				i, _ := slices.BinarySearchFunc(ps, ref, cmpRef)
				ps[i].meta = m
				dirtyT[s] = true
			}
			a, b = a[1:], b[1:]
		}
	}
}

// unpostTerm removes ref's posting of term.
func (x *Index) unpostTerm(term uint32, ref uint32, dirtyT map[int]bool) {
	s := x.shardOf(term)
	ps := x.shards[s][term]
	if i, ok := slices.BinarySearchFunc(ps, ref, cmpRef); ok {
		ps = slices.Delete(ps, i, i+1)
		x.nPostings--
		dirtyT[s] = true
	}
	if len(ps) == 0 {
		delete(x.shards[s], term)
	} else {
		x.shards[s][term] = ps
	}
}

// postTerm inserts p among term's postings, in ref order.
func (x *Index) postTerm(term uint32, p posting, dirtyT map[int]bool) {
	s := x.shardOf(term)
	ps := x.shards[s][term]
	i, _ := slices.BinarySearchFunc(ps, p.ref, cmpRef)
	x.shards[s][term] = slices.Insert(ps, i, p)
	x.nPostings++
	dirtyT[s] = true
}

// shardOf is the term shard of the term of ID id.
func (x *Index) shardOf(id uint32) int {
	_, hash := table.snapshot()
	return x.termShard(id, hash)
}
