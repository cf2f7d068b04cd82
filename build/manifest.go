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
// only the entries of metaIDs can differ, and only they are encoded
// again (keptJSON), so a rebuild does not re-encode 10k entries.
func (s *site) manifestPages(listTitle func(*list) string, T func(string) string) []beforetrip.PageMeta {
	s.metaOnce.Do(func() {
		var k keptJSON[beforetrip.PageMeta]
		if s.metaBase != nil {
			get := func(id string) (beforetrip.PageMeta, bool) {
				if o := s.outputs[pagePath(id)]; o != nil {
					return metaOf(o, listTitle, T)
				}
				return beforetrip.PageMeta{}, false
			}
			k, s.metaErr = s.metaBase.patch(sortedUnique(s.metaIDs), get, encodeMeta)
			s.metaBase, s.metaIDs = nil, nil
		} else {
			metas := make([]beforetrip.PageMeta, 0, len(s.pages)+len(s.lists)+2)
			for _, o := range s.outputs {
				if m, ok := metaOf(o, listTitle, T); ok {
					metas = append(metas, m)
				}
			}
			slices.SortFunc(metas, byMetaID)
			ids := make([]string, len(metas))
			for i, m := range metas {
				ids[i] = m.ID
			}
			k, s.metaErr = newKeptJSON(ids, metas, encodeMeta)
		}
		if s.metaErr == nil {
			s.meta = &k
		}
	})
	if s.meta == nil {
		return nil
	}
	return s.meta.vals
}

// encodeMeta is one entry of the manifest's page list.
func encodeMeta(_ string, m beforetrip.PageMeta) ([]byte, error) { return json.Marshal(m) }

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
	pages *keptJSON[beforetrip.PageMeta] // the page list this process wrote
	disk  []byte                         // or the JSON of the one on disk
	built time.Time
}

// samePages reports whether the manifest's page list is pages.
func (m *manifestState) samePages(pages *keptJSON[beforetrip.PageMeta]) bool {
	if m.pages != nil {
		return m.pages.same(*pages)
	}
	return pages.joins(m.disk, '[', ']')
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
	return &manifestState{disk: buf.Bytes(), built: m.Built}
}

// manifest writes the page-ID manifest the API reads. Its page list is
// joined from the kept pieces straight into w: at 10k pages it is ~2 MB,
// and every copy of it was a fresh allocation to clear and collect.
func (r *renderer) manifest(w *bytes.Buffer) error {
	r.s.manifestPages(r.listTitle, r.th.T)
	if r.s.metaErr != nil {
		return fmt.Errorf("build: manifest: %w", r.s.metaErr)
	}
	pages := r.s.meta
	prev := r.b.manifest
	if prev == nil {
		prev = readManifestState(r.b.cfg.OutDir)
	}
	built := time.Now().UTC().Truncate(time.Second)
	if prev != nil && prev.samePages(pages) {
		built = prev.built
	}
	r.newManifest = &manifestState{pages: pages, built: built}
	b, err := json.Marshal(built)
	if err != nil {
		return err
	}
	need := pages.size() + len(b) + 64
	if arr := r.b.out.manifestArr; cap(arr) >= need && w.Len() == 0 {
		r.b.out.manifestArr = nil
		*w = *bytes.NewBuffer(arr)
	}
	w.Grow(need)
	w.WriteString(`{"version":`)
	w.WriteString(strconv.Itoa(beforetrip.ManifestVersion))
	w.WriteString(`,"built":`)
	w.Write(b)
	w.WriteString(`,"pages":`)
	w.Write(pages.appendTo(w.AvailableBuffer(), '[', ']'))
	w.WriteString("}\n")
	return nil
}
