package search

import (
	"html"
	"strings"
)

// PlainText extracts the text of rendered page HTML (goldmark's output or
// a sanitized reader review): the headings' text, and the whole text with
// block elements separated by spaces. Anchor links marked aria-hidden
// (the "#" after headings) are left out, so are <script> and <style>.
func PlainText(h string) (headings []string, text string) {
	var body, head strings.Builder
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
			body.WriteString(t)
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
		if !inline[name] {
			body.WriteByte(' ')
		}
	}
	return headings, strings.Join(strings.Fields(body.String()), " ")
}

// inline elements do not separate words.
var inline = map[string]bool{"a": true, "em": true, "strong": true, "code": true, "del": true, "span": true,
	"b": true, "i": true, "s": true, "sup": true, "sub": true, "mark": true, "abbr": true, "kbd": true}

// tagName returns the lower-case element name of a tag's inside ("a href=…",
// "/p") and whether it closes.
func tagName(tag string) (string, bool) {
	closing := strings.HasPrefix(tag, "/")
	tag = strings.TrimPrefix(tag, "/")
	end := strings.IndexAny(tag, " \t\n/")
	if end < 0 {
		end = len(tag)
	}
	return strings.ToLower(tag[:end]), closing
}
