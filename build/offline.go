package build

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/beforetrip/beforetrip"
)

// Offline reading ("Save for the trip"). Production builds (not serve's
// live-reload builds, where a service worker would keep serving what the
// editor just changed) also write:
//
//   - /manifest.webmanifest: the web app manifest;
//   - /offline/<country>.<hash>.json: the URLs a saved country needs, named
//     by a hash of its bytes;
//   - /sw.js: the service worker, which names those lists and carries a
//     version hashed from everything it knows, so a build that changes any
//     of it installs a new worker;
//   - /saved/: the "Saved trips" page.
const (
	pathSW          = "sw.js"
	pathWebManifest = "manifest.webmanifest"
	pathSaved       = "saved/index.html"
)

// swSource is the service worker; the builder puts one line of data
// (var BT = {...}) in front of it.
//
//go:embed sw.js
var swSource []byte

// offlineAssets are the theme files a reader page loads as it opens
// (partials/assets.html, country.html, saved.html): a saved country needs
// them offline. The lazily loaded scripts (search, review form, report)
// need the network anyway.
var offlineAssets = []string{"css/main.css", "css/widget.css", "js/widget.js", "js/search-box.js",
	"js/passport.js", "js/offline.js", "img/favicon.svg"}

// offlineList is the JSON of /offline/<country>.<hash>.json.
type offlineList struct {
	Country string   `json:"country"`
	Title   string   `json:"title"`
	Flag    string   `json:"flag"`
	URL     string   `json:"url"`
	Pages   []string `json:"pages"`  // HTML pages: fetched again when a saved trip is refreshed
	Assets  []string `json:"assets"` // fingerprinted or static files
}

// planOffline adds the offline outputs of s to outs, and records in
// s.trips where each country's list is.
func planOffline(s *site, th *theme, outs map[string]*output) {
	s.trips = map[string]string{}
	for _, c := range s.countries {
		p, o := offlineOutput(s, th, c)
		outs[p] = o
		s.trips[c.Country] = "/" + p
	}
	outs[pathSW] = &output{kind: outOffline, data: serviceWorker(th, s.trips)}
	outs[pathSaved] = &output{kind: outSaved, tmpl: "saved", id: "saved"}
	outs[pathWebManifest] = &output{kind: outWebManifest}
}

// offlineOutput is the path and output of country c's offline list.
func offlineOutput(s *site, th *theme, c *Page) (string, *output) {
	data, _ := json.Marshal(countryOffline(s, th, c)) // plain strings: cannot fail
	sum := sha256.Sum256(data)
	return "offline/" + c.Country + "." + hex.EncodeToString(sum[:4]) + ".json", &output{kind: outOffline, data: data}
}

// replanOffline makes again, on a reassembled site (reassemble.go), the
// offline lists of the countries whose section lists changed (the keys of
// touched) and the service worker that names them: a list names its
// pages in section order and its pager pages, which a new date, weight or
// title moves. Every other input of the lists (country pages, pictures,
// theme) is as on the previous site. It returns the outputs that are new
// and those that are gone.
func (s *site) replanOffline(old *site, th *theme, touched map[string]*list) (added, gone []string) {
	if old.trips == nil {
		return nil, nil // no offline outputs (serve's live-reload builds)
	}
	s.trips = maps.Clone(old.trips) // the previous site keeps its own
	for key := range touched {
		rest, ok := strings.CutPrefix(key, "section:")
		if !ok {
			continue
		}
		country, _, _ := strings.Cut(rest, "/")
		c := s.pages["countries/"+country]
		if c == nil {
			continue
		}
		p, o := offlineOutput(s, th, c)
		was := strings.TrimPrefix(s.trips[country], "/")
		if p == was {
			continue // nothing moved, or its other section did it already
		}
		delete(s.outputs, was)
		s.outputs[p] = o
		s.trips[country] = "/" + p
		added, gone = append(added, p), append(gone, was)
	}
	if !maps.Equal(s.trips, old.trips) {
		s.outputs[pathSW] = &output{kind: outOffline, data: serviceWorker(th, s.trips)}
	}
	return added, gone
}

// countryOffline lists what a saved country needs: its page, its tip and
// review pages (reader reviews included) and their lists, and the theme
// files and pictures they show.
func countryOffline(s *site, th *theme, c *Page) offlineList {
	l := offlineList{Country: c.Country, Title: c.Title, Flag: c.Checklist.Flag, URL: pageHref(c.ID)}
	l.Pages = append(l.Pages, pageHref(c.ID))
	images := slices.Clone(c.Images)
	for _, sec := range []string{beforetrip.SectionTips, beforetrip.SectionReviews} {
		sl := s.lists["section:"+c.Country+"/"+sec]
		for n := 1; n <= sl.pages(); n++ {
			l.Pages = append(l.Pages, pagerHref(sl.id, n))
		}
		for _, p := range sl.items {
			l.Pages = append(l.Pages, pageHref(p.ID))
			images = append(images, p.Images...)
		}
	}
	if pl := s.lists["popular:"+c.Country]; pl != nil {
		l.Pages = append(l.Pages, pageHref(pl.id))
	}
	for _, a := range offlineAssets {
		if u := th.assetURL(a); u != "" {
			l.Assets = append(l.Assets, u)
		}
	}
	slices.Sort(images)
	for _, img := range slices.Compact(images) {
		l.Assets = append(l.Assets, "/"+img)
	}
	return l
}

// serviceWorker returns sw.js for the lists trips (country → URL). Its
// version hashes the worker's code, the shell it keeps and the lists, so
// any change to them makes browsers install the new worker, which drops
// the old shell and refreshes the saved trips.
func serviceWorker(th *theme, trips map[string]string) []byte {
	shell := []string{pageHref("saved")}
	for _, a := range offlineAssets {
		if u := th.assetURL(a); u != "" {
			shell = append(shell, u)
		}
	}
	conf := struct {
		Version string            `json:"version"`
		Shell   []string          `json:"shell"`
		Trips   map[string]string `json:"trips"`
	}{Shell: shell, Trips: trips}
	data, _ := json.Marshal(conf) // maps are sorted by key: the bytes are stable
	h := sha256.New()
	h.Write(swSource)
	h.Write(data)
	conf.Version = hex.EncodeToString(h.Sum(nil)[:6])
	data, _ = json.Marshal(conf)
	var b strings.Builder
	b.WriteString("// beforetrip service worker, written by `beforetrip build`.\nvar BT = ")
	b.Write(data)
	b.WriteString(";\n")
	b.Write(swSource)
	return []byte(b.String())
}

// webManifest is /manifest.webmanifest: what a phone shows for the site
// added to its home screen.
func (r *renderer) webManifest() ([]byte, error) {
	type icon struct {
		Src     string `json:"src"`
		Sizes   string `json:"sizes"`
		Type    string `json:"type"`
		Purpose string `json:"purpose,omitempty"`
	}
	m := struct {
		Name       string `json:"name"`
		ShortName  string `json:"short_name"`
		Lang       string `json:"lang"`
		StartURL   string `json:"start_url"`
		Scope      string `json:"scope"`
		Display    string `json:"display"`
		Theme      string `json:"theme_color"`
		Background string `json:"background_color"`
		Icons      []icon `json:"icons"`
	}{Name: r.b.cfg.Title, ShortName: r.b.cfg.Title, Lang: r.b.cfg.Language, StartURL: "/", Scope: "/",
		Display: "standalone", Theme: themeColor, Background: "#ffffff"}
	for _, ic := range []icon{{"img/favicon.svg", "any", "image/svg+xml", ""},
		{"img/icon-192.png", "192x192", "image/png", "any maskable"}, {"img/icon-512.png", "512x512", "image/png", "any maskable"}} {
		if u := r.th.assetURL(ic.Src); u != "" {
			ic.Src = u
			m.Icons = append(m.Icons, ic)
		}
	}
	return json.MarshalIndent(m, "", "  ")
}

// themeColor is the theme's link colour (--link in main.css), which the
// icons use too.
const themeColor = "#0b57c2"
