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
// lines that can hold a link. Linkify triggers on every space (and * _ ~
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
