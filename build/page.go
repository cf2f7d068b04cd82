package build

import (
	"html/template"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/markdown"
)

// Page is one content page in memory: a Markdown file after loading, or a
// reader review from the store.
type Page struct {
	ID      string // page ID, e.g. "countries/japan/tips/jr-pass"
	Kind    string // beforetrip.Kind*
	Country string // country slug ("" for home)
	Section string // beforetrip.Section* for tips and reviews
	Slug    string
	File    string // display path, e.g. "content/countries/japan/tips/jr-pass.md"; "" for reader reviews
	Path    string // absolute file path; "" for reader reviews

	Title   string
	Summary string
	Date    time.Time
	Tags    []Tag
	Weight  int
	Draft   bool
	Author  string
	Rating  int        // reviews: 1–5
	Edited  *time.Time // reader reviews: last edit

	Checklist *Checklist // country pages only

	Body template.HTML
	TOC  []markdown.Heading
}

// Tag is a tag as written and its URL slug.
type Tag struct {
	Name string
	Slug string
}

// Meta returns the page's manifest entry.
func (p *Page) Meta() beforetrip.PageMeta {
	return beforetrip.PageMeta{ID: p.ID, Kind: p.Kind, Title: p.Title, URL: beforetrip.PageURL(p.ID),
		Section: p.Section, Country: p.Country, Date: p.Date}
}

// isItem reports whether the page appears in item lists (tips, editorial
// and reader reviews).
func (p *Page) isItem() bool {
	return p.Kind == beforetrip.KindTip || p.Kind == beforetrip.KindReview || p.Kind == beforetrip.KindReaderReview
}

// Checklist is the standard pre-trip card of a country.
type Checklist struct {
	Name         string
	NativeName   string
	Flag         string
	Continent    string
	Capital      string
	Languages    []string
	Currency     Currency
	Timezone     string
	Plugs        []string
	Voltage      string
	Visa         string
	Emergency    []Emergency // police, ambulance, fire first, then the others in file order
	Tipping      string
	SIM          string
	TapWater     string // safe | varies | unsafe
	TapWaterNote string
	DrivingSide  string // left | right
	BestTime     string
}

// Currency is a country's currency.
type Currency struct {
	Code, Name, Symbol string
}

// Emergency is one emergency number.
type Emergency struct {
	Key    string // police, ambulance, fire, or the file's own key
	Number string // as written
	Tel    string // digits and '+' only, for tel: links
}
