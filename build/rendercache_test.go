package build

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/search"
)

var builtTime = regexp.MustCompile(`"built":"[^"]*"`)

// TestRenderCacheMatchesNoCache applies random edits (tips and reviews
// written, rewritten, renamed and deleted, page bundles with covers and
// pictures and their images changed, country pages, a template, a UI
// string, a static file, the configuration, likes and reader reviews, the
// output folder wiped, the cache file damaged) and after each one builds
// the site as a new process would, with the render cache, and without it
// into an empty folder: the two outputs must be byte for byte the same,
// also when the first kept the search index published (searchkeep.go).
// Every other cached build is made as the build command makes it (Once):
// its search index frees what an edit would need, and the cache it
// writes (search docs encoded only then) serves the next build.
func TestRenderCacheMatchesNoCache(t *testing.T) {
	ts := MustSite(t)
	data := &memData{}
	images := t.TempDir() // the image cache, shared: only the render cache differs
	renderDir := t.TempDir()
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := WithClock(func() time.Time { return day.AddDate(0, 0, 90) })
	title := "beforetrip test"
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	countries := []string{"japan", "south-korea"}
	var files []string // tips and reviews we created
	write := func(path string) {
		fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\ntags: [%s]\nweight: %d\ndraft: %v\n", pick([]string{"One", "Two", "여행"}),
			day.AddDate(0, 0, r.IntN(60)).Format(time.DateOnly), pick([]string{"rail", "food, 교통", ""}), r.IntN(3), r.IntN(8) == 0)
		if strings.Contains(path, "/reviews/") {
			fm += fmt.Sprintf("rating: %d\n", 1+r.IntN(5))
		}
		if r.IntN(3) == 0 {
			fm += "summary: " + pick([]string{"Short.", "Another summary."}) + "\n"
		}
		body := strings.Repeat(pick([]string{"Some words here. ", "한국어 문장입니다. ", "## Part\n\nText.\n\n"}), 1+r.IntN(6))
		if strings.HasSuffix(path, "/index.md") {
			fm += "cover: a.png\ncover_alt: A picture\n"
			body += "\n\n![Another picture](b.png)\n"
			for _, name := range []string{"a.png", "b.png"} {
				if _, err := os.Stat(filepath.Join(filepath.Dir(path), name)); err != nil {
					MustWrite(t, filepath.Join(filepath.Dir(path), name), string(pngOf(t, 40+r.IntN(3), 30)))
				}
			}
		}
		MustWrite(t, path, fm+"---\n"+body+"\n")
	}
	newPath := func() string {
		c, sec := pick(countries), pick([]string{"tips", "reviews"})
		if r.IntN(3) == 0 {
			return ts.Path(fmt.Sprintf("countries/%s/%s/b%d/index.md", c, sec, r.IntN(4)))
		}
		return ts.Path(fmt.Sprintf("countries/%s/%s/p%d.md", c, sec, r.IntN(10)))
	}
	build := func(cached bool, out string, opts ...Option) *Result {
		return MustBuild(t, MustBuilder(t, testSite{Content: ts.Content, Theme: ts.Theme, Out: out}, func(c *Config) {
			c.CacheDir, c.RenderCacheDir, c.NoRenderCache, c.Title = images, renderDir, !cached, title
		}, append(opts, WithSiteData(data), clock)...))
	}
	hits, kept := 0, 0 // pages from the cache; builds that kept the search index
	for step := 0; step < 60; step++ {
		var what string
		switch op := r.IntN(12); {
		case op <= 2 || len(files) == 0:
			path := newPath()
			if _, err := os.Stat(path); err != nil {
				files = append(files, path)
			}
			write(path)
			what = "write " + path
		case op == 3: // delete or rename
			i := r.IntN(len(files))
			path := files[i]
			files = append(files[:i], files[i+1:]...)
			what = "delete " + path
			if r.IntN(2) == 0 {
				// Into the same section of either country, under a new name.
				to := filepath.Join(filepath.Dir(path), fmt.Sprintf("r%d.md", r.IntN(10)))
				to = strings.Replace(to, "/"+pick(countries)+"/", "/"+pick(countries)+"/", 1)
				if _, err := os.Stat(to); err != nil && !strings.HasSuffix(path, "/index.md") {
					os.MkdirAll(filepath.Dir(to), 0o755)
					if err := os.Rename(path, to); err != nil {
						t.Fatal(err)
					}
					files = append(files, to)
					what = "rename " + path + " to " + to
					break
				}
			}
			os.Remove(path)
			if strings.HasSuffix(path, "/index.md") {
				os.RemoveAll(filepath.Dir(path))
			}
		case op == 4: // an image of a bundle changes
			path := pick(files)
			if !strings.HasSuffix(path, "/index.md") {
				continue
			}
			img := filepath.Join(filepath.Dir(path), pick([]string{"a.png", "b.png"}))
			MustWrite(t, img, string(pngOf(t, 40+r.IntN(5), 20+r.IntN(20))))
			what = "image " + img
		case op == 5: // a country page: its name shows on its tips' pages
			c := pick(countries)
			path := ts.Path("countries/" + c + "/_index.md")
			src := MustRead(t, "testdata/site/content/countries/"+c+"/_index.md")
			MustWrite(t, path, strings.Replace(src, "\n---\n", fmt.Sprintf("\ntitle: Country %d\n---\n", r.IntN(3)), 1))
			what = "country " + c
		case op == 6: // a template or a UI string
			n := r.IntN(3)
			if r.IntN(2) == 0 {
				file := filepath.Join(ts.Theme, "layouts", "single.html")
				src := MustRead(t, file)
				src = src[:strings.Index(src, "<div class=\"prose\"")+len("<div class=\"prose\"")] + src[strings.Index(src, ">{{.Body}}"):]
				MustWrite(t, file, strings.Replace(src, "<div class=\"prose\">", fmt.Sprintf("<div class=\"prose\" data-v=\"%d\">", n), 1))
				what = fmt.Sprintf("template v%d", n)
				break
			}
			file := filepath.Join(ts.Theme, "i18n", "en.yaml")
			lines := strings.Split(MustRead(t, file), "\n")
			for i, l := range lines {
				if strings.HasPrefix(l, "kind_tip:") {
					lines[i] = fmt.Sprintf("kind_tip: Tip %d", n)
				}
			}
			MustWrite(t, file, strings.Join(lines, "\n"))
			what = fmt.Sprintf("UI string v%d", n)
		case op == 7: // a static file: every page links its new name
			file := filepath.Join(ts.Theme, "static", "css", "main.css")
			MustWrite(t, file, MustRead(t, file)+fmt.Sprintf("\n/* %d */\n", step))
			what = "css"
		case op == 8: // the configuration
			title = pick([]string{"beforetrip test", "Another title"})
			what = "title " + title
		case op == 9: // likes and reader reviews
			id := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(pick(files), ts.Content+"/"), ".md"), "/index")
			data.setCounts(id, beforetrip.Counts{Likes: int64(r.IntN(4)), Comments: int64(r.IntN(3))})
			data.mu.Lock()
			data.reviews = []beforetrip.Review{{ID: 1, Country: pick(countries), Title: "Reader", Rating: 4, Body: "Nice.",
				Author: beforetrip.Author{ID: 1, Username: "kim"}, CreatedAt: day}}
			data.mu.Unlock()
			what = "data " + id
		case op == 10: // the output folder is gone (a fresh checkout), the cache stays
			os.RemoveAll(ts.Out)
			what = "wipe output"
		default: // the cache file is damaged: a byte flipped or cut short
			file := filepath.Join(renderDir, cacheFile)
			raw, err := os.ReadFile(file)
			if err != nil || len(raw) < 100 {
				continue
			}
			if i := len(cacheMagic) + r.IntN(len(raw)-len(cacheMagic)); r.IntN(2) == 0 {
				raw[i] ^= 0x20
			} else {
				raw = raw[:i]
			}
			MustWrite(t, file, string(raw))
			what = "damage cache"
		}
		var once []Option
		if step%2 == 1 {
			once = append(once, Once())
		}
		res := build(true, ts.Out, once...)
		hits += res.Cached
		if res.IndexKept {
			kept++
		}
		want := t.TempDir()
		build(false, want)
		got, exp := snapshotBytes(t, ts.Out), snapshotBytes(t, want)
		for p, w := range exp {
			if p == beforetrip.ManifestFile { // its "built" is the wall clock's
				w, got[p] = builtTime.ReplaceAllString(w, ""), builtTime.ReplaceAllString(got[p], "")
			}
			if p != outputsFile && got[p] != w {
				t.Fatalf("step %d (%s): %s differs from a build without the cache:\n%s\nwant:\n%s", step, what, p, got[p], w)
			}
		}
		for p := range got {
			if _, ok := exp[p]; !ok {
				t.Fatalf("step %d (%s): %s left behind", step, what, p)
			}
		}
	}
	if hits == 0 {
		t.Fatal("no page came from the cache: the test does not test it")
	}
	if kept == 0 {
		t.Fatal("no build kept the search index: the test does not test it")
	}
	t.Logf("%d pages from the cache, %d of 60 builds kept the search index", hits, kept)
}

// TestCachedPageEqualsLoaded: a tip or review taken from the render cache
// has every field loading its file gives (its body and table of contents
// aside, which a render converts again), a page bundle's cover included;
// a field added to Page and forgotten by the cache fails here.
func TestCachedPageEqualsLoaded(t *testing.T) {
	ts := MustSite(t)
	dir := ts.Path("countries/japan/tips/onsen")
	MustWrite(t, filepath.Join(dir, "index.md"), bundleTip)
	MustWrite(t, filepath.Join(dir, "onsen.jpg"), string(pngOf(t, 60, 40)))
	MustWrite(t, filepath.Join(dir, "map.png"), string(pngOf(t, 30, 20)))
	MustWrite(t, ts.Path("countries/japan/tips/dated.md"), "---\ntitle: Dated\ndate: 2025-03-01T09:00:00+09:00\n"+
		"tags: [Rail, 교통]\nweight: 2\nauthor: Kim\nlang: en-GB\nsummary: Short.\n---\n한국어 본문입니다.\n")
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	b.rc = b.openRenderCache()
	if len(b.rc.entries) == 0 {
		t.Fatal("no entries in the cache")
	}
	n := 0
	for rel := range b.rc.entries {
		path := ts.Path(rel)
		cached, _ := b.loadFile(path)
		if cached == nil || cached.cached == nil || cached.cached.raw == "" {
			t.Fatalf("%s: not taken from the cache", rel)
		}
		b.rc = nil
		loaded, errs := b.loadFile(path)
		b.rc = b.openRenderCache()
		if loaded == nil {
			t.Fatalf("%s: %v", rel, errs)
		}
		if cached.search.raw == "" && !loaded.Draft {
			t.Errorf("%s: no search doc in the cache", rel)
		}
		if cached.search.raw != "" { // decoded, it is the doc of the page loaded
			if err := errors.Join(b.analyse(cached), b.analyse(loaded)); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cached.search.doc, loaded.search.doc) {
				t.Errorf("%s: search doc from the cache\n%+v\nanalysed\n%+v", rel, cached.search.doc, loaded.search.doc)
			}
		}
		for _, p := range []*Page{cached, loaded} {
			p.Body, p.TOC, p.search, p.cached = "", nil, pageSearch{}, nil
		}
		if !reflect.DeepEqual(cached, loaded) {
			t.Errorf("%s: from the cache\n%+v\nloaded\n%+v", rel, cached, loaded)
		}
		n++
	}
	if n < 6 {
		t.Errorf("compared %d pages", n)
	}
}

// TestSearchGzipCache: a restarted build takes the search index's
// compressed files from the cache beside the render cache (the file is
// not written again when every file came from it) and publishes what a
// build without it does; a damaged cache costs compressions, never a
// wrong file.
func TestSearchGzipCache(t *testing.T) {
	ts := MustSite(t)
	renderDir := t.TempDir()
	build := func(out string, noCache bool) map[string]string {
		MustBuild(t, MustBuilder(t, testSite{Content: ts.Content, Theme: ts.Theme, Out: out}, func(c *Config) {
			c.RenderCacheDir, c.NoRenderCache = renderDir, noCache
		}))
		files := snapshotBytes(t, out)
		// The record file holds mtimes, the manifest when it was built.
		delete(files, outputsFile)
		files[".beforetrip-pages.json"] = builtTime.ReplaceAllString(files[".beforetrip-pages.json"], "")
		return files
	}
	want := build(filepath.Join(t.TempDir(), "public"), true)
	if got := build(filepath.Join(t.TempDir(), "public"), false); !maps.Equal(got, want) {
		t.Fatal("cold build with the cache differs from the build without it")
	}
	gzFile := filepath.Join(renderDir, "search-"+cacheFile)
	before, err := os.Stat(gzFile)
	if err != nil {
		t.Fatalf("no search index cache after a full build: %v", err)
	}
	if got := build(filepath.Join(t.TempDir(), "public"), false); !maps.Equal(got, want) {
		t.Fatal("restarted build differs from the build without the cache")
	}
	if after, err := os.Stat(gzFile); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Fatalf("search index cache written again by a build that found every file in it (%v)", err)
	}
	data := []byte(MustRead(t, gzFile))
	for i := len(data) / 2; i < len(data); i += 97 {
		data[i] ^= 0x55
	}
	MustWrite(t, gzFile, string(data))
	if got := build(filepath.Join(t.TempDir(), "public"), false); !maps.Equal(got, want) {
		t.Fatal("build over a damaged search index cache differs from the build without it")
	}
}

// TestCachedDocRoundTrip: a search doc written to the render cache reads
// back with the same terms and fields (their IDs are the process's own:
// the cache holds the terms as text), ready to merge with a country's
// names and to compare equal to the doc it was written from.
func TestCachedDocRoundTrip(t *testing.T) {
	doc := search.NewDoc(search.Source{ID: "japan/tips/rail", URL: "/japan/tips/rail/", Title: "Rail passes",
		Country: "japan", Section: "tips", Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		Tags: []string{"transport"}, Headings: []string{"Buying a pass"},
		Body: "The JR pass covers shinkansen trains; 교통카드를 사세요. Cafés take cards."})
	var e encoder
	e.doc(doc)
	d := decoder{s: string(e.b)}
	got := d.doc()
	if d.err != nil || d.s != "" {
		t.Fatalf("decode: %v, %d bytes left", d.err, len(d.s))
	}
	if !reflect.DeepEqual(got, doc) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", got, doc)
	}
	ctx := search.ContextTerms([]string{"Japan", "일본"})
	a, _ := got.WithContext(ctx)
	b, _ := doc.WithContext(ctx)
	if !slices.Equal(a.Terms, b.Terms) {
		t.Fatalf("with context: %v, want %v", a.Terms, b.Terms)
	}
}
