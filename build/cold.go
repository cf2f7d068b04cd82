package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/beforetrip/beforetrip"
)

// coldStage is the output of a cold build: one whose output folder is
// missing or empty and holds no record of an earlier build (a first build,
// a fresh clone, a CI job). Each file is written once, directly, into a
// staging folder inside the output folder while the site renders, so file
// creation overlaps rendering; publish then moves the staging folder's
// entries into place, folders first and the home page last. Per-file
// temp + rename buys nothing here, since no reader can see a staged file,
// and creating a file that way costs this kind of disk 2.7–6.4× the system
// time of a plain write (bench: BenchmarkWriteTree). A failed build
// removes the staging folder: the output folder stays empty.
type coldStage struct {
	dir  string   // staging folder: <out>/.bt-tmp-stage-*
	made sync.Map // folders created under dir
	mu   sync.Mutex
	recs map[string]record
}

// newColdStage returns a staging folder for out if out holds nothing but
// leftovers of a crashed build (and the LockFile), and nil if the build must publish file by
// file over existing output.
func newColdStage(out string, recorded int) (*coldStage, error) {
	if recorded > 0 {
		return nil, nil
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, fmt.Errorf("build: output folder: %w", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) && e.Name() != LockFile {
			return nil, nil
		}
	}
	dir, err := os.MkdirTemp(out, tmpPrefix+"stage-")
	if err != nil {
		return nil, fmt.Errorf("build: staging: %w", err)
	}
	return &coldStage{dir: dir, recs: map[string]record{}}, nil
}

// write stores one output file (p slash-separated, relative to the output
// folder) in the staging folder. Safe for concurrent use.
func (c *coldStage) write(p, sum string, data []byte) error {
	file := filepath.Join(c.dir, filepath.FromSlash(p))
	if err := c.mkdirAll(filepath.Dir(file)); err != nil {
		return fmt.Errorf("build: stage %s: %w", p, err)
	}
	// O_TRUNC, not O_EXCL: two files with one page ID both render before
	// collect reports the duplicate (and the build fails).
	size, mtime, err := createFile(file, data)
	if err != nil {
		return fmt.Errorf("build: stage %s: %w", p, err)
	}
	c.mu.Lock()
	c.recs[p] = record{Sum: sum, Size: size, MTime: mtime}
	c.mu.Unlock()
	return nil
}

// mkdirAll creates dir and its parents under the staging folder once each,
// so a file costs one mkdir at most, not a walk up its path.
func (c *coldStage) mkdirAll(dir string) error {
	if dir == c.dir {
		return nil
	}
	if _, ok := c.made.Load(dir); ok {
		return nil
	}
	if err := c.mkdirAll(filepath.Dir(dir)); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	c.made.Store(dir, true)
	return nil
}

// publish moves the staged entries into out and returns the records of
// every file, by output path. If a move fails, the entries already moved
// go back, so the output folder is left as it was.
func (c *coldStage) publish(out string) (map[string]record, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, fmt.Errorf("build: publish: %w", err)
	}
	// Folders first, then files, the home page and the page manifest
	// last: a reader who arrives meanwhile finds the site whole or missing,
	// not a home page linking to folders that are not there yet, and the
	// API never learns of a page before it is published.
	slices.SortStableFunc(entries, func(a, b fs.DirEntry) int {
		return order(a) - order(b)
	})
	var moved []string
	for _, e := range entries {
		if err := os.Rename(filepath.Join(c.dir, e.Name()), filepath.Join(out, e.Name())); err != nil {
			for _, name := range moved {
				_ = os.Rename(filepath.Join(out, name), filepath.Join(c.dir, name))
			}
			return nil, fmt.Errorf("build: publish %s: %w", e.Name(), err)
		}
		moved = append(moved, e.Name())
	}
	return c.recs, nil
}

// order ranks a staged top-level entry for publish: the page manifest
// comes after every page it lists.
func order(e fs.DirEntry) int {
	switch {
	case e.IsDir():
		return 0
	case e.Name() == "index.html":
		return 2
	case e.Name() == beforetrip.ManifestFile:
		return 3
	}
	return 1
}

// remove deletes the staging folder and whatever is left in it.
func (c *coldStage) remove() {
	_ = os.RemoveAll(c.dir)
}
