package search

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Field is where in a page a term occurs; a higher field ranks higher.
type Field uint8

// Fields, lowest first.
const (
	FieldBody Field = iota
	FieldTags
	FieldHeading
	FieldTitle
	// FieldName is a country page's own names (title, native and Korean
	// names): a search for a country finds its checklist first.
	FieldName
)

// Doc is one page as the index sees it.
type Doc struct {
	ID      string // page ID
	URL     string // site-relative, percent-encoded
	Title   string
	Country string // country slug ("" for the home page)
	Section string // tips, reviews, or "" for countries and the home page
	Date    time.Time
	// Text is the start of the page's plain text, what result snippets
	// are cut from (capped at SnippetSource bytes).
	Text  string
	Terms []Term // sorted by Term, one entry per term: its best field
}

// Term is one distinct term of a Doc.
type Term struct {
	Term  string
	Field Field
}

// SnippetSource caps Doc.Text: snippets come from the start of a page,
// which keeps the index small (a whole page costs its whole text again).
const SnippetSource = 1500

// Source is what a page's Doc is made from.
type Source struct {
	ID, URL, Title, Country, Section string
	Date                             time.Time
	Headings, Tags                   []string
	Body                             string // plain text
	// Names are a country page's names (title included, in every
	// language), indexed as FieldName.
	Names []string
	// Context are words about the page shown elsewhere (its country's
	// names), indexed as tags.
	Context []string
}

// NewDoc analyses src.
func NewDoc(src Source) *Doc {
	best := map[string]Field{}
	// Each distinct word of a field is analysed once: a page repeats
	// most of its words, and fields come lowest first, so a word seen in
	// this field already gave its terms this field.
	seen := map[string]bool{}
	add := func(f Field, texts ...string) {
		clear(seen)
		for _, s := range texts {
			eachWord(s, func(w string) {
				if seen[w] {
					return
				}
				seen[w] = true
				for _, t := range wordTerms(w) {
					if old, ok := best[t]; !ok || f > old {
						best[t] = f
					}
				}
			})
		}
	}
	add(FieldBody, src.Body)
	add(FieldTags, src.Context...)
	add(FieldTags, src.Tags...)
	add(FieldHeading, src.Headings...)
	add(FieldTitle, src.Title)
	add(FieldName, src.Names...)
	d := &Doc{ID: src.ID, URL: src.URL, Title: src.Title, Country: src.Country, Section: src.Section,
		Date: src.Date, Text: norm.NFC.String(cut(src.Body, SnippetSource)), Terms: make([]Term, 0, len(best))}
	for t, f := range best {
		d.Terms = append(d.Terms, Term{t, f})
	}
	slices.SortFunc(d.Terms, func(a, b Term) int { return strings.Compare(a.Term, b.Term) })
	return d
}

// cut returns s cut to at most n bytes at a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// equal reports whether two docs encode the same.
func (d *Doc) equal(o *Doc) bool {
	return d.sameRecord(o) && slices.Equal(d.Terms, o.Terms)
}

// sameRecord reports whether two docs have the same doc-shard record.
func (d *Doc) sameRecord(o *Doc) bool {
	return d.ID == o.ID && d.URL == o.URL && d.Title == o.Title && d.Country == o.Country &&
		d.Section == o.Section && d.Date.Equal(o.Date) && d.Text == o.Text
}

// WithContext returns d with the terms of words added as tags (a page's
// country names: "japan rail" finds a Japan tip that says neither).
func (d *Doc) WithContext(words []string) *Doc {
	add := map[string]bool{}
	for _, w := range words {
		for _, t := range Terms(w) {
			add[t] = true
		}
	}
	out := *d
	out.Terms = make([]Term, 0, len(d.Terms)+len(add))
	for _, t := range d.Terms {
		if add[t.Term] {
			delete(add, t.Term)
			t.Field = max(t.Field, FieldTags)
		}
		out.Terms = append(out.Terms, t)
	}
	for t := range add {
		out.Terms = append(out.Terms, Term{t, FieldTags})
	}
	slices.SortFunc(out.Terms, func(a, b Term) int { return strings.Compare(a.Term, b.Term) })
	return &out
}
