package search

import (
	"strings"

	"unicode/utf8"

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
// cut at spaces first. A piece of ASCII and Hangul syllables alone (most
// pieces of our pages, English or Korean) is segmented by simpleWords,
// the rules of UAX #29 for those characters, without uniseg's table
// lookups and without a normalisation pass (such a piece is NFC: nothing
// composes with a precomposed syllable but a conjoining jamo). Other
// pieces go through NFC and uniseg. TestEachWordMatchesUniseg and
// FuzzEachWord check both paths agree.
func eachWord(text string, f func(string)) {
	w := wordJoiner{f: f, pendingEnd: -1}
	var cls [maxSimple]uint8
	var offs [maxSimple + 1]int32
	pos := 0
	for text != "" {
		if word, n, ok := plainWord(text); ok {
			w.flush()
			if word != "" {
				f(word)
			}
			pos += n
			text = text[n:]
		} else {
			i := strings.IndexByte(text, ' ')
			if i < 0 {
				i = len(text)
			}
			piece := text[:i]
			if n, ok := simpleClasses(piece, cls[:], offs[:]); ok {
				// Two word segments of such a piece are never adjacent,
				// so the joiner has nothing to merge.
				w.flush()
				simpleWords(piece, cls[:n], offs[:n+1], f)
			} else {
				// An ASCII space is a boundary of NFC as of UAX #29: no
				// mark composes with it or is reordered across it, so each
				// piece is normalised alone. Invalid bytes become U+FFFD
				// first (never a word): x/text's NFC stops at what looks
				// like a cut sequence at the end of its input ("\xf3\u0374"
				// stays, "\xf3\u0374 " becomes "\xf3\u02b9 "), so a piece
				// would not be normalised as the whole text is.
				piece = norm.NFC.String(strings.ToValidUTF8(piece, "\uFFFD"))
				unisegSegments(piece, pos, w.segment)
				pos += len(piece) - i // offsets only tell adjacent segments
			}
			pos += i
			text = text[i:]
		}
		for text != "" && text[0] == ' ' {
			text = text[1:]
			pos++
		}
	}
	w.flush()
}

// plainWord looks at the piece text starts with (up to its first space):
// when the piece is a run of ASCII letters and digits and Hangul syllables
// with ASCII punctuation (not "_") at its ends, it returns the run (""
// when the piece is such punctuation alone), the piece's length and true.
// Most pieces of our pages are ("visa", "visa,", "(교통카드를)"). The ends
// break from the run (UAX #29 joins a letter or digit across punctuation
// only when a letter or digit follows it, WB6, WB7, WB11, WB12) and
// nothing inside it does (WB5, WB8-WB10), so the run is the piece's one
// word, found in one forward pass over its bytes, which also finds the
// piece's end; other pieces are segmented character by character.
func plainWord(text string) (word string, n int, ok bool) {
	i := 0
	for i < len(text) && plainClass[text[i]] == plainPunct {
		i++
	}
	j := i
	for {
		for j < len(text) && plainClass[text[j]] == plainAlnum {
			j++
		}
		if j == len(text) || plainClass[text[j]] != plainHangul {
			break
		}
		n := syllableLen(text[j:])
		if n == 0 {
			return "", 0, false
		}
		j += n
	}
	n = j
	for n < len(text) && plainClass[text[n]] == plainPunct {
		n++
	}
	if n < len(text) && text[n] != ' ' {
		return "", 0, false
	}
	return text[i:j], n, true
}

// syllableLen is the length of the Hangul syllable (U+AC00–U+D7A3, EA B0 80
// – ED 9E A3 in UTF-8) s starts with, 0 when it starts with none.
// It decodes the three bytes itself: utf8.DecodeRuneInString inlines only
// its ASCII case, and its call was a tenth of the words' segmentation. The
// lead bytes EA–ED start no overlong sequence, and the range check leaves
// out the surrogates (ED A0–BF …).
func syllableLen(s string) int {
	if len(s) < 3 || s[0] < 0xEA || s[0] > 0xED || s[1]&0xC0 != 0x80 || s[2]&0xC0 != 0x80 {
		return 0
	}
	if r := rune(s[0]&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F); r >= 0xAC00 && r <= 0xD7A3 {
		return 3
	}
	return 0
}

// Classes of a piece's bytes for plainWord.
const (
	plainOther  = iota // "_", " ", bytes of other characters
	plainPunct         // ASCII but for letters, digits, "_" and " "
	plainAlnum         // ASCII letters and digits
	plainHangul        // first bytes of Hangul syllables: EA–ED
)

var plainClass = func() (t [256]uint8) {
	for c := range utf8.RuneSelf {
		t[c] = plainPunct
		if wbASCII[c] == wbLetter || wbASCII[c] == wbNumeric {
			t[c] = plainAlnum
		}
	}
	t['_'], t[' '] = plainOther, plainOther
	for c := 0xEA; c <= 0xED; c++ {
		t[c] = plainHangul
	}
	return t
}()

// maxSimple is the longest piece, in characters, that simpleWords takes;
// longer ones (a URL, a run of text without spaces) go through uniseg.
const maxSimple = 96

// simpleClasses writes the word break class of each character of piece
// into cls and its byte offset into offs (and len(piece) after the last),
// and returns how many characters there are, when piece holds only ASCII
// and Hangul syllables (U+AC00–U+D7A3, class ALetter), and at most
// len(cls) characters.
func simpleClasses(piece string, cls []uint8, offs []int32) (int, bool) {
	n := 0
	for i := 0; i < len(piece); n++ {
		if n == len(cls) {
			return 0, false
		}
		offs[n] = int32(i)
		if c := piece[i]; c < utf8.RuneSelf {
			cls[n] = wbASCII[c]
			i++
			continue
		}
		size := syllableLen(piece[i:])
		if size == 0 {
			return 0, false
		}
		cls[n] = wbLetter
		i += size
	}
	offs[n] = int32(len(piece))
	return n, true
}

// eachWordUniseg is eachWord by uniseg alone, what the fast path must equal.
func eachWordUniseg(text string, f func(string)) {
	w := wordJoiner{f: f, pendingEnd: -1}
	unisegSegments(norm.NFC.String(strings.ToValidUTF8(text, "\uFFFD")), 0, w.segment)
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

// simpleWords calls f with the UAX #29 word segments of s that hold a
// letter or a digit, given the class and offset of each of its characters
// (simpleClasses). A segment that starts with a character of class Other
// or Mid* is that character alone (a Mid* joins only a word before it,
// WB6/WB12, and then the segment started earlier), so only segments
// starting with a letter, a digit or "_" are followed.
func simpleWords(s string, cls []uint8, offs []int32, f func(string)) {
	for i := 0; i < len(cls); {
		c := cls[i]
		if c != wbLetter && c != wbNumeric && c != wbExtendNumLet {
			i++
			continue
		}
		start, word := i, c != wbExtendNumLet
		for i++; i < len(cls) && (wordChar(cls[i-1]) && wordChar(cls[i]) || !wordBreak(cls, i)); i++ {
			if c := cls[i]; c == wbLetter || c == wbNumeric {
				word = true
			}
		}
		if word {
			f(s[offs[start]:offs[i]])
		}
	}
}

// wordChar reports whether class c is a letter or a digit: two such never
// break (WB5, WB8–WB10), the common case simpleWords checks first.
func wordChar(c uint8) bool { return c == wbLetter || c == wbNumeric }

// wordBreak reports whether UAX #29 breaks words between the characters
// of classes cls[i-1] and cls[i].
func wordBreak(cls []uint8, i int) bool {
	a, b := cls[i-1], cls[i]
	switch {
	case (a == wbLetter || a == wbNumeric) && (b == wbLetter || b == wbNumeric): // WB5, WB8, WB9, WB10
		return false
	case b == wbOther:
		return true
	case a == wbLetter && (b == wbMidLetter || b == wbMidNumLet): // WB6
		return wbAt(cls, i+1) != wbLetter
	case (a == wbMidLetter || a == wbMidNumLet) && b == wbLetter: // WB7
		return wbAt(cls, i-2) != wbLetter
	case (a == wbMidNum || a == wbMidNumLet) && b == wbNumeric: // WB11
		return wbAt(cls, i-2) != wbNumeric
	case a == wbNumeric && (b == wbMidNum || b == wbMidNumLet): // WB12
		return wbAt(cls, i+1) != wbNumeric
	case (a == wbLetter || a == wbNumeric || a == wbExtendNumLet) && b == wbExtendNumLet: // WB13a
		return false
	case a == wbExtendNumLet && (b == wbLetter || b == wbNumeric): // WB13b
		return false
	}
	return true
}

// wbAt is the class cls[j], Other outside cls.
func wbAt(cls []uint8, j int) uint8 {
	if j < 0 || j >= len(cls) {
		return wbOther
	}
	return cls[j]
}
