package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func wordsOf(each func(string, func(string)), text string) []string {
	var out []string
	each(text, func(w string) { out = append(out, w) })
	return out
}

// wordPieces are what random texts are made of: ASCII word joiners
// (. , ; : ' _), line breaks, Hangul, Han, combining marks, format and
// joiner characters, emoji, regional indicators and runs of spaces.
var wordPieces = []string{"a", "Z", "k", "7", "0", ".", ",", ";", ":", "'", "_", "-", "\"", "!", "\t", "\r", "\n", "\r\n",
	"\v", " ", " ", "  ", "교통", "카드", "를", "日本", "の", "カ", "\u0301", "\u00ad", "\u200d", "\u200b", "👍", "🇯🇵", "🇯",
	"é", "ß", "Σ", "א", "\u3000", "\u2019", "½", "٣"}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(30) {
		b.WriteString(wordPieces[r.IntN(len(wordPieces))])
	}
	return b.String()
}

// TestEachWordMatchesUniseg: the ASCII fast path finds the words uniseg
// finds, on tricky cases and on random texts of the characters where
// UAX #29's rules differ.
func TestEachWordMatchesUniseg(t *testing.T) {
	cases := []string{"3.5 1,000 10:30", "e-SIM", "don't 'quoted' rock'n'roll'", "a.b.c. x_y _z 1_000", "a:1 1:a a::b",
		"  lead and trail  ", "a \u0301b", "x \u00adb", "a\r\nb", "KTX를 타고", "교통카드를 샀다", "USD 1,000.50;", "",
		// Pieces longer than maxSimple characters take uniseg's path.
		strings.Repeat("교통카드를a.b_", 20), strings.Repeat("x", maxSimple) + " " + strings.Repeat("y", maxSimple+1)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		cases = append(cases, randomText(r))
	}
	for _, c := range cases {
		if got, want := wordsOf(eachWord, c), wordsOf(eachWordUniseg, c); !slices.Equal(got, want) {
			t.Fatalf("eachWord(%q) = %q, uniseg finds %q", c, got, want)
		}
	}
}

// FuzzEachWord: the fast path equals uniseg on any text.
func FuzzEachWord(f *testing.F) {
	for _, s := range []string{"3.5 1,000 10:30", "a \u0301b", "don't", "교통카드를 a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wordsOf(eachWord, s), wordsOf(eachWordUniseg, s); !slices.Equal(got, want) {
			t.Fatalf("eachWord(%q) = %q, uniseg finds %q", s, got, want)
		}
		if got, want := nfc(s), norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD")); got != want {
			t.Fatalf("nfc(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestNFCByPieces: normalising the pieces between spaces that need it
// gives what normalising the whole text does, on random texts of
// combining marks, jamo after syllables and invalid bytes.
func TestNFCByPieces(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pieces := append(slices.Clone(wordPieces), "\u1100", "\u1161", "\u11a8", "가", "e\u0301", "\u0323\u0307", "\xff", "\xe2\x80", "\xf3")
	for range 20000 {
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := nfc(s), norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD")); got != want {
			t.Fatalf("nfc(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestSpacedEqualsFields: PlainText's white space collapsing writes what
// strings.Fields then Join would, on random texts split at random points.
func TestSpacedEqualsFields(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := append(slices.Clone(wordPieces), "\u00a0", "\u0085", "\u2003", "\xff", "\xe2\x80")
	for range 20000 {
		var all strings.Builder
		var w spaced
		for range r.IntN(6) {
			var part strings.Builder
			for range r.IntN(8) {
				part.WriteString(pieces[r.IntN(len(pieces))])
			}
			w.write(part.String())
			all.WriteString(part.String())
		}
		if want := strings.Join(strings.Fields(all.String()), " "); w.b.String() != want {
			t.Fatalf("%q: collapsed to %q, want %q", all.String(), w.b.String(), want)
		}
	}
}

// TestSyllableLen: the hand decoder agrees with utf8 on every three bytes
// that start with a lead byte of Hangul syllables, and on short input.
func TestSyllableLen(t *testing.T) {
	want := func(s string) int {
		if r, n := utf8.DecodeRuneInString(s); r >= 0xAC00 && r <= 0xD7A3 {
			return n
		}
		return 0
	}
	for _, s := range []string{"", "\xea", "\xea\xb0", "가", "힣", "\xed\x9e\xa4", "\xed\xa0\x80"} {
		if got := syllableLen(s); got != want(s) {
			t.Fatalf("syllableLen(%q) = %d, want %d", s, got, want(s))
		}
	}
	for lead := 0xEA; lead <= 0xED; lead++ {
		for b1 := range 256 {
			for b2 := range 256 {
				s := string([]byte{byte(lead), byte(b1), byte(b2), 'x'})
				if got := syllableLen(s); got != want(s) {
					t.Fatalf("syllableLen(%q) = %d, want %d", s, got, want(s))
				}
			}
		}
	}
}
