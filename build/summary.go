package build

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beforetrip/beforetrip/build/markdown"
)

// summaryLen is the target length of derived summaries, in characters.
const summaryLen = 160

// summarize collapses whitespace in plain and cuts it at the last word
// boundary before max characters, adding "…" when it cut.
func summarize(plain string, max int) string {
	// Only the first max+1 runes of the joined text matter. Joining the
	// fields of a prefix gives a prefix of the whole text's join, so when
	// that is long enough the rest of the text is not split at all.
	if lim := 8 * (max + 2); len(plain) > lim {
		for !utf8.RuneStart(plain[lim]) {
			lim--
		}
		if s := strings.Join(strings.Fields(plain[:lim]), " "); utf8.RuneCountInString(s) > max+1 {
			plain = s
		}
	}
	plain = strings.Join(strings.Fields(plain), " ")
	runes := []rune(plain)
	if len(runes) <= max {
		return plain
	}
	cut := max
	for i := max; i > max/2; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}) + "…"
}

// tagSlug is the URL segment of a tag: Unicode letters and digits kept.
func tagSlug(name string) string { return markdown.Slugify(name) }
