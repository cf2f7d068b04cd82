package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PlainText extracts the text of rendered page HTML (goldmark's output or
// a sanitized reader review): the headings' text, and the whole text with
// block elements separated by spaces. Anchor links marked aria-hidden
// (the "#" after headings) are left out, so are <script> and <style>.
func PlainText(h string) (headings []string, text string) {
	var head strings.Builder
	// The text is never longer than the HTML (entities and tags are
	// longer than what they become), so one allocation holds it, and the
	// builder's String does not copy it again.
	var body spaced
	body.b.Grow(len(h))
	inHead, skip := false, ""
	for h != "" {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			i = len(h)
		}
		if skip == "" && i > 0 {
			t := h[:i]
			if strings.IndexByte(t, '&') >= 0 {
				t = html.UnescapeString(t)
			}
			body.write(t)
			if inHead {
				head.WriteString(t)
			}
		}
		h = h[i:]
		if h == "" {
			break
		}
		j := strings.IndexByte(h, '>')
		if j < 0 {
			break
		}
		tag := h[1:j]
		h = h[j+1:]
		name, closing := tagName(tag)
		switch {
		case skip != "":
			if closing && name == skip {
				skip = ""
			}
			continue
		case !closing && (name == "script" || name == "style" || (name == "a" && strings.Contains(tag, `aria-hidden="true"`))):
			skip = name
			continue
		case len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6':
			if closing && inHead {
				headings = append(headings, strings.TrimSpace(head.String()))
				head.Reset()
			}
			inHead = !closing
		}
		if !inline(name) {
			body.space = body.b.Len() > 0
		}
	}
	return headings, body.b.String()
}

// spaced collects text with runs of white space (unicode.IsSpace) written
// as one space and none at the ends, as strings.Fields then Join would,
// without the copy of the whole page they cost.
type spaced struct {
	b     strings.Builder
	space bool // a space is due before the next non-space
}

func (w *spaced) write(s string) {
	for i := 0; i < len(s); {
		// A run of bytes that cannot start white space is copied at once:
		// Unicode's spaces beyond ASCII all start with C2, E1, E2 or E3
		// (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000), so Hangul
		// (EA–ED) and other scripts are copied without decoding. So is a
		// single ASCII space between two such bytes, the common gap
		// between words, which needs no collapsing.
		j := i
		for j < len(s) {
			if !mayBeSpace[s[j]] {
				j++
			} else if s[j] == ' ' && j > i && j+1 < len(s) && !mayBeSpace[s[j+1]] {
				j += 2
			} else {
				break
			}
		}
		if j > i {
			if w.space {
				w.b.WriteByte(' ')
				w.space = false
			}
			w.b.WriteString(s[i:j])
			i = j
			continue
		}
		c := s[i]
		n, sp := 1, asciiSpace[c]
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			sp = unicode.IsSpace(r)
		}
		if sp {
			w.space = w.b.Len() > 0
		} else {
			if w.space {
				w.b.WriteByte(' ')
				w.space = false
			}
			w.b.WriteString(s[i : i+n])
		}
		i += n
	}
}

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// mayBeSpace marks the bytes that may start white space (unicode.IsSpace).
var mayBeSpace = func() (t [256]bool) {
	t = asciiSpace
	t[0xC2], t[0xE1], t[0xE2], t[0xE3] = true, true, true, true
	return t
}()

// inline reports whether elements named name do not separate words.
func inline(name string) bool {
	switch name {
	case "a", "em", "strong", "code", "del", "span", "b", "i", "s", "sup", "sub", "mark", "abbr", "kbd":
		return true
	}
	return false
}

// tagName returns the lower-case element name of a tag's inside ("a href=…",
// "/p") and whether it closes.
func tagName(tag string) (string, bool) {
	closing := strings.HasPrefix(tag, "/")
	tag = strings.TrimPrefix(tag, "/")
	end := 0
	for end < len(tag) && tag[end] != ' ' && tag[end] != '\t' && tag[end] != '\n' && tag[end] != '/' {
		end++
	}
	return strings.ToLower(tag[:end]), closing
}
