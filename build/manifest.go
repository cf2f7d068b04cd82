package build

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip"
)

// manifestPages is every page of the site sorted by ID (see pageMetas).
// It is computed once per site: sitemap and manifest both need it.
func (s *site) manifestPages(listTitle func(*list) string, T func(string) string) []beforetrip.PageMeta {
	s.metaOnce.Do(func() {
		metas := make([]beforetrip.PageMeta, 0, len(s.pages)+len(s.lists)+2)
		for _, o := range s.outputs {
			switch o.kind {
			case outPage:
				m := o.page.Meta()
				if m.Kind == beforetrip.KindHome && m.Title == "" {
					m.Title = T("home")
				}
				metas = append(metas, m)
			case outList:
				if o.n == 1 {
					metas = append(metas, beforetrip.PageMeta{ID: o.list.id, Kind: listKind(o.list),
						Title: listTitle(o.list), URL: beforetrip.PageURL(o.list.id), Country: listCountry(o.list)})
				}
			case outCountries, outTags:
				metas = append(metas, beforetrip.PageMeta{ID: o.id, Kind: beforetrip.KindList,
					Title: T(o.id + "_title"), URL: beforetrip.PageURL(o.id)})
			}
		}
		slices.SortFunc(metas, func(a, b beforetrip.PageMeta) int { return strings.Compare(a.ID, b.ID) })
		s.metas = metas
	})
	return s.metas
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
	pages, err := json.Marshal(r.pageMetas())
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
