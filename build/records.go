package build

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// recordsJSON keeps outputsFile's encoding of the writer's records, one
// piece per output path in path order, so that a save encodes again only
// the records that changed. At 10k pages json.Marshal of the whole map
// (14k records, 1.7 MB) was half of a one-file rebuild, and every edit
// that touches the search index saves: its files' names change.
type recordsJSON struct {
	paths []string        // sorted; nil: not encoded yet
	encs  [][]byte        // `"path":{…}` of paths[i]
	dirty map[string]bool // paths set or removed since the last encoding
	saved []byte          // outputsFile as this process last wrote it
	at    record          // its size and mtime then
}

// set records p's published file.
func (w *writer) set(p string, r record) {
	w.files[p] = r
	w.markDirty(p)
}

// unset forgets p's record.
func (w *writer) unset(p string) {
	delete(w.files, p)
	w.markDirty(p)
}

func (w *writer) markDirty(p string) {
	if w.enc.paths == nil {
		return // the first encoding does every record
	}
	if w.enc.dirty == nil {
		w.enc.dirty = map[string]bool{}
	}
	w.enc.dirty[p] = true
}

// encodeRecords returns w.files as json.Marshal writes it (keys sorted,
// the same escaping), re-encoding only the dirty records.
func (w *writer) encodeRecords() ([]byte, error) {
	e := &w.enc
	if e.paths == nil {
		e.paths = slices.Sorted(maps.Keys(w.files))
		e.encs = make([][]byte, len(e.paths))
		for i, p := range e.paths {
			enc, err := encodeRecord(p, w.files[p])
			if err != nil {
				e.paths = nil
				return nil, err
			}
			e.encs[i] = enc
		}
	} else if len(e.dirty) > 0 {
		if err := e.merge(w.files); err != nil {
			return nil, err
		}
	}
	e.dirty = nil
	size := 2
	for _, enc := range e.encs {
		size += len(enc) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, '{')
	for i, enc := range e.encs {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, enc...)
	}
	return append(out, '}'), nil
}

// merge walks the sorted paths and the sorted dirty paths together: a
// dirty path still recorded is encoded again (inserted when new), one no
// longer recorded is dropped.
func (e *recordsJSON) merge(files map[string]record) error {
	dirty := slices.Sorted(maps.Keys(e.dirty))
	paths := make([]string, 0, len(files))
	encs := make([][]byte, 0, len(files))
	i := 0
	for _, d := range dirty {
		for i < len(e.paths) && e.paths[i] < d {
			paths, encs = append(paths, e.paths[i]), append(encs, e.encs[i])
			i++
		}
		if i < len(e.paths) && e.paths[i] == d {
			i++ // replaced below, or removed
		}
		if r, ok := files[d]; ok {
			enc, err := encodeRecord(d, r)
			if err != nil {
				e.paths = nil
				return err
			}
			paths, encs = append(paths, d), append(encs, enc)
		}
	}
	e.paths, e.encs = append(paths, e.paths[i:]...), append(encs, e.encs[i:]...)
	return nil
}

// encodeRecord is one member of outputsFile: `"path":{"xxh64":…,"size":…,"mtime":…}`.
func encodeRecord(p string, r record) ([]byte, error) {
	key, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	sum, err := json.Marshal(r.Sum)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(key)+len(sum)+56)
	b = append(append(b, key...), `:{"xxh64":`...)
	b = append(append(b, sum...), `,"size":`...)
	b = append(strconv.AppendInt(b, r.Size, 10), `,"mtime":`...)
	return append(strconv.AppendInt(b, r.MTime, 10), '}'), nil
}

// save writes outputsFile atomically, and only when its bytes change, as
// every output: rsync-style deploys would otherwise see a change on each
// build.
func (w *writer) save() error {
	data, err := w.encodeRecords()
	if err != nil {
		return err
	}
	file := filepath.Join(w.dir, outputsFile)
	// The file is read back only when this process did not write it last
	// (or something else touched it since): at 10k pages it is 1.7 MB.
	old := w.enc.saved
	if st, err := os.Stat(file); err != nil || old == nil || st.Size() != w.enc.at.Size || st.ModTime().UnixNano() != w.enc.at.MTime {
		old, _ = os.ReadFile(file)
	}
	if old != nil && bytes.Equal(old, data) {
		return nil
	}
	w.enc.saved = nil
	st, err := writeAtomic(file, data)
	if err != nil {
		return err
	}
	w.enc.saved, w.enc.at = data, record{Size: st.Size(), MTime: st.ModTime().UnixNano()}
	return nil
}
