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
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
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
	md   goldmark.Markdown
	pool sync.Pool
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
	md := goldmark.New(append(rendererOpts,
		goldmark.WithExtensions(gfm, extension.Footnote, extension.Typographer, Headings, TableLimit, TableAlign, Images),
		goldmark.WithParserOptions(parser.WithHeadingAttribute()),
	)...)
	c := &Converter{md: md}
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
	pc := parser.NewContext()
	var st *imageState
	if img != nil {
		st = &imageState{resolve: img}
		pc.Set(imagesKey, st)
	}
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	w := c.pool.Get().(*pooledWriter)
	w.buf.Reset()
	w.bw.Reset(&w.buf)
	defer c.pool.Put(w)
	// A bufio.Writer is a goldmark BufWriter: passing one spares the
	// renderer allocating its own 4 KiB writer per document.
	if err := c.md.Renderer().Render(w.bw, src, doc); err != nil {
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

// PlainText returns the summary text of src without rendering HTML.
func (c *Converter) PlainText(src []byte) string {
	pc := parser.NewContext()
	c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if info, ok := pc.Get(infoKey).(*headingInfo); ok {
		return info.plain.String()
	}
	return ""
}
