package build

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
)

// errOnce is what Rebuild and PrepareRebuild return for a Builder made
// with Once.
var errOnce = errors.New("build: a builder made with Once does not rebuild")

// Rebuild applies changes incrementally: changed content files are
// reloaded one by one, site data is re-read when the API announced a
// change, the site is reassembled (cheap: no rendering) and the dependency
// graph picks the outputs to render again. Theme changes re-render every
// output using the changed page template, or everything for the base
// layout, partials, UI strings and static files. Without a loaded site
// (first call, or after a failed build) it is a full Build.
func (b *Builder) Rebuild(ctx context.Context, ch Changes) (*Result, error) {
	if b.once {
		return nil, errOnce
	}
	if b.site == nil {
		return b.Build(ctx)
	}
	start, resized := time.Now(), b.imgs.Processed()
	old := b.site
	// Pages whose date came since the last build are published now, as if
	// their files had been edited. The clock never goes back: a page once
	// published stays so (a full build decides afresh).
	before := b.asOf
	if now := b.now(); now.After(b.asOf) {
		b.asOf = now
	}
	e := &edits{files: ch.Files, data: ch.Data, prevs: map[string]*Page{}}
	if due := b.due(b.files, before); len(due) > 0 {
		e.files = append(slices.Clip(e.files), due...)
	}
	// A failed rebuild leaves the state half-updated: the next call then
	// starts over with a full build.
	b.site = nil
	if err := b.loadSearch(old); err != nil {
		return nil, err
	}
	st := &state{files: b.files, theme: b.theme, counts: b.counts, readers: b.readers, month: b.month, monthAt: b.monthAt}
	var err error
	if e.all, e.tmpls, err = b.themeChanges(e.files, st); err != nil {
		return nil, err
	}
	if errs := b.reloadFiles(e, st); len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	if e.touched, err = b.reloadData(ctx, e.data, st); err != nil {
		return nil, err
	}
	if (len(e.data) > 0 || !b.asOf.Before(st.monthAt.Add(monthRefresh))) && b.data != nil {
		// A like moves the window ranking; so does time, as likes
		// age out of the window.
		if err := b.readMonth(ctx, st); err != nil {
			return nil, err
		}
	}
	s, g, remove, scan, err := b.assembleEdits(old, st, e)
	if err != nil {
		return nil, err
	}
	if remove, err = b.rebuildSearch(s, e, g.dirty, remove, scan); err != nil {
		return nil, err
	}
	paths := g.paths(e.tmpls)
	bt, err := b.out.begin(false)
	if err != nil {
		return nil, err
	}
	bt.dataOnly = len(e.files) == 0
	bt.background = bt.dataOnly && b.dataWorkers > 0
	res, err := b.renderPublish(ctx, s, st.theme, paths, bt, remove)
	if err != nil {
		return nil, err
	}
	b.commit(st, s)
	b.retally(st.files, e.prevs)
	res.Scheduled = len(b.sched)
	res.Resized = b.imgs.Processed() - resized
	b.searchFiles = b.nextSearchFiles
	res.Duration = time.Since(start)
	return res, nil
}

// rebuildSearch brings the search index up to date with s, the site of
// a rebuild, and returns what the rebuild removes: the stale files of s
// when the rebuild scanned the site, else remove and the index files gone.
func (b *Builder) rebuildSearch(s *site, e *edits, dirty map[string]bool, remove []string, scan bool) ([]string, error) {
	if scan {
		if _, err := b.syncSearch(s, b.search, dirty); err != nil {
			return nil, err
		}
		return b.stale(s), nil
	}
	gone, err := b.syncSearchPages(s, e.changed, dirty)
	if err != nil {
		return nil, err
	}
	return append(remove, gone...), nil
}

// edits is what a rebuild learns about its changes before it assembles
// the new site.
type edits struct {
	files   []string            // changed paths, with scheduled pages now due
	data    []beforetrip.Change // announced by the API
	all     bool                // a theme change that re-renders everything
	tmpls   []string            // changed page templates: their outputs re-render
	changed []string            // page IDs whose file changed (before or after)
	prevs   map[string]*Page    // reloaded path → its page before
	touched []string            // pages whose counts were re-read (nil: all)
}

// reloadFiles loads again every content file e.files affects (an image
// stands for the page whose folder holds it; a folder for its files),
// recording in e the pages before and after. It returns the content
// errors; st.files is then half-updated (Rebuild starts over next time).
func (b *Builder) reloadFiles(e *edits, st *state) Errors {
	var errs Errors
	for _, f := range e.files {
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
			if _, seen := e.prevs[path]; !seen {
				e.prevs[path] = prev
			}
			if prev != nil {
				e.changed = append(e.changed, prev.ID)
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
				e.changed = append(e.changed, p.ID)
			}
		}
	}
	return errs
}

// assembleEdits makes the new site and its graph by the cheapest path the
// edits allow: content edits in place or reassembled, counts re-sorted,
// or else a full assembly. remove are published files the site no longer
// has; scan says they must be found by a full scan instead (after the
// search index is synced).
func (b *Builder) assembleEdits(old *site, st *state, e *edits) (s *site, g *graph, remove []string, scan bool, err error) {
	moved := monthMoved(old.month, st.month)
	switch {
	case !e.all && len(e.tmpls) == 0 && len(e.data) == 0 && !moved:
		s, g, remove = b.incremental(old, e.prevs, st)
	case !e.all && len(e.tmpls) == 0 && len(e.files) == 0 && countsOnly(e.data):
		s = recount(old, st.counts, st.month)
		g = newGraph(old, s)
		g.added = []string{} // the same outputs
		b.dataEffects(g, old, s, e.touched)
		g.monthEffects()
	}
	if s != nil {
		return s, g, remove, false, nil
	}
	if s, err = b.assembleState(st, old); err != nil {
		return nil, nil, nil, false, err
	}
	g = newGraph(old, s)
	g.all = e.all
	for _, id := range e.changed {
		g.page(id, diffPage(old.pages[id], s.pages[id]))
	}
	b.dataEffects(g, old, s, e.touched)
	g.monthEffects()
	return s, g, nil, true, nil
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

// paths lists the outputs to render: the graph's, every output using a
// changed page template, and every output that did not exist before.
func (g *graph) paths(tmpls []string) []string {
	if g.all {
		return slices.Collect(maps.Keys(g.new.outputs))
	}
	// The service worker names every country's offline list (new names
	// are new outputs, rendered below): it changes when one of them does.
	if o, n := g.old.outputs[pathSW], g.new.outputs[pathSW]; n != nil && (o == nil || !bytes.Equal(o.data, n.data)) {
		g.dirty[pathSW] = true
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
