package search

import (
	"strings"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// eachWord calls f with the words of text: UAX #29 word segments that hold
// a letter or a digit, with adjacent segments of bigram scripts merged
// (segmenters differ on where such runs break: uniseg cuts Han character
// by character, a browser's Intl.Segmenter by dictionary).
//
// UAX #29 always breaks on both sides of an ASCII space (only spaces and
// combining marks join a space, and neither is a word), so the text is
// cut at spaces first; a piece of ASCII alone, most of an English page,
// is segmented by asciiSegments, the rules of UAX #29 for ASCII, without
// uniseg's table lookups (a third of the build's indexing time).
// TestEachWordMatchesUniseg and FuzzEachWord check both paths agree.
func eachWord(text string, f func(string)) {
	w := wordJoiner{f: f, pendingEnd: -1}
	text = norm.NFC.String(text)
	pos := 0
	for text != "" {
		i := strings.IndexByte(text, ' ')
		if i < 0 {
			i = len(text)
		}
		if piece := text[:i]; isASCII(piece) {
			asciiSegments(piece, pos, w.segment)
		} else {
			unisegSegments(piece, pos, w.segment)
		}
		pos += i
		text = text[i:]
		for text != "" && text[0] == ' ' {
			text = text[1:]
			pos++
		}
	}
	w.flush()
}

// eachWordUniseg is eachWord by uniseg alone, what the fast path must equal.
func eachWordUniseg(text string, f func(string)) {
	w := wordJoiner{f: f, pendingEnd: -1}
	unisegSegments(norm.NFC.String(text), 0, w.segment)
	w.flush()
}

// wordJoiner keeps the last word segment to merge a following one of a
// bigram script into it.
type wordJoiner struct {
	f          func(string)
	pending    string
	pendingEnd int
}

func (w *wordJoiner) segment(seg string, start int) {
	if !isWord(seg) {
		return
	}
	if w.pending != "" && w.pendingEnd == start && allBigram(seg) && endsBigram(w.pending) {
		w.pending += seg
		w.pendingEnd += len(seg)
		return
	}
	w.flush()
	w.pending, w.pendingEnd = seg, start+len(seg)
}

func (w *wordJoiner) flush() {
	if w.pending != "" {
		w.f(w.pending)
		w.pending = ""
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// unisegSegments calls emit with the UAX #29 word segments of s and their
// offsets (s starts at pos).
func unisegSegments(s string, pos int, emit func(string, int)) {
	state := -1
	var seg string
	for s != "" {
		seg, s, state = uniseg.FirstWordInString(s, state)
		emit(seg, pos)
		pos += len(seg)
	}
}

// Word break classes of ASCII characters (UAX #29, WordBreakProperty.txt);
// every other ASCII character is Other and breaks on both sides.
const (
	wbOther     = iota
	wbLetter    // ALetter: A-Z a-z
	wbNumeric   // 0-9
	wbMidLetter // :
	wbMidNum    // , ;
	wbMidNumLet // . and ' (Single_Quote, which WB6-12 treat alike)
	wbExtendNumLet
)

var wbASCII = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = wbLetter, wbLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = wbNumeric
	}
	t[':'] = wbMidLetter
	t[','], t[';'] = wbMidNum, wbMidNum
	t['.'], t['\''] = wbMidNumLet, wbMidNumLet
	t['_'] = wbExtendNumLet
	return t
}()

// asciiSegments calls emit with the UAX #29 word segments of s, ASCII
// without spaces, and their offsets (s starts at pos). Non-word segments
// may come out split differently than uniseg splits them (a CR LF pair);
// words never do, and only words matter.
func asciiSegments(s string, pos int, emit func(string, int)) {
	start := 0
	for i := 1; i <= len(s); i++ {
		if i == len(s) || asciiBreak(s, i) {
			emit(s[start:i], pos+start)
			start = i
		}
	}
}

// asciiBreak reports whether UAX #29 breaks words between s[i-1] and s[i].
func asciiBreak(s string, i int) bool {
	a, b := wbASCII[s[i-1]], wbASCII[s[i]]
	at := func(j int) uint8 {
		if j < 0 || j >= len(s) {
			return wbOther
		}
		return wbASCII[s[j]]
	}
	word := func(c uint8) bool { return c == wbLetter || c == wbNumeric }
	switch {
	case word(a) && word(b): // WB5, WB8, WB9, WB10
		return false
	case a == wbLetter && (b == wbMidLetter || b == wbMidNumLet) && at(i+1) == wbLetter: // WB6
		return false
	case (a == wbMidLetter || a == wbMidNumLet) && b == wbLetter && at(i-2) == wbLetter: // WB7
		return false
	case (a == wbMidNum || a == wbMidNumLet) && b == wbNumeric && at(i-2) == wbNumeric: // WB11
		return false
	case a == wbNumeric && (b == wbMidNum || b == wbMidNumLet) && at(i+1) == wbNumeric: // WB12
		return false
	case (word(a) || a == wbExtendNumLet) && b == wbExtendNumLet: // WB13a
		return false
	case a == wbExtendNumLet && word(b): // WB13b
		return false
	}
	return true
}
