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
// piece per output path, so that a save encodes again only the records
// that changed. At 10k pages json.Marshal of the whole map (14k records,
// 1.7 MB) was half of a one-file rebuild, and every edit that touches the
// search index saves: its files' names change.
type recordsJSON struct {
	kept    keptJSON[record]
	encoded bool            // kept holds every record; false: encode them all
	dirty   map[string]bool // paths set or removed since the last encoding
	saved   []byte          // outputsFile as this process last wrote it
	at      record          // its size and mtime then
	spare   []byte          // an array to encode the next save into

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
	if !w.enc.encoded {
		return // the first encoding does every record
	}
	if w.enc.dirty == nil {
		w.enc.dirty = map[string]bool{}
	}
	w.enc.dirty[p] = true
}

// encodeRecords appends w.files to b as json.Marshal writes it (keys
// sorted, the same escaping), re-encoding only the dirty records.
func (w *writer) encodeRecords(b []byte) ([]byte, error) {
	e := &w.enc
	var err error
	if !e.encoded {
		paths := slices.Sorted(maps.Keys(w.files))
		recs := make([]record, len(paths))
		for i, p := range paths {
			recs[i] = w.files[p]
		}
		e.kept, err = newKeptJSON(paths, recs, encodeRecord)
	} else if len(e.dirty) > 0 {
		e.kept, err = e.kept.patch(slices.Sorted(maps.Keys(e.dirty)), func(p string) (record, bool) {
			r, ok := w.files[p]
			return r, ok
		}, encodeRecord)
	}
	if err != nil {
		e.encoded = false
		return nil, err
	}
	e.encoded, e.dirty = true, nil
	return e.kept.appendTo(b, '{', '}'), nil
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
// build. It encodes into the array of the save before last: at 10k pages
// a fresh 1.7 MB array per save was half of save's CPU (clearing it,
// collecting it).
func (w *writer) save() error {
	data, err := w.encodeRecords(w.enc.spare[:0])
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
		w.enc.spare = data
		return nil
	}
	w.enc.saved = nil
	size, mtime, err := writeAtomic(file, data)
	if err != nil {
		w.enc.spare = data
		return err
	}
	w.enc.saved, w.enc.spare, w.enc.at = data, old, record{Size: size, MTime: mtime}
	return nil
}
