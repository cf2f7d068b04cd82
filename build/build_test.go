package build

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
)

func TestBuildOutputs(t *testing.T) {
	ts := MustSite(t)
	res := MustBuild(t, MustBuilder(t, ts, nil))
	for _, p := range []string{
		"index.html", "404.html", "feed.xml", "sitemap.xml", "popular.json", beforetrip.ManifestFile,
		"countries/index.html", "countries/japan/index.html", "countries/japan/tips/index.html",
		"countries/japan/reviews/index.html", "countries/japan/tips/jr-pass/index.html",
		"countries/japan/reviews/tokyo-hotel/index.html", "countries/japan/popular/index.html",
		"countries/south-korea/tips/서울-지하철/index.html", "tags/index.html", "tags/rail/index.html",
		"tags/교통/index.html", "popular/index.html",
	} {
		if _, err := os.Stat(filepath.Join(ts.Out, filepath.FromSlash(p))); err != nil {
			t.Errorf("missing output %s: %v", p, err)
		}
	}
	if got, want := res.Kinds[beforetrip.KindTip], 3; got != want {
		t.Errorf("tips = %d, want %d (draft excluded)", got, want)
	}
	if _, err := os.Stat(filepath.Join(ts.Out, "countries/japan/tips/draft/index.html")); !os.IsNotExist(err) {
		t.Errorf("draft page written: %v", err)
	}
	css, _ := filepath.Glob(filepath.Join(ts.Out, "css", "main.*.css"))
	if len(css) != 1 || !strings.Contains(MustRead(t, filepath.Join(ts.Out, "index.html")), "/css/"+filepath.Base(css[0])) {
		t.Errorf("fingerprinted CSS %v not referenced by the home page", css)
	}
	var m beforetrip.Manifest
	if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(ts.Out, beforetrip.ManifestFile))), &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != beforetrip.ManifestVersion || len(m.Pages) != res.Pages {
		t.Errorf("manifest version %d with %d pages, want %d pages", m.Version, len(m.Pages), res.Pages)
	}
}

func TestDrafts(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.Drafts = true }))
	if _, err := os.Stat(filepath.Join(ts.Out, "countries/japan/tips/draft/index.html")); err != nil {
		t.Errorf("draft not built with Drafts: %v", err)
	}
}

// TestEditorDebrisIsNotContent: the files editors leave beside a page
// (emacs autosaves, vim probes, JetBrains and generic temporaries, partial
// downloads) are skipped by a full build, as the watcher skips them; they
// used to fail it as "not part of the content model".
func TestEditorDebrisIsNotContent(t *testing.T) {
	ts := MustSite(t)
	want := MustBuild(t, MustBuilder(t, ts, nil)).Pages
	for _, name := range []string{"#jr-pass.md#", "4913", "jr-pass.md.tmp", "jr-pass.md___jb_tmp___",
		"jr-pass.md.part", "jr-pass.md.crswap", "jr-pass.md.swo", ".#jr-pass.md", "jr-pass.md~"} {
		MustWrite(t, ts.Path("countries/japan/tips/"+name), "half a save")
	}
	MustWrite(t, ts.Path("countries/japan/tips/.cache/x.md"), "not content")
	if got := MustBuild(t, MustBuilder(t, ts, nil)).Pages; got != want {
		t.Errorf("built %d pages with debris beside them, want %d", got, want)
	}
}

func TestEscaping(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	for _, p := range []string{"countries/japan/tips/script/index.html", "countries/japan/tips/index.html",
		"tags/rail/index.html", "feed.xml", "sitemap.xml", "popular.json", beforetrip.ManifestFile, "index.html"} {
		t.Run(p, func(t *testing.T) {
			got := MustRead(t, filepath.Join(ts.Out, filepath.FromSlash(p)))
			if strings.Contains(got, "<script>alert") || strings.Contains(got, "<b>bold</b>") || strings.Contains(got, "<em>markup") {
				t.Errorf("%s contains unescaped markup from front matter", p)
			}
		})
	}
	page := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/script/index.html"))
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;") {
		t.Errorf("escaped title not found in page")
	}
	for _, p := range []string{"feed.xml", "sitemap.xml"} {
		dec := xml.NewDecoder(strings.NewReader(MustRead(t, filepath.Join(ts.Out, p))))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", p, err)
			}
		}
	}
	if feed := MustRead(t, filepath.Join(ts.Out, "feed.xml")); !strings.Contains(feed, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("feed lacks the escaped title")
	}
	var pop popularDoc
	if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(ts.Out, "popular.json"))), &pop); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(pop.Items, func(i popularItem) bool { return i.Title == `<script>alert(1)</script> & "quotes"` }) {
		t.Errorf("popular.json does not round-trip the title")
	}
	if raw := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/jr-pass/index.html")); strings.Contains(raw, `<script>alert("raw")`) {
		t.Errorf("raw HTML from Markdown rendered without UnsafeHTML")
	}
}

func TestUnsafeHTML(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.UnsafeHTML = true }))
	if raw := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/jr-pass/index.html")); !strings.Contains(raw, `<script>alert("raw")`) {
		t.Errorf("raw HTML dropped with UnsafeHTML")
	}
}

func TestKorean(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.Language = "ko" }))
	page := MustRead(t, filepath.Join(ts.Out, "countries/south-korea/tips/서울-지하철/index.html"))
	for _, want := range []string{`<html lang="ko">`, "<h1>서울 지하철 타는 법</h1>", `id="노선도"`,
		`href="/tags/%ea%b5%90%ed%86%b5/"`, "2025년 3월 5일"} {
		if !strings.Contains(strings.ToLower(page), strings.ToLower(want)) {
			t.Errorf("Korean page lacks %q", want)
		}
	}
	list := MustRead(t, filepath.Join(ts.Out, "countries/south-korea/tips/index.html"))
	if !strings.Contains(strings.ToLower(list), strings.ToLower(`href="/countries/south-korea/tips/%EC%84%9C%EC%9A%B8-%EC%A7%80%ED%95%98%EC%B2%A0/"`)) {
		t.Errorf("list does not link the Korean slug percent-encoded")
	}
	if sm := MustRead(t, filepath.Join(ts.Out, "sitemap.xml")); !strings.Contains(sm, "https://example.org/tags/%EA%B5%90%ED%86%B5/") {
		t.Errorf("sitemap lacks the encoded Korean tag URL")
	}
	if _, err := os.Stat(filepath.Join(ts.Out, "tags", "교통", "index.html")); err != nil {
		t.Errorf("Korean tag page not on disk under its UTF-8 name: %v", err)
	}
}

func TestUnchangedFilesKeepMtime(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	file := filepath.Join(ts.Out, "countries/japan/index.html")
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	// A new Builder (a new process) compares with the files on disk.
	res := MustBuild(t, MustBuilder(t, ts, nil))
	if len(res.Written) != 0 || len(res.Removed) != 0 {
		t.Errorf("second build wrote %v, removed %v; want nothing", res.Written, res.Removed)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ModTime().Equal(old) {
		t.Errorf("unchanged file rewritten: mtime %v, want %v", st.ModTime(), old)
	}
	left, _ := filepath.Glob(filepath.Join(ts.Out, tmpPrefix+"*"))
	if len(left) != 0 {
		t.Errorf("staging leftovers: %v", left)
	}
}

func TestFailedBuildWritesNothing(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	before := snapshot(t, ts.Out)
	MustWrite(t, ts.Path("countries/japan/tips/jr-pass.md"), "---\ntitle: Changed\ndate: 2025-03-01\n---\nNew body.\n")
	MustWrite(t, ts.Path("countries/japan/tips/broken.md"), "---\ntitle: [unclosed\n---\n")
	if _, err := b.Build(context.Background()); err == nil {
		t.Fatal("build with a broken file succeeded")
	}
	if after := snapshot(t, ts.Out); !maps.Equal(before, after) {
		t.Errorf("failed build changed the output folder")
	}
	// A fresh folder stays empty.
	ts2 := MustSite(t)
	MustWrite(t, ts2.Path("countries/japan/tips/broken.md"), "---\ntitle: x\n---\n")
	if _, err := MustBuilder(t, ts2, nil).Build(context.Background()); err == nil {
		t.Fatal("build with a broken file succeeded")
	}
	if entries, _ := os.ReadDir(ts2.Out); len(entries) != 0 {
		t.Errorf("failed first build left %d entries in the output folder", len(entries))
	}
}

func TestRemovedPageDisappears(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, nil))
	if err := os.Remove(ts.Path("countries/japan/reviews/tokyo-hotel.md")); err != nil {
		t.Fatal(err)
	}
	res := MustBuild(t, MustBuilder(t, ts, nil))
	for _, want := range []string{"countries/japan/reviews/tokyo-hotel/index.html", "tags/hotels/index.html"} {
		if !slices.Contains(res.Removed, want) {
			t.Errorf("Removed = %v, want %s in it", res.Removed, want)
		}
	}
	if _, err := os.Stat(filepath.Join(ts.Out, "countries/japan/reviews/tokyo-hotel")); !os.IsNotExist(err) {
		t.Errorf("removed page's folder still there: %v", err)
	}
}

// snapshot maps every file under dir to its content and mtime.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			out[p] = info.ModTime().String() + "\x00" + string(data)
		}
		return nil
	})
	return out
}
