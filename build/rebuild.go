package build

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
)

// Rebuild applies changes incrementally: changed content files are
// reloaded one by one, site data is re-read when the API announced a
// change, the site is reassembled (cheap: no rendering) and the dependency
// graph picks the outputs to render again. Theme changes re-render every
// output using the changed page template, or everything for the base
// layout, partials, UI strings and static files. Without a loaded site
// (first call, or after a failed build) it is a full Build.
func (b *Builder) Rebuild(ctx context.Context, ch Changes) (*Result, error) {
	if b.site == nil {
		return b.Build(ctx)
	}
	start := time.Now()
	old := b.site
	// Pages whose date came since the last build are published now, as if
	// their files had been edited. The clock never goes back: a page once
	// published stays so (a full build decides afresh).
	before := b.asOf
	if now := b.now(); now.After(b.asOf) {
		b.asOf = now
	}
	files := ch.Files
	if due := b.due(b.files, before); len(due) > 0 {
		files = append(slices.Clip(files), due...)
	}
	// A failed rebuild leaves the state half-updated: the next call then
	// starts over with a full build.
	b.site = nil
	st := &state{files: b.files, theme: b.theme, counts: b.counts, readers: b.readers}
	var changed []string // page IDs whose file changed
	all, tmpls, err := b.themeChanges(files, st)
	if err != nil {
		return nil, err
	}
	var errs Errors
	prevs := map[string]*Page{} // reloaded path → its page before
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		rel, ok := b.relPath(abs)
		if !ok {
			continue
		}
		if owner, image := imageOwner(rel); image && owner != "" {
			// An image is part of the page whose folder it is in.
			abs = filepath.Join(b.cfg.ContentDir, filepath.FromSlash(owner))
		}
		for _, path := range b.affectedFiles(abs, st.files) {
			prev := st.files[path]
			if _, seen := prevs[path]; !seen {
				prevs[path] = prev
			}
			if prev != nil {
				changed = append(changed, prev.ID)
			}
			if !b.resolvesInside(path) {
				rel, _ := b.relPath(path)
				errs = append(errs, &FileError{File: b.displayPath(rel), Line: 1,
					Msg: "symbolic link to a file outside the content folder: not followed"})
				continue
			}
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				delete(st.files, path)
				continue
			}
			p, ferrs := b.loadFile(path)
			errs = append(errs, ferrs...)
			st.files[path] = p
			if p != nil {
				changed = append(changed, p.ID)
			}
		}
	}
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	touched, err := b.reloadData(ctx, ch.Data, st)
	if err != nil {
		return nil, err
	}
	var s *site
	var g *graph
	var remove []string
	scan := false
	switch {
	case !all && len(tmpls) == 0 && len(ch.Data) == 0:
		s, g, remove = b.incremental(old, prevs, st)
	case !all && len(tmpls) == 0 && len(files) == 0 && countsOnly(ch.Data):
		s = recount(old, st.counts)
		g = newGraph(old, s)
		g.added = []string{} // the same outputs
		b.dataEffects(g, old, s, touched)
	}
	if s == nil {
		if s, err = b.assembleState(st, old); err != nil {
			return nil, err
		}
		g = newGraph(old, s)
		g.all = all
		for _, id := range changed {
			g.page(id, diffPage(old.pages[id], s.pages[id]))
		}
		b.dataEffects(g, old, s, touched)
		scan = true // every file s lacks, once the index is in s
	}
	gone, err := b.syncSearch(s, b.search, g.dirty)
	if err != nil {
		return nil, err
	}
	if scan {
		remove = b.stale(s)
	} else {
		remove = append(remove, gone...)
	}
	paths := g.paths(tmpls)
	bt, err := b.out.begin(false)
	if err != nil {
		return nil, err
	}
	bt.dataOnly = len(files) == 0
	bt.background = bt.dataOnly && b.dataWorkers > 0
	res, err := b.renderPublish(ctx, s, st.theme, paths, bt, remove)
	if err != nil {
		return nil, err
	}
	b.commit(st, s)
	b.tally(st.files)
	res.Scheduled = b.nScheduled
	b.searchFiles = b.nextSearchFiles
	res.Duration = time.Since(start)
	return res, nil
}

// incremental tries the two fast paths for content edits that add or
// remove no page: inPlace, then reassemble. It returns a nil site when
// neither applies; remove are the published files the site no longer has.
func (b *Builder) incremental(old *site, prevs map[string]*Page, st *state) (*site, *graph, []string) {
	if s, g := b.inPlace(old, prevs, st); s != nil {
		g.added = []string{} // the same site: nothing new
		return s, g, nil
	}
	s, swaps, added, gone := b.reassemble(old, prevs, st)
	if s == nil {
		return nil, nil, nil
	}
	g := newGraph(old, s)
	g.added = append([]string{}, added...) // non-nil: known
	for _, sw := range swaps {
		g.page(sw[1].ID, diffPage(sw[0], sw[1]))
	}
	var remove []string
	for _, p := range gone {
		if _, ok := b.out.files[p]; ok {
			remove = append(remove, p)
		}
	}
	return s, g, remove
}

// inPlace is the fast path for the most common edit: pages whose body or
// summary changed, nothing that moves them in any list. The new values are
// copied into the existing Page objects, so the assembled site stays valid
// as it is and nothing is re-sorted. It returns nil when the edit is not
// of that kind.
func (b *Builder) inPlace(old *site, prevs map[string]*Page, st *state) (*site, *graph) {
	type swap struct {
		path       string
		prev, next *Page
	}
	var swaps []swap
	for path, prev := range prevs {
		next := st.files[path]
		if prev == nil || next == nil || prev.ID != next.ID || prev.Draft != next.Draft || old.pages[prev.ID] != prev || !b.published(next) ||
			!slices.Equal(prev.Images, next.Images) {
			// Images change the outputs: that needs a new output plan.
			return nil, nil
		}
		if diffPage(prev, next)&^(efPage|efSummary) != 0 {
			return nil, nil
		}
		swaps = append(swaps, swap{path, prev, next})
	}
	g := newGraph(old, old)
	for _, sw := range swaps {
		ef := diffPage(sw.prev, sw.next)
		*sw.prev = *sw.next
		st.files[sw.path] = sw.prev
		b.itemHTML.Delete(sw.prev.ID) // its list entry may show the old summary
		b.itemHTML.Delete(sw.prev.ID + "\x00sub")
		g.page(sw.prev.ID, ef)
	}
	return old, g
}

// affectedFiles expands one changed path: a file is itself; a folder
// that was created or moved in is every file in it; a path that is gone
// (a deleted or renamed file or folder) is every loaded file at or under it.
func (b *Builder) affectedFiles(abs string, files map[string]*Page) []string {
	info, err := os.Stat(abs)
	switch {
	case err == nil && !info.IsDir():
		return []string{abs}
	case err == nil:
		var out []string
		_ = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, path)
			}
			return nil
		})
		for path := range files {
			if strings.HasPrefix(path, abs+string(filepath.Separator)) && !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
		return out
	}
	out := []string{abs}
	for path := range files {
		if strings.HasPrefix(path, abs+string(filepath.Separator)) {
			out = append(out, path)
		}
	}
	return out
}

// themeChanges reloads the theme if any changed file is in it. It returns
// whether everything must be rendered again, or else the page templates
// whose outputs must be.
func (b *Builder) themeChanges(files []string, st *state) (all bool, tmpls []string, err error) {
	hit := false
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(b.cfg.ThemeDir, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		hit = true
		rel = filepath.ToSlash(rel)
		name := strings.TrimSuffix(strings.TrimPrefix(rel, "layouts/"), ".html")
		if strings.HasPrefix(rel, "layouts/") && slices.Contains(pageTemplates, name) {
			tmpls = append(tmpls, name)
		} else {
			all = true
		}
	}
	if !hit {
		return false, nil, nil
	}
	th, err := loadTheme(b.cfg.ThemeDir, b.cfg.Language, b.templateFuncs)
	if err != nil {
		return false, nil, err
	}
	st.theme = th
	return all, tmpls, nil
}

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

// paths lists the outputs to render: the graph's, every output using a
// changed page template, and every output that did not exist before.
func (g *graph) paths(tmpls []string) []string {
	if g.all {
		return slices.Collect(maps.Keys(g.new.outputs))
	}
	if g.added != nil && len(tmpls) == 0 {
		for _, p := range g.added {
			g.dirty[p] = true
		}
		return slices.Collect(maps.Keys(g.dirty))
	}
	for p, o := range g.new.outputs {
		if _, ok := g.old.outputs[p]; !ok || (o.tmpl != "" && slices.Contains(tmpls, o.tmpl)) {
			g.dirty[p] = true
		}
	}
	return slices.Collect(maps.Keys(g.dirty))
}
