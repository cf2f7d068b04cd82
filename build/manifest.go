package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
)

// manifestPages is every page of the site sorted by ID (see pageMetas).
// It is computed once per site: sitemap and manifest both need it. A site
// reassembled from the previous one patches that one's list (metaBase):
// only the entries of metaIDs can differ. Each entry's JSON is kept too,
// so a rebuild re-encodes the entries that changed, not 10k of them.
func (s *site) manifestPages(listTitle func(*list) string, T func(string) string) []beforetrip.PageMeta {
	s.metaOnce.Do(func() {
		if s.metaBase != nil {
			s.patchMetas(listTitle, T)
			s.metaBase, s.metaBaseJSON, s.metaIDs = nil, nil, nil
			return
		}
		metas := make([]beforetrip.PageMeta, 0, len(s.pages)+len(s.lists)+2)
		for _, o := range s.outputs {
			if m, ok := metaOf(o, listTitle, T); ok {
				metas = append(metas, m)
			}
		}
		slices.SortFunc(metas, byMetaID)
		s.metas = metas
		s.metaJSON = make([][]byte, len(metas))
		for i := range metas {
			if s.metaJSON[i], s.metaErr = json.Marshal(metas[i]); s.metaErr != nil {
				return
			}
		}
	})
	return s.metas
}

// manifestJSON is the JSON array of manifestPages, as json.Marshal writes it.
func (s *site) manifestJSON(listTitle func(*list) string, T func(string) string) ([]byte, error) {
	s.manifestPages(listTitle, T)
	if s.metaErr != nil {
		return nil, fmt.Errorf("build: manifest: %w", s.metaErr)
	}
	n := 2 + len(s.metaJSON)
	for _, e := range s.metaJSON {
		n += len(e)
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, e := range s.metaJSON {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, e...)
	}
	return append(out, ']'), nil
}

// patchMetas copies metaBase and its JSON and recomputes, inserts or drops
// the entries of metaIDs.
func (s *site) patchMetas(listTitle func(*list) string, T func(string) string) {
	metas, enc := slices.Clone(s.metaBase), slices.Clone(s.metaBaseJSON)
	for _, id := range s.metaIDs {
		i, found := slices.BinarySearchFunc(metas, id, func(m beforetrip.PageMeta, id string) int {
			return strings.Compare(m.ID, id)
		})
		o := s.outputs[pagePath(id)]
		var m beforetrip.PageMeta
		ok := o != nil
		if ok {
			m, ok = metaOf(o, listTitle, T)
		}
		var js []byte
		if ok {
			if js, s.metaErr = json.Marshal(m); s.metaErr != nil {
				return
			}
		}
		switch {
		case ok && found:
			metas[i], enc[i] = m, js
		case ok:
			metas, enc = slices.Insert(metas, i, m), slices.Insert(enc, i, js)
		case found:
			metas, enc = slices.Delete(metas, i, i+1), slices.Delete(enc, i, i+1)
		}
	}
	s.metas, s.metaJSON = metas, enc
}

func byMetaID(a, b beforetrip.PageMeta) int { return strings.Compare(a.ID, b.ID) }

// metaKind is the manifest kind of output o; ok is false for outputs that
// are not pages of the manifest (later pages of a list, feeds, assets).
func metaKind(o *output) (kind string, ok bool) {
	switch o.kind {
	case outPage:
		return o.page.Kind, true
	case outList:
		return listKind(o.list), o.n == 1
	case outCountries, outTags, outChanges:
		return beforetrip.KindList, true
	}
	return "", false
}

// metaOf returns the manifest entry of output o, if it is a manifest page.
func metaOf(o *output, listTitle func(*list) string, T func(string) string) (beforetrip.PageMeta, bool) {
	if _, ok := metaKind(o); !ok {
		return beforetrip.PageMeta{}, false
	}
	switch o.kind {
	case outPage:
		m := o.page.Meta()
		if m.Kind == beforetrip.KindHome && m.Title == "" {
			m.Title = T("home")
		}
		return m, true
	case outList:
		return beforetrip.PageMeta{ID: o.list.id, Kind: listKind(o.list), Title: listTitle(o.list),
			URL: beforetrip.PageURL(o.list.id), Country: listCountry(o.list)}, true
	}
	return beforetrip.PageMeta{ID: o.id, Kind: beforetrip.KindList, Title: T(o.id + "_title"),
		URL: beforetrip.PageURL(o.id)}, true
}

// manifestState remembers the last manifest so that "built" only moves
// when the page list does: an unchanged site keeps its manifest bytes.
type manifestState struct {
	pages []byte // JSON of Manifest.Pages
	built time.Time
}

// readManifestState loads the manifest already on disk, if any.
func readManifestState(outDir string) *manifestState {
	data, err := os.ReadFile(filepath.Join(outDir, beforetrip.ManifestFile))
	if err != nil {
		return nil
	}
	var m struct {
		Built time.Time       `json:"built"`
		Pages json.RawMessage `json:"pages"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, m.Pages) != nil {
		return nil
	}
	return &manifestState{pages: buf.Bytes(), built: m.Built}
}

// manifest writes the page-ID manifest the API reads.
func (r *renderer) manifest(w *bytes.Buffer) error {
	pages, err := r.s.manifestJSON(r.listTitle, r.th.T)
	if err != nil {
		return err
	}
	prev := r.b.manifest
	if prev == nil {
		prev = readManifestState(r.b.cfg.OutDir)
	}
	built := time.Now().UTC().Truncate(time.Second)
	if prev != nil && bytes.Equal(prev.pages, pages) {
		built = prev.built
	}
	r.newManifest = &manifestState{pages: pages, built: built}
	b, err := json.Marshal(built)
	if err != nil {
		return err
	}
	w.WriteString(`{"version":`)
	w.WriteString(strconv.Itoa(beforetrip.ManifestVersion))
	w.WriteString(`,"built":`)
	w.Write(b)
	w.WriteString(`,"pages":`)
	w.Write(pages)
	w.WriteString("}\n")
	return nil
}
