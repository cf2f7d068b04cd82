package build

import (
	"strconv"
	"strings"

	"github.com/beforetrip/beforetrip"
)

// outKind is what an output file is.
type outKind int

const (
	outPage        outKind = iota // a content page (home, country, tip, review, reader review)
	outList                       // page n of a list (section, tag, popular)
	outCountries                  // /countries/
	outTags                       // /tags/
	outChanges                    // /changes/
	outAccount                    // /account/, /account/reset/, /account/verify/
	out404                        // /404.html
	outAdmin                      // /admin/: the moderators' page (its script does the work)
	outFeed                       // /feed.xml
	outSitemap                    // /sitemap.xml
	outPopularJSON                // /popular.json
	outManifest                   // /.beforetrip-pages.json
	outAsset                      // a static file
	outSearch                     // a file of the search index
	outImage                      // a resized image (images.Cache)
	outSearchPage                 // /search/
	outOffline                    // /sw.js, /offline/<country>.<hash>.json (bytes made when planned)
	outWebManifest                // /manifest.webmanifest
	outSaved                      // /saved/: the reader's saved trips (offline.js fills it)
)

// Fixed output paths.
const (
	pathCountries   = "countries/index.html"
	pathTags        = "tags/index.html"
	path404         = "404.html"
	pathAdmin       = "admin/index.html"
	pathSearchPage  = "search/index.html"
	pathFeed        = "feed.xml"
	pathSitemap     = "sitemap.xml"
	pathPopularJSON = "popular.json"
	pathManifest    = beforetrip.ManifestFile
)

// accountPages are the IDs of the account pages: the reader's account,
// the password reset and the email verification page (mailed links lead to
// the last two, with the token in the URL fragment).
var accountPages = []string{"account", "account/reset", "account/verify"}

// output is one file of the built site and what it is made from.
type output struct {
	kind  outKind
	tmpl  string // page template, for HTML outputs
	id    string // page ID, for HTML outputs
	page  *Page  // outPage
	list  *list  // outList
	n     int    // outList: 1-based page number
	asset *asset
	data  []byte // outSearch
}

// pagePath is the output path of a page ID.
func pagePath(id string) string {
	if id == "" {
		return "index.html"
	}
	return id + "/index.html"
}

// listPath is the output path of page n of a list.
func listPath(l *list, n int) string {
	if n <= 1 {
		return pagePath(l.id)
	}
	return pagePath(l.id + "/page/" + strconv.Itoa(n))
}

// planOutputs lists every output file of the site; offline adds those of
// offline reading (offline.go).
func planOutputs(s *site, th *theme, offline bool) map[string]*output {
	outs := make(map[string]*output, len(s.pages)+len(s.lists)+16)
	for _, p := range s.pages {
		tmpl := "single"
		switch p.Kind {
		case beforetrip.KindHome:
			tmpl = "home"
		case beforetrip.KindCountry:
			tmpl = "country"
		case beforetrip.KindPage:
			tmpl = "page"
		}
		outs[pagePath(p.ID)] = &output{kind: outPage, tmpl: tmpl, id: p.ID, page: p}
		for _, img := range p.Images {
			outs[img] = &output{kind: outImage, id: img}
		}
	}
	if s.home == nil {
		// The home page exists even without content/_index.md.
		outs[pagePath("")] = &output{kind: outPage, tmpl: "home", id: "", page: &Page{Kind: beforetrip.KindHome}}
	}
	for _, l := range s.lists {
		if l.id == "" {
			continue
		}
		for n := 1; n <= l.pages(); n++ {
			id := l.id
			if n > 1 {
				id = pagerID(l.id, n)
			}
			outs[listPath(l, n)] = &output{kind: outList, tmpl: "list", id: id, list: l, n: n}
		}
	}
	outs[pathCountries] = &output{kind: outCountries, tmpl: "countries", id: "countries"}
	outs[pathTags] = &output{kind: outTags, tmpl: "tags", id: "tags"}
	outs[pathChanges] = &output{kind: outChanges, tmpl: "changes", id: "changes"}
	for _, id := range accountPages {
		outs[pagePath(id)] = &output{kind: outAccount, tmpl: "account", id: id}
	}
	outs[pathSearchPage] = &output{kind: outSearchPage, tmpl: "search", id: "search"}
	outs[path404] = &output{kind: out404, tmpl: "404", id: "404"}
	outs[pathAdmin] = &output{kind: outAdmin, tmpl: "admin", id: "admin"}
	outs[pathFeed] = &output{kind: outFeed}
	outs[pathSitemap] = &output{kind: outSitemap}
	outs[pathPopularJSON] = &output{kind: outPopularJSON}
	outs[pathManifest] = &output{kind: outManifest}
	for _, a := range th.assets {
		outs[a.out] = &output{kind: outAsset, asset: a}
	}
	if offline {
		planOffline(s, th, outs)
	}
	return outs
}

// listKind is the manifest kind of a list page.
func listKind(l *list) string {
	switch l.key[:3] {
	case "tag":
		return beforetrip.KindTag
	case "pop", "mon":
		return beforetrip.KindPopular
	}
	return beforetrip.KindList
}

// listCountry returns the country slug of per-country lists, "" otherwise.
func listCountry(l *list) string {
	for _, prefix := range []string{"section:", "popular:"} {
		if rest, ok := strings.CutPrefix(l.key, prefix); ok {
			c, _, _ := strings.Cut(rest, "/")
			return c
		}
	}
	return ""
}
