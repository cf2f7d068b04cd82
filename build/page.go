package build

import (
	"html/template"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/images"
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
	Lang    string     // language of the text: `lang:`, detected Korean, or the site's
	Rating  int        // reviews: 1–5
	Edited  *time.Time // reader reviews: last edit
	// Reader reviews: the review's and its author's IDs, for the widget's
	// Report action (hidden from the author).
	ReaderID, AuthorID uint64

	Checklist *Checklist // country pages only

	// Pages of their own (content/pages/): FileLang is the language of a
	// translation file (<slug>.<lang>.md, "" for <slug>.md); Footer links
	// the page from every page's footer.
	FileLang string
	Footer   bool

	// Cover is the front matter's cover picture (nil if none); Images
	// are the output files of the page's pictures, cover included.
	Cover    *images.Image
	CoverAlt string
	Images   []string

	Body template.HTML
	TOC  []markdown.Heading

	search pageSearch // the search index's view (search.go)
	// src is a hash of the file's bytes (XXH64): what the render cache
	// knows a page's source by; cached is its entry (full builds only).
	src    uint64
	cached *cacheEntry
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
	Name       string
	NativeName string
	Flag       string
	Continent  string
	Capital    string
	Languages  []string
	Currency   Currency
	Timezone   string
	Plugs      []string
	Voltage    string
	Visa       string // the short rule for common passports
	// PassportValidity and ArrivalCard are optional entry fields.
	PassportValidity string
	ArrivalCard      string
	Entry            []EntryRule // by passport, in file order
	Emergency        []Emergency // police, ambulance, fire first, then the others in file order
	Tipping          string
	SIM              string
	TapWater         string // safe | varies | unsafe
	TapWaterNote     string
	DrivingSide      string // left | right
	BestTime         string
	NameKo           string // the country's name in the ko build

	Sources map[string]Source // official sources by field name
	Changes []Change          // newest first
	// Checked is the oldest per-field checked date (zero when none): the
	// card says "some of this was last checked …" when it is older than
	// the country's date.
	Checked time.Time
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

// Rule is the entry rule shown to holders of passport: their own, else
// the default one (nil when the country has no entry rules).
func (c *Checklist) Rule(passport string) *EntryRule {
	var def *EntryRule
	for i := range c.Entry {
		switch c.Entry[i].Passport {
		case passport:
			return &c.Entry[i]
		case beforetrip.PassportDefault:
			def = &c.Entry[i]
		}
	}
	return def
}

// StaleChecked is the oldest per-field checked date of a country's
// checklist when it is older than the country's own date (zero otherwise):
// the card then says that some of it was last checked then.
func (p *Page) StaleChecked() time.Time {
	if c := p.Checklist; c != nil && !c.Checked.IsZero() && c.Checked.Before(p.Date) {
		return c.Checked
	}
	return time.Time{}
}
