package beforetrip

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Hidden reports whether r is a character that shows nothing yet changes
// what a reader sees or compares: bidirectional controls (U+202E turns
// "gpj.exe" into "exe.jpg") and zero-width characters (two titles that
// look the same but differ). Joiners (U+200C, U+200D) are not counted
// here: Persian, Indic scripts and emoji sequences need them; CleanTitle
// keeps them only inside such text.
func Hidden(r rune) bool {
	switch {
	case r == '\u061c', // ARABIC LETTER MARK
		r == '\u00ad',                // SOFT HYPHEN
		r == '\u180e',                // MONGOLIAN VOWEL SEPARATOR
		r == '\u200b',                // ZERO WIDTH SPACE
		r == '\u200e', r == '\u200f', // LRM, RLM
		r >= '\u202a' && r <= '\u202e', // LRE, RLE, PDF, LRO, RLO
		r >= '\u2060' && r <= '\u2064', // WORD JOINER, invisible operators
		r >= '\u2066' && r <= '\u2069', // LRI, RLI, FSI, PDI
		r == '\ufeff':                  // ZERO WIDTH NO-BREAK SPACE (BOM)
		return true
	}
	return false
}

// joiner reports whether r is ZWNJ or ZWJ.
func joiner(r rune) bool { return r == '\u200c' || r == '\u200d' }

// CleanTitle is the one rule for titles shown in lists and feeds (reader
// reviews, editorial front matter): surrounding space trimmed, Hidden
// characters removed, and joiners kept only between two non-ASCII
// characters (where a script or an emoji sequence needs them; between
// Latin letters they only make look-alikes).
func CleanTitle(s string) string {
	s = strings.TrimSpace(s)
	if _, dirty := HiddenIn(s); !dirty {
		return s
	}
	rs := []rune(strings.Map(func(r rune) rune {
		if Hidden(r) {
			return -1
		}
		return r
	}, s))
	var b strings.Builder
	for i, r := range rs {
		if !strayJoiner(rs, i) {
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// HasNUL reports whether s holds a NUL character. Text from readers may
// not: it means nothing in a comment or a review, and PostgreSQL cannot
// store it in text, so both stores refuse it alike (EINVALID).
func HasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// HiddenIn returns the first character of s that CleanTitle removes, if
// any: a Hidden character, or else a joiner outside non-ASCII text.
func HiddenIn(s string) (rune, bool) {
	if i := strings.IndexFunc(s, Hidden); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return r, true
	}
	rs := []rune(s)
	for i, r := range rs {
		if strayJoiner(rs, i) {
			return r, true
		}
	}
	return 0, false
}

// strayJoiner reports whether rs[i] is a joiner without a non-ASCII,
// non-joiner character on each side.
func strayJoiner(rs []rune, i int) bool {
	if !joiner(rs[i]) {
		return false
	}
	return i == 0 || i == len(rs)-1 || rs[i-1] < utf8.RuneSelf || rs[i+1] < utf8.RuneSelf ||
		joiner(rs[i-1]) || joiner(rs[i+1])
}

// NormalizeSlug returns s in Unicode normal form C. A file named 교통.md
// on macOS (which stores names decomposed, NFD) and the same name typed
// on Linux (NFC) are one slug, one page ID and one URL, not two.
//
// This is the root package's one import outside the standard library:
// golang.org/x/text/unicode/norm is the Go team's Unicode normalization
// (the standard library vendors it internally but does not export it).
func NormalizeSlug(s string) string { return norm.NFC.String(s) }

// NormalizePageID returns a page ID (or a country slug) as it arrives from
// a reader in the form the builder gives it: page IDs are slugs joined by
// '/', and the builder normalises every slug (NormalizeSlug), so an ID
// typed or sent decomposed (NFD, as macOS and some keyboards produce) names
// the same page as its composed form. Every boundary that takes a page ID
// from outside calls it before ValidPageID and any lookup.
func NormalizePageID(id string) string { return NormalizeSlug(id) }
