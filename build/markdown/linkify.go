package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkify is goldmark's Linkify extension with its parser asked only on
// lines that can hold a link. The Converter parses with it only documents
// that need it (see linkProbe). Linkify triggers on every space (and * _ ~
// and parentheses): on our pages it ran once a word, testing for a URL
// prefix and then scanning the word as an e-mail address (0.6 s of CPU
// in a cold 10k-page build, ~5 %; BenchmarkLinkify: prose renders 10 %
// faster with this). It finds nothing in the rest of a line that has
// no ':' (http:, https:, ftp:), no "www." and no '@' (an address), so a
// line without them is marked once and its triggers answered at once;
// the others go to goldmark's parser, which decides as before.
var linkify goldmark.Extender = linkifyExt{}

type linkifyExt struct{}

func (linkifyExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(&quickLinkify{inner: extension.NewLinkifyParser()}, 999)))
}

type quickLinkify struct {
	inner parser.InlineParser
}

// noLinkLine is where a document's line without links was marked: the
// stop of that line's segment, and the earliest start checked.
type noLinkLine struct{ start, stop int }

var noLinkKey = parser.NewContextKey()

func (q *quickLinkify) Trigger() []byte { return q.inner.Trigger() }

func (q *quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if m, ok := pc.Get(noLinkKey).(noLinkLine); ok && m.stop == seg.Stop && seg.Start >= m.start {
		return nil
	}
	if bytes.IndexByte(line, ':') < 0 && bytes.IndexByte(line, '@') < 0 && !bytes.Contains(line, []byte("www.")) {
		pc.Set(noLinkKey, noLinkLine{seg.Start, seg.Stop})
		return nil
	}
	return q.inner.Parse(parent, block, pc)
}

// linkProbe finds, in a document parsed without linkify, the text where
// linkify could have made a link, and marks the parse with needsLinkify.
//
// Linkify triggers on every space, and goldmark's inline loop pays for a
// trigger even when the parser answers at once: it flushes the text before
// it, saves and restores its position (10 % of a cold 10k-page build's CPU
// with quickLinkify's answer already cheap). Most documents have no bare
// link at all (a link written [like this](https://…) is not one), so the
// Converter parses without linkify and parses again with it only when
// linkProbe finds a place a bare link could start.
//
// The links are the same either way: until linkify's first match, parsing
// with and without it gives the same tree (it answers nil everywhere
// before, and no other parser looks at what it flushed). Only white space
// at the end of a line differs: goldmark strips it from a line's last
// flushed piece only, so with linkify's flush at each space "a \t" kept
// "a ", and "a    " before a hard break kept "a <br>". CommonMark strips
// it all, as goldmark without linkify does, and a browser shows both alike
// (TestConverterLinksAsGoldmark compares without it).
//
// Linkify's match starts with http:, https:, ftp: or www., whose letters
// no parser takes, so the prefix lies in one text node of the tree
// without it, or at the end of one and the start of the next: each text
// node is searched with the 5 bytes after it. An address's '@' lands in a
// text node too (no parser takes '@'), maybe inside a code span or
// emphasis when the address held ` or * before its '@', so every text
// node is searched, in code spans and links too.
type linkProbe struct{}

var needsLinkify = parser.NewContextKey()

// probePriority runs linkProbe before every other transformer, so that it
// sees the tree as parsed and the others can skip a tree that is parsed
// again (images resolve files).
const probePriority = -1000

func (linkProbe) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	if !mayLink(src) {
		return
	}
	if textMayLink(doc, src) {
		pc.Set(needsLinkify, true)
	}
}

// textMayLink reports whether a text node under n (with the 5 bytes after
// it) holds what starts a bare link. A loop of its own, not ast.Walk's
// callback per node: it runs over every node of most pages.
func textMayLink(n ast.Node, src []byte) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			if mayLink(src[t.Segment.Start:min(t.Segment.Stop+5, len(src))]) {
				return true
			}
		} else if c.HasChildren() && textMayLink(c, src) {
			return true
		}
	}
	return false
}

// mayLink reports whether b holds what starts a bare link: http:, https:,
// ftp: (goldmark's protocols), www. or an address's @.
func mayLink(b []byte) bool {
	if bytes.IndexByte(b, '@') >= 0 || bytes.Contains(b, []byte("www.")) {
		return true
	}
	for {
		i := bytes.IndexByte(b, ':')
		if i < 0 {
			return false
		}
		if bytes.HasSuffix(b[:i], []byte("http")) || bytes.HasSuffix(b[:i], []byte("https")) || bytes.HasSuffix(b[:i], []byte("ftp")) {
			return true
		}
		b = b[i+1:] // a protocol's letters hold no ':'
	}
}
