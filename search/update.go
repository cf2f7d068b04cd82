package search

import (
	"maps"
	"slices"
)

// update replaces or adds put and removes del (page IDs); only the shards
// they touch are encoded again. A change that moves other pages' refs (a
// hash collision) or changes the number of shards rebuilds everything.
func (x *Index) update(put []*Doc, del []string, countries []Country) {
	if !slices.EqualFunc(x.countries, countries, func(a, b Country) bool {
		return a.Slug == b.Slug && a.Name == b.Name && slices.Equal(a.Names, b.Names)
	}) {
		x.countries = countries
		defer x.encodeEntry()
	}
	prevRefs := x.refs
	old, news, came := x.swapDocs(put, del)
	if len(old) == 0 && len(news) == 0 {
		return
	}
	if came && !x.reassignRefs() {
		x.rebuild()
		return
	}
	dirtyT, dirtyD := map[int]bool{}, map[int]bool{}
	x.unpost(old, prevRefs, dirtyT, dirtyD)
	x.post(news, dirtyT, dirtyD)
	if shardCount(x.nPostings, x.perTerm) != len(x.shards) || shardCount(len(x.docs), x.perDoc) != len(x.dFiles) {
		x.rebuild()
		return
	}
	x.encode(slices.Collect(maps.Keys(dirtyT)), slices.Collect(maps.Keys(dirtyD)))
}

// swapDocs puts put and removes del in x.docs. It returns the documents
// whose postings must go (removed or replaced), those whose postings must
// come (new or changed), and whether a page came or went (refs may move).
// A document with the same bytes only swaps its pointer.
func (x *Index) swapDocs(put []*Doc, del []string) (old, news []*Doc, came bool) {
	for _, id := range del {
		if d := x.docs[id]; d != nil {
			old = append(old, d)
			delete(x.docs, id)
			came = true
		}
	}
	for _, d := range put {
		o := x.docs[d.ID]
		if o != nil && o.equal(d) {
			x.docs[d.ID] = d // the same bytes: no shard changes
			x.byRef[x.refs[d.ID]] = d
			continue
		}
		if o != nil {
			old = append(old, o)
		} else {
			came = true
		}
		x.docs[d.ID] = d
		news = append(news, d)
	}
	return old, news, came
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
			s := x.termShard(t.Term)
			ps := x.shards[s][t.Term]
			if i, ok := slices.BinarySearchFunc(ps, ref, cmpRef); ok {
				ps = slices.Delete(ps, i, i+1)
				x.nPostings--
				dirtyT[s] = true
			}
			if len(ps) == 0 {
				delete(x.shards[s], t.Term)
			} else {
				x.shards[s][t.Term] = ps
			}
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
			s := x.termShard(t.Term)
			ps := x.shards[s][t.Term]
			i, _ := slices.BinarySearchFunc(ps, ref, cmpRef)
			x.shards[s][t.Term] = slices.Insert(ps, i, posting{ref, meta(t.Field, d.Date)})
			x.nPostings++
			dirtyT[s] = true
		}
		dirtyD[int(ref%uint32(len(x.dFiles)))] = true
	}
}
