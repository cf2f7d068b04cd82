package search

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	Terms []Term // sorted (by term ID), one entry per term: its best field
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
}

// NewDoc analyses src.
func NewDoc(src Source) *Doc {
	a := getAnalyzer()
	defer putAnalyzer(a)
	a.begin()
	a.add(FieldBody, src.Body)
	a.add(FieldTags, src.Tags...)
	a.add(FieldHeading, src.Headings...)
	a.add(FieldTitle, src.Title)
	a.add(FieldName, src.Names...)
	d := &Doc{ID: src.ID, URL: src.URL, Title: src.Title, Country: src.Country, Section: src.Section,
		// Text is cloned: a cut of the page's whole text would keep it alive.
		Date: src.Date, Text: strings.Clone(nfc(cut(src.Body, SnippetSource))), Terms: a.result()}
	register(d)
	return d
}

// nfc returns s in NFC, with invalid UTF-8 as U+FFFD (as JSON writes it).
// s is cut at ASCII spaces, which are boundaries of NFC (see eachWord), and
// only the pieces holding characters other than ASCII and Hangul syllables
// go through the normaliser: nothing composes with a precomposed syllable
// but a conjoining jamo, which such a piece would hold. A snippet with one
// curly quote or accented letter made the normaliser's check the whole
// text, a tenth of a page's analysis.
func nfc(s string) string {
	var b []byte // s[:done] normalised, once a piece has changed
	done := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		if n := syllableLen(s[i:]); n > 0 {
			i += n
			continue
		}
		start := strings.LastIndexByte(s[:i], ' ') + 1
		end := len(s)
		if j := strings.IndexByte(s[i:], ' '); j >= 0 {
			end = i + j
		}
		piece := s[start:end]
		if n := norm.NFC.String(strings.ToValidUTF8(piece, "\uFFFD")); n != piece {
			b = append(append(b, s[done:start]...), n...)
			done = end
		}
		i = end
	}
	if b == nil {
		return s
	}
	return string(append(b, s[done:]...))
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

// Context is the terms of a country's names, which WithContext adds to
// the docs of its pages (made once per country, not once per page).
type Context struct {
	terms *Doc // its Terms, sorted, distinct, all FieldTags
}

// ContextTerms returns the Context of words.
func ContextTerms(words []string) *Context {
	a := getAnalyzer()
	defer putAnalyzer(a)
	a.begin()
	a.add(FieldTags, words...)
	d := &Doc{Terms: a.result()}
	register(d)
	return &Context{d}
}

// WithContext returns d with the terms of c added as tags (a page's
// country names: "japan rail" finds a Japan tip that says neither), and
// what WithoutContext needs to give d back: the field each of c's terms
// had in d, or absent. Both lists are sorted, so one merge makes the new
// one. The undo list holds IDs the returned doc keeps: it must not be
// kept without it.
func (d *Doc) WithContext(c *Context) (*Doc, []Term) {
	terms := c.terms.Terms
	out := *d
	out.Terms = make([]Term, 0, len(d.Terms)+len(terms))
	undo := make([]Term, 0, len(terms))
	a := d.Terms
	for _, t := range terms {
		for len(a) > 0 && a[0].id() < t.id() {
			out.Terms = append(out.Terms, a[0])
			a = a[1:]
		}
		if len(a) > 0 && a[0].id() == t.id() {
			out.Terms = append(out.Terms, mkTerm(t.id(), max(a[0].Field(), FieldTags)))
			undo = append(undo, a[0])
			a = a[1:]
		} else {
			out.Terms = append(out.Terms, t)
			undo = append(undo, mkTerm(t.id(), absent))
		}
	}
	out.Terms = append(out.Terms, a...)
	register(&out)
	return &out, undo
}

// absent marks a term WithContext added to a doc that did not have it.
const absent Field = 7

// WithoutContext returns the doc WithContext made d from, given its undo
// list: a page keeps only its doc with context and the few terms of undo,
// not both docs (half the index's memory).
func (d *Doc) WithoutContext(undo []Term) *Doc {
	out := *d
	out.Terms = make([]Term, 0, len(d.Terms))
	for _, t := range d.Terms {
		if len(undo) > 0 && undo[0].id() == t.id() {
			if undo[0].Field() != absent {
				out.Terms = append(out.Terms, undo[0])
			}
			undo = undo[1:]
			continue
		}
		out.Terms = append(out.Terms, t)
	}
	register(&out)
	return &out
}

// TermStrings calls f with each term of d and its field, in ID order.
func (d *Doc) TermStrings(f func(term string, field Field)) {
	d.TermStringsWithout(nil, f)
}

// TermStringsWithout calls f with each term of d.WithoutContext(undo)
// and its field, in ID order, without making that doc (a build's render
// cache encodes every page's own doc so, near the build's memory limit).
func (d *Doc) TermStringsWithout(undo []Term, f func(term string, field Field)) {
	strs, _ := table.snapshot()
	for _, t := range d.Terms {
		if len(undo) > 0 && undo[0].id() == t.id() {
			t = undo[0]
			undo = undo[1:]
			if t.Field() == absent {
				continue
			}
		}
		f(strs[t.id()], t.Field())
	}
}

// LenWithout is the number of terms of d.WithoutContext(undo).
func (d *Doc) LenWithout(undo []Term) int {
	n := len(d.Terms)
	for _, t := range undo {
		if t.Field() == absent {
			n--
		}
	}
	return n
}

// WithTerms returns a copy of d (whose Terms are ignored) with terms (one
// entry per term) in fields (of the same length): a doc decoded from a
// cache, whose term IDs are the process's own.
func (d Doc) WithTerms(terms []string, fields []Field) *Doc {
	ids := make([]uint32, len(terms))
	pin()
	defer unpin()
	table.intern(terms, ids)
	d.Terms = make([]Term, len(ids))
	for i, id := range ids {
		d.Terms[i] = mkTerm(id, fields[i])
	}
	slices.Sort(d.Terms)
	register(&d)
	return &d
}
