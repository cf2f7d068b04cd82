// Package search is beforetrip's site search: the text analysis shared by
// the index and (ported to JavaScript in the theme's search.js) the
// queries, and the static, sharded index the builder writes.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Terms returns the index terms of text, in order (duplicates kept): the
// text is NFC-normalised, cut into words by Unicode's word boundaries
// (UAX #29), lower-cased and stripped of diacritics; Latin words are
// stemmed (English Snowball) and English stop words dropped; runs of
// Hangul, Han, Kana and Thai become overlapping two-character terms, so
// that 교통카드 matches 교통카드를 and 교통카드로 (particles attach to
// nouns) without a dictionary. search.js does the same for queries.
func Terms(text string) []string {
	a := getAnalyzer()
	defer putAnalyzer(a)
	return a.termsOf(text)
}

func isWord(seg string) bool {
	for _, r := range seg {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// bigramScript reports whether r is written without spaces between words
// (or, for Hangul, with particles glued to them): indexed by character pairs.
func bigramScript(r rune) bool {
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

func allBigram(s string) bool {
	for _, r := range s {
		if !bigramScript(r) {
			return false
		}
	}
	return true
}

func endsBigram(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return bigramScript(r)
}

// analyzeWord returns the terms of one word (a UAX #29 segment): folded,
// then stemmed or cut into character pairs by script. Analyzers cache it.
func analyzeWord(w string) []string {
	w = Fold(w)
	var out []string
	// Split into runs of bigram scripts and the rest ("ktx를": "ktx", "를").
	for w != "" {
		r, _ := utf8.DecodeRuneInString(w)
		big := bigramScript(r)
		i := 0
		for i < len(w) {
			r, n := utf8.DecodeRuneInString(w[i:])
			if bigramScript(r) != big {
				break
			}
			i += n
		}
		run := w[:i]
		w = w[i:]
		if big {
			out = append(out, bigrams(run)...)
		} else if t := latinTerm(run); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// bigrams returns the overlapping character pairs of run (the character
// itself when it is alone).
func bigrams(run string) []string {
	rs := []rune(run)
	if len(rs) == 1 {
		return []string{run}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// latinTerm stems a word of any other script: apostrophes and periods at
// its ends go ("rock'n'roll'" stays inside), stop words are dropped, and
// words of ASCII letters (and apostrophes) are stemmed.
func latinTerm(w string) string {
	w = strings.Trim(w, "'.")
	if w == "" || !isWord(w) {
		return ""
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; !(c >= 'a' && c <= 'z' || c == '\'') {
			return w
		}
	}
	if english.IsStopWord(w) {
		return ""
	}
	return english.Stem(w, true)
}

// Fold lower-cases w, removes diacritics (café → cafe, Việt → viet) and
// writes curly apostrophes straight and final sigmas as σ. Hangul syllables are kept whole.
func Fold(w string) string {
	w = strings.ToLower(w)
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\u2019' || r == '\u2018' || r == '\u02bc':
			b.WriteByte('\'')
		case r == 'ς': // final sigma: browsers lower-case Σ by position, Go does not
			b.WriteRune('σ')
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}
