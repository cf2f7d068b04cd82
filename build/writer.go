package build

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// outputsFile lists, inside the output folder, every file the builder
// published, so a later process knows what it may remove.
const outputsFile = ".beforetrip-outputs.json"

// stagingPrefix names the staging folders inside the output folder.
// Rendered files are written there first and renamed into place only when
// the whole build succeeded; the folder is on the same file system, so
// every rename is atomic. Leftovers of a crashed build are removed.
const stagingPrefix = ".beforetrip-tmp-"

// writer publishes output files. It remembers the hash of every file it
// wrote, so unchanged bytes are never rewritten (and keep their mtime).
type writer struct {
	dir    string
	hashes map[string][32]byte // output path → sha256 of its bytes on disk
	loaded bool                // hashes/known came from disk already
	known  map[string]bool     // output paths published (from outputsFile at first)
}

func newWriter(dir string) *writer {
	return &writer{dir: dir, hashes: map[string][32]byte{}, known: map[string]bool{}}
}

// batch is one build's staged files.
type batch struct {
	w       *writer
	staging string
	mu      sync.Mutex
	files   map[string]string // output path → temp file
	sums    map[string][32]byte
	same    int // rendered, identical bytes
}

// begin prepares a batch: it removes stale staging folders and reads what
// an earlier process published.
func (w *writer) begin() (*batch, error) {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return nil, fmt.Errorf("build: output folder: %w", err)
	}
	if stale, err := filepath.Glob(filepath.Join(w.dir, stagingPrefix+"*")); err == nil {
		for _, s := range stale {
			_ = os.RemoveAll(s)
		}
	}
	if !w.loaded {
		w.loaded = true
		if data, err := os.ReadFile(filepath.Join(w.dir, outputsFile)); err == nil {
			var list []string
			if json.Unmarshal(data, &list) == nil {
				for _, p := range list {
					if safeOutPath(p) {
						w.known[p] = true
					}
				}
			}
		}
	}
	staging, err := os.MkdirTemp(w.dir, stagingPrefix)
	if err != nil {
		return nil, fmt.Errorf("build: staging folder: %w", err)
	}
	return &batch{w: w, staging: staging, files: map[string]string{}, sums: map[string][32]byte{}}, nil
}

// safeOutPath refuses paths that would leave the output folder.
func safeOutPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && !strings.HasPrefix(p, "../") && p != ".."
}

// stage records the bytes of one output; it reports whether they differ
// from what is on disk. Safe for concurrent use.
func (bt *batch) stage(p string, data []byte) (bool, error) {
	sum := sha256.Sum256(data)
	bt.mu.Lock()
	old, ok := bt.w.hashes[p]
	bt.mu.Unlock()
	if !ok {
		// First build of this process: compare with the file on disk.
		if disk, err := os.ReadFile(filepath.Join(bt.w.dir, filepath.FromSlash(p))); err == nil {
			old, ok = sha256.Sum256(disk), true
		}
	}
	if ok && old == sum {
		bt.mu.Lock()
		bt.sums[p] = sum
		bt.same++
		bt.mu.Unlock()
		return false, nil
	}
	f, err := os.CreateTemp(bt.staging, "f-")
	if err != nil {
		return false, fmt.Errorf("build: stage %s: %w", p, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return false, fmt.Errorf("build: stage %s: %w", p, err)
	}
	bt.mu.Lock()
	bt.files[p] = f.Name()
	bt.sums[p] = sum
	bt.mu.Unlock()
	return true, nil
}

// abort drops everything staged.
func (bt *batch) abort() { _ = os.RemoveAll(bt.staging) }

// publish renames the staged files into place and removes the outputs in
// remove. It returns the written and removed paths, sorted.
func (bt *batch) publish(remove []string) (written, removed []string, err error) {
	defer os.RemoveAll(bt.staging)
	w := bt.w
	written = make([]string, 0, len(bt.files))
	for p := range bt.files {
		written = append(written, p)
	}
	slices.Sort(written)
	made := map[string]bool{}
	for _, p := range written {
		dst := filepath.Join(w.dir, filepath.FromSlash(p))
		if dir := filepath.Dir(dst); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, nil, fmt.Errorf("build: publish %s: %w", p, err)
			}
			made[dir] = true
		}
		if err := os.Chmod(bt.files[p], 0o644); err != nil {
			return nil, nil, fmt.Errorf("build: publish %s: %w", p, err)
		}
		if err := os.Rename(bt.files[p], dst); err != nil {
			return nil, nil, fmt.Errorf("build: publish %s: %w", p, err)
		}
	}
	for p, sum := range bt.sums {
		w.hashes[p] = sum
	}
	changedSet := len(written) > 0 && slices.ContainsFunc(written, func(p string) bool { return !w.known[p] })
	for _, p := range written {
		w.known[p] = true
	}
	slices.Sort(remove)
	for _, p := range remove {
		if !w.known[p] {
			continue
		}
		dst := filepath.Join(w.dir, filepath.FromSlash(p))
		if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return written, removed, fmt.Errorf("build: remove %s: %w", p, err)
		}
		removeEmptyDirs(w.dir, filepath.Dir(dst))
		delete(w.hashes, p)
		delete(w.known, p)
		removed = append(removed, p)
		changedSet = true
	}
	if changedSet {
		if err := w.saveKnown(); err != nil {
			return written, removed, err
		}
	}
	return written, removed, nil
}

// saveKnown writes outputsFile atomically.
func (w *writer) saveKnown() error {
	list := make([]string, 0, len(w.known))
	for p := range w.known {
		list = append(list, p)
	}
	slices.Sort(list)
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(w.dir, outputsFile), data)
}

// writeAtomic writes a file through a temp file in the same folder.
func writeAtomic(file string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(file), stagingPrefix+"*")
	if err != nil {
		return fmt.Errorf("build: write %s: %w", file, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(f.Name(), 0o644)); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("build: write %s: %w", file, err)
	}
	if err := os.Rename(f.Name(), file); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("build: write %s: %w", file, err)
	}
	return nil
}

// removeEmptyDirs removes dir and its parents up to root while empty.
func removeEmptyDirs(root, dir string) {
	for dir != root && strings.HasPrefix(dir, root) {
		if os.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}
