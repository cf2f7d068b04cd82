package build

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/beforetrip/beforetrip"
	"golang.org/x/sync/errgroup"
)

// publish writes the staged files into place, each through a temp file in
// its own folder and a rename, then removes the outputs in remove. It
// returns the written and removed paths, sorted.
func (bt *batch) publish(remove []string) (written, removed []string, err error) {
	defer bt.abort()
	w := bt.w
	if bt.cold != nil {
		return bt.publishCold()
	}
	written = slices.AppendSeq(slices.Collect(maps.Keys(bt.at)), maps.Keys(bt.mem))
	slices.Sort(written)
	recs, err := bt.putAll(written)
	if err != nil {
		return nil, nil, err
	}
	if data, ok := bt.mem[beforetrip.ManifestFile]; ok {
		w.manifestArr = data[:0] // on disk now: nothing else holds it
	}
	// The record file is rewritten when the set of files changes. A
	// changed file's new mtime alone does not need it: a later process
	// that finds size or mtime different simply reads the file.
	setChanged := false
	for i, p := range written {
		if _, ok := w.files[p]; !ok {
			setChanged = true
		}
		w.set(p, recs[i])
		w.trusted[p] = true
	}
	slices.Sort(written)
	removed, err = bt.removeAll(remove)
	if err != nil {
		return written, removed, err
	}
	if setChanged || len(removed) > 0 || w.full {
		w.full = false
		if err := w.save(); err != nil {
			return written, removed, err
		}
	}
	return written, removed, nil
}

// putAll writes the staged files written into the output folder (parents
// first, two at a time or one for a background batch, the page manifest
// last) and returns their records, in the order written then holds.
func (bt *batch) putAll(written []string) ([]record, error) {
	w := bt.w
	// Parents first, once each, so later Mkdir calls find them.
	made := map[string]bool{w.dir: true}
	for _, p := range written {
		if err := mkdirs(made, filepath.Dir(filepath.Join(w.dir, filepath.FromSlash(p)))); err != nil {
			return nil, fmt.Errorf("build: publish %s: %w", p, err)
		}
	}
	recs := make([]record, len(written))
	put := func(i int) error {
		p := written[i]
		data, ok := bt.mem[p]
		if !ok {
			loc := bt.at[p]
			data = make([]byte, loc[1])
			if _, err := bt.pack.ReadAt(data, loc[0]); err != nil {
				return fmt.Errorf("build: publish %s: %w", p, err)
			}
		}
		size, mtime, err := writeAtomic(filepath.Join(w.dir, filepath.FromSlash(p)), data)
		if err != nil {
			return err
		}
		recs[i] = record{Sum: bt.sums[p], Size: size, MTime: mtime}
		return nil
	}
	// The page manifest goes last, once every page it may list is in
	// place (and before pages that left it are removed): the API and a
	// crash both see a manifest that names only published pages.
	n, manifest := len(written), slices.Index(written, beforetrip.ManifestFile)
	if manifest >= 0 {
		n--
		written[manifest], written[n] = written[n], written[manifest]
	}
	var g errgroup.Group
	var next atomic.Int64
	workers := 2
	if bt.background {
		workers = 1 // the other processor stays free for requests
	}
	for range workers {
		g.Go(func() error {
			if bt.background {
				background()
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return nil
				}
				if err := put(i); err != nil {
					return err
				}
				bt.yieldToRequests()
			}
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if manifest >= 0 {
		if err := put(n); err != nil {
			return nil, err
		}
	}
	return recs, nil
}

// removeAll deletes the published files remove (and empty folders left),
// sorted; it returns those it removed.
func (bt *batch) removeAll(remove []string) (removed []string, err error) {
	w := bt.w
	slices.Sort(remove)
	for _, p := range remove {
		dst := filepath.Join(w.dir, filepath.FromSlash(p))
		if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("build: remove %s: %w", p, err)
		}
		_ = os.Remove(filepath.Join(filepath.Dir(dst), tmpPrefix+filepath.Base(dst))) // a crash's leftover
		removeEmptyDirs(w.dir, filepath.Dir(dst))
		w.unset(p)
		removed = append(removed, p)
	}
	return removed, nil
}

// publishCold moves a cold build's staging folder into place and records
// what it published.
func (bt *batch) publishCold() (written, removed []string, err error) {
	w := bt.w
	recs, err := bt.cold.publish(w.dir)
	if err != nil {
		return nil, nil, err
	}
	for p, r := range recs {
		w.set(p, r)
		w.trusted[p] = true
		written = append(written, p)
	}
	slices.Sort(written)
	w.full = false
	return written, nil, w.save()
}
