// Package markdown converts editors' Markdown to HTML for the site builder:
// goldmark with GFM, footnotes and typographer, plus our own extension that
// gives headings Unicode-safe IDs and anchor links and collects a table of
// contents and a plain-text summary while the document is parsed.
package markdown

import (
	"bufio"
	"bytes"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Heading is one entry of a table of contents.
type Heading struct {
	Level int    // 2 or 3
	ID    string // the element id, without '#'
	Text  string // plain text
}

// Doc is the result of converting one Markdown document.
type Doc struct {
	HTML     string
	TOC      []Heading // h2 and h3 headings in order
	Plain    string    // plain text of the first paragraphs, for summaries
	Headings int       // number of h2/h3 headings
	// ImageErrors are the problems with images (ConvertWith): missing alt
	// text, files that cannot be published.
	ImageErrors []ImageError
}

// pooledWriter is a reusable output buffer with its buffered writer.
type pooledWriter struct {
	buf bytes.Buffer
	bw  *bufio.Writer
}

// Converter converts Markdown. It is safe for concurrent use.
type Converter struct {
	md     goldmark.Markdown // without linkify
	linked goldmark.Markdown // with it, for documents linkProbe marks
	pool   sync.Pool
}

// Option configures a Converter.
type Option func(*options)

type options struct{ unsafe bool }

// WithUnsafeHTML lets raw HTML in the Markdown through to the output.
func WithUnsafeHTML(on bool) Option { return func(o *options) { o.unsafe = on } }

// New returns a Converter.
func New(opts ...Option) *Converter {
	var o options
	for _, f := range opts {
		f(&o)
	}
	rendererOpts := []goldmark.Option{}
	if o.unsafe {
		rendererOpts = append(rendererOpts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	exts := []goldmark.Extender{gfm, extension.Footnote, extension.Typographer, Headings, TableLimit, TableAlign, Images}
	md := goldmark.New(append(rendererOpts,
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithHeadingAttribute(),
			parser.WithASTTransformers(util.Prioritized(linkProbe{}, probePriority))),
	)...)
	linked := goldmark.New(append(rendererOpts,
		goldmark.WithExtensions(append(exts, linkify)...),
		goldmark.WithParserOptions(parser.WithHeadingAttribute()),
	)...)
	c := &Converter{md: md, linked: linked}
	c.pool.New = func() any {
		w := new(pooledWriter)
		w.bw = bufio.NewWriter(&w.buf)
		return w
	}
	return c
}

// Convert renders src. goldmark only fails on writer errors, which a
// bytes.Buffer never returns, but the error is passed on for safety.
func (c *Converter) Convert(src []byte) (*Doc, error) {
	return c.ConvertWith(src, nil)
}

// ConvertWith renders src with its local images resolved by img and
// rendered as responsive images; every image needs alt text. With a nil
// img, images are left as goldmark renders them.
func (c *Converter) ConvertWith(src []byte, img ImageFunc) (*Doc, error) {
	var st *imageState
	md, doc, pc := c.parse(src, func(pc parser.Context) {
		if img != nil {
			st = &imageState{resolve: img}
			pc.Set(imagesKey, st)
		}
	})
	w := c.pool.Get().(*pooledWriter)
	w.buf.Reset()
	w.bw.Reset(&w.buf)
	defer c.pool.Put(w)
	// A bufio.Writer is a goldmark BufWriter: passing one spares the
	// renderer allocating its own 4 KiB writer per document.
	if err := md.Renderer().Render(w.bw, src, doc); err != nil {
		return nil, err
	}
	out := &Doc{HTML: w.buf.String()} // one copy: the builder keeps it as template.HTML
	if info, ok := pc.Get(infoKey).(*headingInfo); ok {
		out.TOC = info.toc
		out.Plain = info.plain.String()
		out.Headings = len(info.toc)
	}
	if st != nil {
		out.ImageErrors = st.errs
	}
	return out, nil
}

// parse parses src without linkify and, when linkProbe finds where a bare
// link could start, again with it. setup prepares each parse's context.
// It returns the Markdown that parsed the tree, to render it.
func (c *Converter) parse(src []byte, setup func(parser.Context)) (goldmark.Markdown, ast.Node, parser.Context) {
	pc := parser.NewContext()
	setup(pc)
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if pc.Get(needsLinkify) == nil {
		return c.md, doc, pc
	}
	pc = parser.NewContext()
	setup(pc)
	return c.linked, c.linked.Parser().Parse(text.NewReader(src), parser.WithContext(pc)), pc
}

// PlainText returns the summary text of src without rendering HTML.
func (c *Converter) PlainText(src []byte) string {
	_, _, pc := c.parse(src, func(parser.Context) {})
	if info, ok := pc.Get(infoKey).(*headingInfo); ok {
		return info.plain.String()
	}
	return ""
}
