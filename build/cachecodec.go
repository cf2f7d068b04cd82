package build

import (
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"github.com/beforetrip/beforetrip/search"
)

// The render cache stores entries in a small binary format of its own:
// uvarint lengths and numbers, strings as length + bytes. JSON or gob of
// 10k entries with their search terms cost more than the rendering they
// save; this one decodes an entry with one allocation for its strings.

// encoder appends values to a byte slice.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)     { e.b = binary.AppendVarint(e.b, int64(v)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) time(t time.Time) {
	data, err := t.MarshalBinary()
	if err != nil { // a year outside what MarshalBinary keeps: not cacheable
		data = nil
	}
	e.str(string(data))
}

// errCorrupt is any decoding problem: the entry is not used.
var errCorrupt = errors.New("render cache: corrupt entry")

// decoder reads values from one string (the entry, copied once): the
// strings it returns share that copy instead of allocating each.
type decoder struct {
	s   string
	err error
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.err = errCorrupt
	return 0
}

// int reads a zig-zag varint (binary.AppendVarint).
func (d *decoder) int() int {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.s)) {
		d.err = errCorrupt
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *decoder) bool() bool {
	if d.err != nil || len(d.s) == 0 || d.s[0] > 1 {
		d.err = errCorrupt
		return false
	}
	v := d.s[0] == 1
	d.s = d.s[1:]
	return v
}

func (d *decoder) strs() []string {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.s)) {
		d.err = errCorrupt
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) time() time.Time {
	data := d.str()
	var t time.Time
	if d.err == nil && data != "" && t.UnmarshalBinary([]byte(data)) != nil {
		d.err = errCorrupt
	}
	return t
}

// encodePage writes what loading a tip or review file produced (Body and
// TOC excepted: a page rendered again converts its file again).
func (e *encoder) page(p *Page) {
	for _, s := range []string{p.ID, p.Kind, p.Country, p.Section, p.Slug, p.Title, p.Summary, p.Author, p.Lang, p.CoverAlt} {
		e.str(s)
	}
	e.time(p.Date)
	e.uint(uint64(len(p.Tags)))
	for _, t := range p.Tags {
		e.str(t.Name)
		e.str(t.Slug)
	}
	e.int(p.Weight)
	e.bool(p.Draft)
	e.int(p.Rating)
	e.strs(p.Images)
}

// page reads what encoder.page wrote into p.
func (d *decoder) page(p *Page) {
	for _, s := range []*string{&p.ID, &p.Kind, &p.Country, &p.Section, &p.Slug, &p.Title, &p.Summary, &p.Author, &p.Lang, &p.CoverAlt} {
		*s = d.str()
	}
	p.Date = d.time()
	n := d.uint()
	if d.err == nil && n > uint64(len(d.s)) {
		d.err = errCorrupt
	}
	if d.err == nil && n > 0 {
		p.Tags = make([]Tag, n)
		for i := range p.Tags {
			p.Tags[i] = Tag{Name: d.str(), Slug: d.str()}
		}
	}
	p.Weight = d.int()
	p.Draft = d.bool()
	p.Rating = d.int()
	p.Images = d.strs()
}

// doc writes a page's search doc (nil: none yet).
func (e *encoder) doc(doc *search.Doc) { e.docWithout(doc, nil) }

// docWithout writes doc.WithoutContext(undo) without making it.
func (e *encoder) docWithout(doc *search.Doc, undo []search.Term) {
	e.bool(doc != nil)
	if doc == nil {
		return
	}
	for _, s := range []string{doc.ID, doc.URL, doc.Title, doc.Country, doc.Section, doc.Text} {
		e.str(s)
	}
	e.time(doc.Date)
	// Terms as text: their IDs are the process's own.
	e.uint(uint64(doc.LenWithout(undo)))
	doc.TermStringsWithout(undo, func(term string, f search.Field) {
		e.str(term)
		e.uint(uint64(f))
	})
}

// pageDoc writes the page's own doc (pageSearch.plain) without making it
// when the page holds only its doc with its country's names.
func (e *encoder) pageDoc(ps *pageSearch) {
	if ps.doc != nil || ps.full == nil {
		e.doc(ps.doc)
		return
	}
	e.docWithout(ps.full, ps.undo)
}

// doc reads what encoder.doc wrote.
func (d *decoder) doc() *search.Doc {
	if !d.bool() {
		return nil
	}
	var doc search.Doc
	for _, s := range []*string{&doc.ID, &doc.URL, &doc.Title, &doc.Country, &doc.Section, &doc.Text} {
		*s = d.str()
	}
	doc.Date = d.time()
	n := d.uint()
	if d.err != nil || n > uint64(len(d.s)) {
		d.err = errCorrupt
		return nil
	}
	terms, fields := make([]string, n), make([]search.Field, n)
	for i := range terms {
		terms[i], fields[i] = d.str(), search.Field(d.uint())
		if fields[i] > search.FieldName {
			d.err = errCorrupt
		}
	}
	if d.err != nil {
		return nil
	}
	return doc.WithTerms(terms, fields)
}

// imageDep is an image a page showed: its source file and the outputs it
// was published as (their names carry a hash of the source bytes).
type imageDep struct {
	src  string
	outs string // output paths joined by "\x00"
}

func (e *encoder) deps(deps []imageDep) {
	e.uint(uint64(len(deps)))
	for _, dep := range deps {
		e.str(dep.src)
		e.str(dep.outs)
	}
}

func (d *decoder) deps() []imageDep {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.s)) {
		d.err = errCorrupt
		return nil
	}
	var deps []imageDep
	for range n {
		deps = append(deps, imageDep{src: d.str(), outs: d.str()})
	}
	return deps
}

// joinOuts is how an imageDep keeps an image's output paths.
func joinOuts(outs []string) string { return strings.Join(outs, "\x00") }
