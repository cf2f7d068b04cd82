package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// swConf reads the data line of a built sw.js.
func swConf(t *testing.T, out string) (conf struct {
	Version string
	Shell   []string
	Trips   map[string]string
}) {
	t.Helper()
	line, _, _ := strings.Cut(strings.SplitN(MustRead(t, filepath.Join(out, pathSW)), "\n", 3)[1], "\n")
	js, ok := strings.CutPrefix(line, "var BT = ")
	if !ok {
		t.Fatalf("sw.js: second line %q is not the builder's data", line)
	}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(js, ";")), &conf); err != nil {
		t.Fatalf("sw.js data: %v", err)
	}
	return conf
}

// fileOf is the output file a site URL is served from.
func fileOf(t *testing.T, out, u string) string {
	t.Helper()
	p, err := url.PathUnescape(u)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(p, "/")))
}

var localRef = regexp.MustCompile(`(?:href|src|srcset)="(/[^"]*)"`)

// TestOfflineOutputs builds the shipped sample site (pictures included)
// for production and checks what offline reading needs: the web app
// manifest and its icons, sw.js naming one list per country, each list
// named by the hash of its bytes and holding every tip and review of its
// country (reader reviews included), the lists of them, and every
// stylesheet, script and picture those pages load, all of them on disk.
func TestOfflineOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	data := &memData{reviews: []beforetrip.Review{{ID: 3, Country: "japan", Title: "Reader", Rating: 4, Body: "Fine.",
		Author: beforetrip.Author{ID: 1, Username: "kim"}}}}
	b, err := New(Config{ContentDir: "../content", ThemeDir: "../themes/default", OutDir: out, Title: "Trip site"}, WithSiteData(data))
	if err != nil {
		t.Fatal(err)
	}
	res := MustBuild(t, b)

	var m struct {
		Name, Scope string
		Theme       string `json:"theme_color"`
		Icons       []struct{ Src, Sizes string }
	}
	if err := json.Unmarshal([]byte(MustRead(t, filepath.Join(out, pathWebManifest))), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Trip site" || m.Scope != "/" || m.Theme != themeColor || len(m.Icons) != 3 {
		t.Errorf("manifest.webmanifest = %+v, want the site's title, scope /, theme colour and 3 icons", m)
	}
	for _, ic := range m.Icons {
		if _, err := os.Stat(fileOf(t, out, ic.Src)); err != nil {
			t.Errorf("icon %s: %v", ic.Src, err)
		}
	}
	home := MustRead(t, filepath.Join(out, "index.html"))
	if !strings.Contains(home, `<link rel="manifest" href="/manifest.webmanifest">`) || !strings.Contains(home, `<a href="/saved/">`) {
		t.Error("the home page links neither the manifest nor /saved/")
	}

	conf := swConf(t, out)
	if len(conf.Version) != 12 || !slices.Contains(conf.Shell, "/saved/") {
		t.Errorf("sw.js version %q, shell %v: want a 12-digit version and /saved/ in the shell", conf.Version, conf.Shell)
	}
	for _, u := range conf.Shell {
		if _, err := os.Stat(fileOf(t, out, u)); err != nil {
			t.Errorf("shell %s: %v", u, err)
		}
	}
	items := map[string][]string{} // country → its tips and reviews
	for _, p := range res.Manifest {
		if p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview || p.Kind == beforetrip.KindReaderReview {
			items[p.Country] = append(items[p.Country], pageHref(p.ID)) // percent-encoded, as linked
		}
	}
	if res.Kinds[beforetrip.KindCountry] != len(conf.Trips) {
		t.Errorf("sw.js names %d lists for %d countries", len(conf.Trips), res.Kinds[beforetrip.KindCountry])
	}
	for c, listURL := range conf.Trips {
		raw := []byte(MustRead(t, fileOf(t, out, listURL)))
		sum := sha256.Sum256(raw)
		if want := "/offline/" + c + "." + hex.EncodeToString(sum[:4]) + ".json"; listURL != want {
			t.Errorf("%s's list is %s, want %s (named by its bytes)", c, listURL, want)
		}
		var l offlineList
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatal(err)
		}
		for _, u := range items[c] {
			if !slices.Contains(l.Pages, u) {
				t.Errorf("%s's list lacks its page %s", c, u)
			}
		}
		for _, want := range []string{"/countries/" + c + "/", "/countries/" + c + "/tips/", "/countries/" + c + "/reviews/"} {
			if !slices.Contains(l.Pages, want) {
				t.Errorf("%s's list lacks %s", c, want)
			}
		}
		for _, u := range append(slices.Clone(l.Pages), l.Assets...) {
			if _, err := os.Stat(fileOf(t, out, u)); err != nil {
				t.Errorf("%s's list names %s: %v", c, u, err)
			}
		}
		// Every stylesheet, script and picture a listed page loads is listed.
		for _, u := range l.Pages {
			for _, ref := range localRef.FindAllStringSubmatch(MustRead(t, fileOf(t, out, u)), -1) {
				for _, cand := range strings.Split(ref[1], ",") {
					a := strings.Fields(cand)[0]
					if regexp.MustCompile(`\.(css|js|svg|webp|png)$`).MatchString(a) && !slices.Contains(l.Assets, a) &&
						!strings.Contains(a, "/search.") && a != "/manifest.webmanifest" {
						t.Errorf("%s: %s loads %s, which the list lacks", c, u, a)
					}
				}
			}
		}
	}
	if !slices.Contains(items["japan"], "/countries/japan/reviews/u-3/") {
		t.Fatal("the reader review is not a page of the site")
	}
}

// TestOfflineNotInServe: serve's live-reload builds have no service
// worker (it would keep answering with what the editor just changed), no
// manifest, no offline lists, no Saved trips page and no Save button.
func TestOfflineNotInServe(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.LiveReload = true }))
	for _, p := range []string{pathSW, pathWebManifest, "offline", "saved"} {
		if _, err := os.Stat(filepath.Join(ts.Out, p)); !os.IsNotExist(err) {
			t.Errorf("serve build has %s (%v)", p, err)
		}
	}
	page := MustRead(t, filepath.Join(ts.Out, "countries/japan/index.html"))
	for _, s := range []string{`rel="manifest"`, "bt-save", "/js/offline.", "/saved/"} {
		if strings.Contains(page, s) {
			t.Errorf("serve build's country page has %q", s)
		}
	}
}

// TestOfflineVersion: sw.js keeps its bytes (and browsers their worker)
// while no country's list changes, and a build that changes one (a tip
// added) writes a new list and a new worker version, removing the old
// list; the /saved/ page is written once.
func TestOfflineVersion(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	before := swConf(t, ts.Out)
	if _, err := os.Stat(filepath.Join(ts.Out, pathSaved)); err != nil {
		t.Fatal(err)
	}
	jr := ts.Path("countries/japan/tips/jr-pass.md")
	MustWrite(t, jr, strings.Replace(MustRead(t, jr), "Long trips", "Long rides", 1))
	res := MustRebuild(t, b, Changes{Files: []string{jr}})
	if slices.Contains(res.Written, pathSW) || swConf(t, ts.Out).Version != before.Version {
		t.Errorf("a body edit rewrote sw.js (written %v)", res.Written)
	}
	tip := ts.Path("countries/japan/tips/new-one.md")
	MustWrite(t, tip, "---\ntitle: New one\ndate: 2025-01-02\n---\nNew.\n")
	res = MustRebuild(t, b, Changes{Files: []string{tip}})
	after := swConf(t, ts.Out)
	if after.Version == before.Version || after.Trips["japan"] == before.Trips["japan"] ||
		after.Trips["south-korea"] != before.Trips["south-korea"] {
		t.Errorf("after a tip was added: version %s → %s, lists %v → %v; want a new version and a new list for japan only",
			before.Version, after.Version, before.Trips, after.Trips)
	}
	if !slices.Contains(res.Removed, strings.TrimPrefix(before.Trips["japan"], "/")) {
		t.Errorf("the old list %s was not removed: %v", before.Trips["japan"], res.Removed)
	}
	var l offlineList
	if err := json.Unmarshal([]byte(MustRead(t, fileOf(t, ts.Out, after.Trips["japan"]))), &l); err != nil || !slices.Contains(l.Pages, "/countries/japan/tips/new-one/") {
		t.Errorf("japan's new list %v lacks the new tip (%v)", l.Pages, err)
	}
}

// TestOfflineAfterReorder: an edit that moves a tip within its section
// (here a new date) changes the order of the pages its country's
// offline list names, so the list gets a new name and sw.js names it.
// The fast path for such edits (reassemble) once kept the old list and
// worker, and a saved trip missed what a full build would give it
// (found by the property test, seed 3,9).
func TestOfflineAfterReorder(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	before := swConf(t, ts.Out).Trips["japan"]
	file := ts.Path("countries/japan/tips/script.md")
	MustWrite(t, file, strings.Replace(MustRead(t, file), "date: 2025-02-01", "date: 2025-04-01", 1))
	res := MustRebuild(t, b, Changes{Files: []string{file}})
	after := swConf(t, ts.Out).Trips["japan"]
	if after == before || !slices.Contains(res.Written, strings.TrimPrefix(after, "/")) ||
		!slices.Contains(res.Removed, strings.TrimPrefix(before, "/")) {
		t.Errorf("japan's offline list %s -> %s; written %v, removed %v", before, after, res.Written, res.Removed)
	}
	pages := MustRead(t, fileOf(t, ts.Out, after))
	if i, j := strings.Index(pages, "/tips/script/"), strings.Index(pages, "/tips/jr-pass/"); i < 0 || j < i {
		t.Errorf("japan's offline list does not name the moved tip first:\n%s", pages)
	}
	MustMatchFullBuild(t, ts)
}
