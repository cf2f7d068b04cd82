package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestServe runs `beforetrip serve` as a user would and changes its site
// the way editors and readers do, waiting on live-reload events for every
// build. Subtests share the server and run in order. It is long because
// they are one session: each step starts from the site the previous one
// left, with one reader hammering pages throughout.
func TestServe(t *testing.T) {
	s := MustStartServe(t)
	const tipURL = "/countries/japan/tips/jr-pass/"
	tipFile := s.P("content/countries/japan/tips/jr-pass.md")

	// A reader hammers pages during every rebuild below; it must never get
	// a partial file.
	stopReader := hammer(t, s.URL, []string{tipURL, "/countries/japan/", "/", "/sitemap.xml"})

	t.Run("first build", func(t *testing.T) {
		code, body := s.get(t, "/")
		if code != 200 || !strings.Contains(body, "/_live/reload.js") {
			t.Fatalf("home: %d, live reload script present: %v", code, strings.Contains(body, "/_live/reload.js"))
		}
		if code, _ := s.get(t, "/.beforetrip-pages.json"); code != 404 {
			t.Errorf("manifest served with %d", code)
		}
		if _, err := os.Stat(s.P("data/jwt.secret")); err != nil {
			t.Errorf("jwt secret not generated: %v", err)
		}
	})
	t.Run("edit", func(t *testing.T) {
		MustWriteFile(t, tipFile, tipMD("Rail passes, revisited", "Edited while serving."))
		s.reloaded(t, tipURL)
		if _, body := s.get(t, tipURL); !strings.Contains(body, "Rail passes, revisited") {
			t.Error("edit not served")
		}
	})
	t.Run("rename over", func(t *testing.T) {
		MustWriteFile(t, tipFile+".tmp", tipMD("Saved atomically", "By rename."))
		if err := os.Rename(tipFile+".tmp", tipFile); err != nil {
			t.Fatal(err)
		}
		s.reloaded(t, tipURL)
		if _, body := s.get(t, tipURL); !strings.Contains(body, "Saved atomically") {
			t.Error("renamed-over file not served")
		}
	})
	t.Run("swap files ignored", func(t *testing.T) {
		dir := s.P("content/countries/japan/tips")
		for _, junk := range []string{".jr-pass.md.swp", "jr-pass.md~", "4913", ".#jr-pass.md", "x.md___jb_tmp___"} {
			MustWriteFile(t, dir+"/"+junk, "junk")
			os.Remove(dir + "/" + junk)
		}
		// Had the debris triggered a build, its event would come first, or
		// its paths would ride in the save's build.
		MustWriteFile(t, tipFile, tipMD("After the swap files", "x"))
		s.reloaded(t, tipURL)
		if last := s.lastLogLine(t, "live: built"); !strings.Contains(last, " files=1 ") {
			t.Errorf("the save's build took more than the tip: %s", last)
		}
	})
	t.Run("create", func(t *testing.T) {
		MustWriteFile(t, s.P("content/countries/japan/tips/onsen.md"), tipMD("Onsen manners", "Wash first."))
		s.reloaded(t, "/countries/japan/tips/onsen/")
		if code, body := s.get(t, "/countries/japan/tips/onsen/"); code != 200 || !strings.Contains(body, "Onsen manners") {
			t.Errorf("new tip: %d", code)
		}
	})
	t.Run("new folder", func(t *testing.T) {
		idx, err := os.ReadFile(s.P("content/countries/japan/_index.md"))
		if err != nil {
			t.Fatal(err)
		}
		// The tip lands in a folder created an instant before: the watcher
		// must pick up files written before its watch on the folder exists.
		MustWriteFile(t, s.P("content/countries/france/_index.md"),
			strings.Replace(string(idx), `name: "Japan"`, `name: "France"`, 1))
		MustWriteFile(t, s.P("content/countries/france/tips/metro.md"), tipMD("Metro tickets", "Buy a Navigo."))
		s.waitFor(t, "/countries/france/tips/metro/")
		if _, body := s.get(t, "/countries/"); !strings.Contains(body, "France") {
			t.Error("countries list lacks the new country")
		}
		if code, _ := s.get(t, "/countries/france/tips/metro/"); code != 200 {
			t.Errorf("tip in new folder: %d", code)
		}
		// The API's page index was reloaded: the new page takes likes.
		if code := s.api(t, "GET", "/api/page?id=countries/france/tips/metro", "", nil, nil); code != 200 {
			t.Errorf("API does not know the new page: %d", code)
		}
	})
	// Pages that list a tip (tipMD tags every tip "rail").
	listing := []string{"/countries/japan/tips/", "/sitemap.xml", "/feed.xml", "/countries/japan/", "/tags/rail/"}
	t.Run("rename", func(t *testing.T) {
		if err := os.Rename(s.P("content/countries/japan/tips/onsen.md"), s.P("content/countries/japan/tips/hot-springs.md")); err != nil {
			t.Fatal(err)
		}
		s.waitFor(t, "/countries/japan/tips/hot-springs/")
		if code, _ := s.get(t, "/countries/japan/tips/onsen/"); code != 404 {
			t.Errorf("old URL of the renamed page: %d, want 404", code)
		}
		if code, body := s.get(t, "/countries/japan/tips/hot-springs/"); code != 200 || !strings.Contains(body, "Onsen manners") {
			t.Errorf("new URL of the renamed page: %d", code)
		}
		for _, page := range listing {
			_, body := s.get(t, page)
			if strings.Contains(body, "/countries/japan/tips/onsen/") || !strings.Contains(body, "/countries/japan/tips/hot-springs/") {
				t.Errorf("%s does not follow the rename", page)
			}
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := os.Remove(s.P("content/countries/japan/tips/hot-springs.md")); err != nil {
			t.Fatal(err)
		}
		s.reloaded(t, "/countries/japan/tips/hot-springs/")
		if code, _ := s.get(t, "/countries/japan/tips/hot-springs/"); code != 404 {
			t.Errorf("deleted page: %d, want 404", code)
		}
		if code := s.api(t, "GET", "/api/page?id=countries/japan/tips/hot-springs", "", nil, nil); code != 404 {
			t.Errorf("API still knows the deleted page: %d", code)
		}
		for _, page := range listing {
			if _, body := s.get(t, page); strings.Contains(body, "/countries/japan/tips/hot-springs/") {
				t.Errorf("%s still links the deleted tip", page)
			}
		}
	})
	t.Run("300 files, one build", func(t *testing.T) {
		for i := range 300 {
			MustWriteFile(t, s.P(fmt.Sprintf("content/countries/japan/tips/mass-%03d.md", i)),
				tipMD(fmt.Sprintf("Mass tip %03d", i), "Generated."))
		}
		// The watcher sends a burst as one batch once 100 ms pass without an
		// event (watch.TestMassChangeIsOneBatch proves it with a wider window).
		// A test machine that stalls the writer for longer splits it, so
		// count the builds until every page is out, and allow a stall or two.
		builds := 0
		for missing := 300; missing > 0; {
			s.reloaded(t, "")
			builds++
			missing = 0
			for i := range 300 {
				if code, _ := s.get(t, fmt.Sprintf("/countries/japan/tips/mass-%03d/", i)); code != 200 {
					missing++
				}
			}
		}
		// A split burst's later build may publish while the loop above is
		// still reading pages, so its event can still be queued: count it
		// with the burst. After those, the next build is the next change.
		MustWriteFile(t, tipFile, tipMD("After the burst", "x"))
		for {
			ev := s.reloaded(t, "")
			if ev.All {
				t.Fatal("a full rebuild came for the burst or the next change")
			}
			if contains(ev.Paths, tipURL) {
				break
			}
			builds++
		}
		if builds > 3 {
			t.Errorf("300 files took %d builds", builds)
		}
		t.Logf("300 files: %d build(s)", builds)
	})
	t.Run("template edit", func(t *testing.T) {
		layout := MustFindLayout(t, s.P("themes/default"))
		data, err := os.ReadFile(layout)
		if err != nil {
			t.Fatal(err)
		}
		MustWriteFile(t, layout, strings.Replace(string(data), "</body>", "<i data-t=\"template-marker\"></i></body>", 1))
		s.reloaded(t, "")
		if _, body := s.get(t, "/countries/japan/"); !strings.Contains(body, "template-marker") {
			t.Error("pages not re-rendered after a template edit")
		}
	})
	t.Run("content error keeps last good site", func(t *testing.T) {
		country := s.P("content/countries/japan/_index.md")
		good, err := os.ReadFile(country)
		if err != nil {
			t.Fatal(err)
		}
		_, before := s.get(t, "/countries/japan/")
		MustWriteFile(t, country, strings.Replace(string(good), "visa:", "visa_typo:", 1))
		ev := s.next(t)
		if ev.Name != "build-error" || !strings.Contains(ev.Error, "japan/_index.md") || !strings.Contains(ev.Error, "visa") {
			t.Fatalf("got %s %q, want a build-error naming the file and field", ev.Name, ev.Error)
		}
		if code, body := s.get(t, "/countries/japan/"); code != 200 || body != before {
			t.Errorf("broken build changed what is served (%d)", code)
		}
		// The editor's terminal says it too, with the file and line.
		if last := s.lastLogLine(t, "live: build failed"); !strings.Contains(last, "japan/_index.md:") || !strings.Contains(last, "visa") {
			t.Errorf("terminal: %q, want the error with file:line", last)
		}
		MustWriteFile(t, country, string(good))
		s.reloaded(t, "")
	})
	t.Run("config change", func(t *testing.T) {
		cfgFile := s.P("config.yaml")
		good, err := os.ReadFile(cfgFile)
		if err != nil {
			t.Fatal(err)
		}
		MustWriteFile(t, cfgFile, strings.Replace(string(good), "title: beforetrip test", "title: Renamed while serving", 1))
		s.reloaded(t, "/")
		if _, body := s.get(t, "/"); !strings.Contains(body, "Renamed while serving") {
			t.Error("new title not served after a config change")
		}
		if _, feed := s.get(t, "/feed.xml"); !strings.Contains(feed, s.URL+"/") {
			t.Error("after a config change, the feed's links no longer use the address served")
		}
		MustWriteFile(t, cfgFile, string(good)+"\nlanguage: xx\n")
		if ev := s.next(t); ev.Name != "build-error" || !strings.Contains(ev.Error, "language") {
			t.Errorf("invalid config: got %s %q, want a build-error about language", ev.Name, ev.Error)
		}
		MustWriteFile(t, cfgFile, string(good))
		s.reloaded(t, "")
	})
	t.Run("like storm reorders popular", func(t *testing.T) {
		const popular, other = "countries/japan/tips/suica", "countries/japan/tips/jr-pass"
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				tok := s.MustUser(t, "liker"+strconv.Itoa(i))
				if code := s.api(t, "PUT", "/api/likes?page="+popular, tok, nil, nil); code != 200 {
					t.Errorf("like: %d", code)
				}
				if i < 3 {
					s.api(t, "PUT", "/api/likes?page="+other, tok, nil, nil)
				}
			})
		}
		wg.Wait()
		// Every like is stored; the build after the last one shows them
		// all, on /popular/ and in popular.json.
		for {
			_, body := s.get(t, "/popular/")
			a, b := strings.Index(body, "/"+popular+"/"), strings.Index(body, "/"+other+"/")
			page := a >= 0 && b >= 0 && a < b && strings.Contains(body, `data-count="12"`)
			if page && popularJSONShows(t, s, []string{popular, other}, []int64{12, 3}) {
				break
			}
			if ev := s.waitFor(t, "/popular/"); ev.Name != "data" {
				t.Errorf("a like build sent %q; tabs must not reload for likes", ev.Name)
			}
		}
	})
	t.Run("reader review appears and disappears", func(t *testing.T) {
		tok := s.MustUser(t, "reviewer")
		var created struct {
			Review struct {
				ID uint64 `json:"id"`
			} `json:"review"`
		}
		if code := s.api(t, "POST", "/api/reviews", tok, map[string]any{"country": "japan",
			"title": "Reader's Kyoto", "rating": 5, "body": "Loved **it**."}, &created); code != 201 {
			t.Fatalf("create review: %d", code)
		}
		url := fmt.Sprintf("/countries/japan/reviews/u-%d/", created.Review.ID)
		s.waitFor(t, url)
		if code, body := s.get(t, url); code != 200 || !strings.Contains(body, "Reader&#39;s Kyoto") && !strings.Contains(body, "Reader's Kyoto") {
			t.Errorf("reader review page: %d", code)
		}
		if code := s.api(t, "DELETE", "/api/reviews/"+strconv.FormatUint(created.Review.ID, 10), tok, nil, nil); code != 204 {
			t.Fatalf("delete review: %d", code)
		}
		s.waitFor(t, url)
		if code, _ := s.get(t, url); code != 404 {
			t.Errorf("deleted reader review: %d, want 404", code)
		}
	})
	if n, bad := stopReader(); bad != "" {
		t.Errorf("a reader got a partial file (of %d reads): %s", n, bad)
	} else {
		t.Logf("concurrent reader: %d complete reads during rebuilds", n)
	}
}

// hammer fetches urls in a loop until the returned stop is called, which
// reports how many reads were made and the first incomplete one.
func hammer(t *testing.T, base string, urls []string) func() (int64, string) {
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	var bad atomic.Value
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			u := base + urls[i%len(urls)]
			resp, err := http.Get(u)
			if err != nil {
				continue
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				continue
			}
			n.Add(1)
			end := strings.TrimSpace(string(body))
			complete := strings.HasSuffix(end, "</html>") || strings.HasSuffix(end, "</urlset>")
			if !complete && bad.Load() == nil {
				bad.Store(fmt.Sprintf("%s (%d bytes): ...%s", u, len(body), tail(end, 80)))
			}
		}
	}()
	return func() (int64, string) {
		cancel()
		<-done
		s, _ := bad.Load().(string)
		return n.Load(), s
	}
}

// MustWriteFile writes a file, creating its folders.
func MustWriteFile(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestServeFirstBuildFails: an editor starts serve on a broken site. The
// server runs anyway, tabs get the error and a page that reloads, and the
// site appears once the file is fixed.
func TestServeFirstBuildFails(t *testing.T) {
	root := t.TempDir()
	MustCopyTree(t, "../../live/testdata/site", root)
	MustCopyTree(t, "../../themes/default", filepath.Join(root, "themes", "default"))
	country := filepath.Join(root, "content", "countries", "japan", "_index.md")
	good, err := os.ReadFile(country)
	if err != nil {
		t.Fatal(err)
	}
	MustWriteFile(t, country, strings.Replace(string(good), "visa:", "visa_typo:", 1))
	s := MustStartServeAt(t, root)
	if ev := s.next(t); ev.Name != "build-error" || !strings.Contains(ev.Error, "visa") {
		t.Fatalf("a new tab got %s %q, want the build error", ev.Name, ev.Error)
	}
	code, body := s.get(t, "/")
	if code != 404 || !strings.Contains(body, "/_live/reload.js") {
		t.Errorf("before the first good build: %d, reload script %v", code, strings.Contains(body, "/_live/reload.js"))
	}
	MustWriteFile(t, country, string(good))
	s.reloaded(t, "/")
	if code, _ := s.get(t, "/countries/japan/"); code != 200 {
		t.Errorf("after the fix: %d", code)
	}
}

// popularJSONShows reports whether /popular.json starts with ids with
// those like counts.
func popularJSONShows(tb testing.TB, s *testServer, ids []string, likes []int64) bool {
	tb.Helper()
	_, js := s.get(tb, "/popular.json")
	var feed struct {
		Items []struct {
			ID    string `json:"id"`
			Likes int64  `json:"likes"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(js), &feed); err != nil {
		tb.Fatalf("popular.json: %v", err)
	}
	if len(feed.Items) < len(ids) {
		return false
	}
	for i, id := range ids {
		if feed.Items[i].ID != id || feed.Items[i].Likes != likes[i] {
			return false
		}
	}
	return true
}
