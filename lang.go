package beforetrip

import "unicode"

// LangKorean is the language tag of Korean pages.
const LangKorean = "ko"

// PageLang is the language of a page's text: fixed, if the editor set
// one; otherwise Korean when most of the letters of text are Hangul (a
// Korean tip in the English build), else the site's language. Digits,
// punctuation and spaces do not count, so "10,000원" is Korean.
func PageLang(fixed, text, site string) string {
	if fixed != "" {
		return fixed
	}
	if MostlyHangul(text) {
		return LangKorean
	}
	return site
}

// MostlyHangul reports whether more than half of the letters of text are
// Hangul.
func MostlyHangul(text string) bool {
	var hangul, letters int
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.Is(unicode.Hangul, r) {
			hangul++
		}
	}
	return hangul*2 > letters
}

// ValidLang reports whether tag looks like a BCP 47 language tag as used
// in <html lang>: a 2–3 letter lower-case language, then optional
// subtags of 2–8 letters or digits ("ko", "en-GB", "zh-Hant").
func ValidLang(tag string) bool {
	first := true
	n := 0
	for i := 0; i <= len(tag); i++ {
		if i < len(tag) && tag[i] != '-' {
			c := tag[i]
			if first && (c < 'a' || c > 'z') {
				return false
			}
			if !first && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
			n++
			continue
		}
		if first && (n < 2 || n > 3) || !first && (n < 2 || n > 8) {
			return false
		}
		first, n = false, 0
	}
	return tag != ""
}
