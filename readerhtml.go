package beforetrip

import "strings"

// Limits of reader-written HTML (comments and reader reviews). The API
// stores and serves the HTML a reader's Markdown renders to, 100 comments
// or reviews per answer, so a short text must not become megabytes: one
// link definition with a 10,000-character URL used 2,500 times once turned
// a 20,000-character review into 25 MB. Texts past these limits are refused
// with EINVALID, never truncated (SECURITY.md, "Reader content").
const (
	// MaxReaderHTMLRatio bounds the rendered HTML to this many times the
	// Markdown's size (plus ReaderHTMLSlack, so that a one-word comment,
	// which gains its <p> and rel attributes, still fits).
	MaxReaderHTMLRatio = 8
	// ReaderHTMLSlack is the fixed allowance on top of the ratio, in bytes.
	ReaderHTMLSlack = 512
	// MaxReaderHTML is the absolute bound of a text's rendered HTML, in bytes.
	MaxReaderHTML = 128 << 10
	// MaxReaderLinks bounds the links, autolinks and images of one text:
	// each repeats its URL at least once in the HTML.
	MaxReaderLinks = 100
	// MaxReaderURLLen bounds one link or image URL, in bytes.
	MaxReaderURLLen = 2048
	// MaxReaderNesting bounds the quotes and list items opened on one
	// line: parsing 20,000 nested quotes took 0.7 s of CPU.
	MaxReaderNesting = 32
)

// ReaderHTMLLimit is the largest rendered HTML allowed for Markdown of
// mdBytes bytes.
func ReaderHTMLLimit(mdBytes int) int {
	return min(MaxReaderHTMLRatio*mdBytes+ReaderHTMLSlack, MaxReaderHTML)
}

// ErrReaderHTMLTooLarge is the error for a text whose HTML would pass
// ReaderHTMLLimit.
func ErrReaderHTMLTooLarge(field string) *Error {
	return Invalid(field, "This text would become too large a page once formatted "+
		"(at most %d times its length, %d KiB): use fewer links, lists or quotes, or shorten it.",
		MaxReaderHTMLRatio, MaxReaderHTML>>10)
}

// ErrReaderTooManyLinks is the error for a text with more than
// MaxReaderLinks links and images.
func ErrReaderTooManyLinks(field string) *Error {
	return Invalid(field, "This text has more than %d links or images; please use fewer.", MaxReaderLinks)
}

// ErrReaderURLTooLong is the error for a link or image URL longer than
// MaxReaderURLLen.
func ErrReaderURLTooLong(field string) *Error {
	return Invalid(field, "A link in this text is longer than %d characters; please shorten it.", MaxReaderURLLen)
}

// ErrReaderNestedTooDeep is the error for a text with more than
// MaxReaderNesting quotes or list items nested on one line.
func ErrReaderNestedTooDeep(field string) *Error {
	return Invalid(field, "This text nests more than %d quotes or lists in one another; please use fewer.", MaxReaderNesting)
}

// ReaderNesting is the largest number of block quote (">") and list item
// ("-", "*", "+", "1." or "1)" and a space) markers that open one line of
// Markdown: how deep one line nests containers.
func ReaderNesting(markdown string) int {
	deepest := 0
	for line := range strings.Lines(markdown) {
		depth, i := 0, 0
		for i < len(line) {
			switch c := line[i]; {
			case c == ' ' || c == '\t':
				i++
				continue
			case c == '>':
				i++
			case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
				i += 2
			case c >= '0' && c <= '9':
				j := i
				for j < len(line) && line[j] >= '0' && line[j] <= '9' {
					j++
				}
				if j+1 >= len(line) || (line[j] != '.' && line[j] != ')') || (line[j+1] != ' ' && line[j+1] != '\t') {
					i = len(line)
					continue
				}
				i = j + 2
			default:
				i = len(line)
				continue
			}
			depth++
		}
		deepest = max(deepest, depth)
	}
	return deepest
}
