package build

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

// TestOwnPages: content/pages/<slug>.md is published at /<slug>/, is in
// the manifest, the sitemap and the search index, and the pages marked
// `footer: true` are linked from the footer of every HTML page. The ko
// build shows <slug>.ko.md instead; the en build leaves it out.
func TestOwnPages(t *testing.T) {
	for _, tt := range []struct {
		lang, text, footer, htmlLang string
	}{
		{"en", "What we store about you", `<a href="/privacy/">Privacy</a>`, `lang="en"`},
		{"ko", "저장하는 정보와", `<a href="/privacy/">개인정보 처리방침</a>`, `lang="ko"`},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			ts := MustSite(t)
			res := MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.Language = tt.lang }))
			if res.Kinds[beforetrip.KindPage] != 2 {
				t.Errorf("pages of their own = %d, want 2 (about, privacy): %v", res.Kinds[beforetrip.KindPage], res.Kinds)
			}
			privacy := MustRead(t, filepath.Join(ts.Out, "privacy/index.html"))
			if !strings.Contains(privacy, tt.text) || !strings.Contains(privacy, `<article class="wrap single" `+tt.htmlLang) {
				t.Errorf("/privacy/ in the %s build lacks %q or %s:\n%s", tt.lang, tt.text, tt.htmlLang, privacy)
			}
			var man beforetrip.Manifest
			if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(ts.Out, beforetrip.ManifestFile))), &man); err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(man.Pages, func(m beforetrip.PageMeta) bool {
				return m.ID == "privacy" && m.Kind == beforetrip.KindPage && m.URL == "/privacy/"
			}) {
				t.Errorf("manifest lacks the privacy page: %+v", man.Pages)
			}
			if sm := MustRead(t, filepath.Join(ts.Out, "sitemap.xml")); !strings.Contains(sm, "<loc>https://example.org/privacy/</loc>") {
				t.Errorf("sitemap lacks /privacy/:\n%s", sm)
			}
			if home := MustRead(t, filepath.Join(ts.Out, "index.html")); !strings.Contains(home, `href="/about/"`) {
				t.Error("home page does not link /about/")
			}
			pages := 0
			filepath.WalkDir(ts.Out, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
					return err
				}
				pages++
				if html := MustRead(t, path); !strings.Contains(html, tt.footer) {
					t.Errorf("%s: footer lacks %s", path, tt.footer)
				}
				return nil
			})
			if pages < 20 {
				t.Errorf("only %d HTML pages checked", pages)
			}
		})
	}
}

// TestOwnPagesSearch: pages of their own are in the search index's
// documents (gzip shards named by search/index.json).
func TestOwnPagesSearch(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	files, err := search.EntryFiles([]byte(MustRead(t, filepath.Join(ts.Out, search.EntryPath))))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range files {
		if !strings.HasPrefix(f, "d/") {
			continue
		}
		zr, err := gzip.NewReader(strings.NewReader(MustRead(t, filepath.Join(ts.Out, search.Dir, f))))
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	if !strings.Contains(all.String(), "/privacy/") || !strings.Contains(all.String(), "/about/") {
		t.Errorf("search documents lack /privacy/ or /about/:\n%s", all.String())
	}
}

// TestOwnPagesRebuild: an edit of a page of its own re-renders exactly
// that page (and the manifest, sitemap or footers when what they show of
// it changed), and a translation for the other language changes nothing.
func TestOwnPagesRebuild(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	privacy, ko := ts.Path("pages/privacy.md"), ts.Path("pages/privacy.ko.md")
	src := MustRead(t, privacy)
	var htmlPages []string
	filepath.WalkDir(ts.Out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".html") {
			htmlPages = append(htmlPages, strings.TrimPrefix(filepath.ToSlash(path), filepath.ToSlash(ts.Out)+"/"))
		}
		return err
	})
	steps := []struct {
		name   string
		edit   func()
		files  []string
		want   []string // nil: every HTML page among others
		remove []string
		index  bool
	}{
		{"body", func() { MustWrite(t, privacy, strings.Replace(src, "What we store", "What we keep", 1)) },
			[]string{privacy}, []string{"privacy/index.html"}, nil, true},
		{"the other language's translation", func() { MustWrite(t, ko, strings.Replace(MustRead(t, ko), "저장하는", "보관하는", 1)) },
			[]string{ko}, []string{}, nil, false},
		{"title shown in every footer", func() { MustWrite(t, privacy, strings.Replace(src, "title: Privacy", "title: Your data", 1)) },
			[]string{privacy}, nil, nil, true},
		{"new page, no footer", func() { MustWrite(t, ts.Path("pages/terms.md"), "---\ntitle: Terms\n---\nBe kind.\n") },
			[]string{ts.Path("pages/terms.md")}, []string{"terms/index.html", "sitemap.xml", beforetrip.ManifestFile}, nil, true},
		{"about removed", func() { os.Remove(ts.Path("pages/about.md")) },
			[]string{ts.Path("pages/about.md")}, []string{"index.html", "sitemap.xml", beforetrip.ManifestFile},
			[]string{"about/index.html"}, true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.edit()
			res := MustRebuild(t, b, Changes{Files: st.files})
			if index := splitSearch(t, res, ts.Out); index != st.index {
				t.Errorf("search index changed: %v, want %v", index, st.index)
			}
			if st.want == nil {
				for _, p := range htmlPages {
					// (search/index.html is taken out with the index's files.)
					if p != "about/index.html" && p != "search/index.html" && !slices.Contains(res.Written, p) {
						t.Errorf("%s not rewritten: its footer links the page", p)
					}
				}
			} else if slices.Sort(st.want); !slices.Equal(res.Written, st.want) {
				t.Errorf("written %v, want %v", res.Written, st.want)
			}
			slices.Sort(st.remove)
			if !slices.Equal(res.Removed, st.remove) {
				t.Errorf("removed %v, want %v", res.Removed, st.remove)
			}
		})
	}
	// The output equals a full build of the same input.
	full := testSite{Content: ts.Content, Theme: ts.Theme, Out: t.TempDir()}
	MustBuild(t, MustBuilder(t, full, nil))
	got := snapshotBytes(t, ts.Out)
	for p, data := range snapshotBytes(t, full.Out) {
		if p != beforetrip.ManifestFile && p != outputsFile && got[p] != data {
			t.Errorf("%s differs from a full build", p)
		}
	}
}
