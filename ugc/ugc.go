// Package ugc renders user-generated Markdown (comments, reader reviews) to
// HTML that is safe to put in a page: goldmark without raw HTML, then
// bluemonday's UGC policy. Every link carries rel="nofollow ugc noopener".
// Only images on the site itself (relative URLs) become <img>: an image on
// another host becomes a link to it, so that reading a comment neither
// tells a third party the reader's IP nor asks for what the site's CSP
// (img-src 'self' data:) would block anyway.
package ugc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/beforetrip/beforetrip"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is the rel value of every link in reader text: search engines must
// not credit it (nofollow, ugc) and the target must not get window.opener.
var linkRel = []byte("nofollow ugc noopener")

// Renderer renders reader Markdown. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a Renderer.
func New() *Renderer {
	// No html.WithUnsafe(): goldmark replaces raw HTML with a comment and
	// drops dangerous link schemes; bluemonday then removes anything left.
	// No tables: GFM pads every row to the header's column count, so a
	// 4,000-character comment could render to megabytes of stored HTML.
	md := goldmark.New(
		goldmark.WithExtensions(extension.Strikethrough, extension.Linkify,
			extension.TaskList),
		goldmark.WithParserOptions(parser.WithASTTransformers(
			util.Prioritized(linkTransformer{}, 100))),
	)
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("rel").Matching(bluemonday.SpaceSeparatedTokens).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	return &Renderer{md: md, policy: p}
}

// Render returns the safe HTML of a Markdown text, or an EINVALID error
// (field "body") when one of its lines nests more than
// beforetrip.MaxReaderNesting quotes or lists (checked before parsing,
// whose cost grows with the depth), when it has more than
// beforetrip.MaxReaderLinks
// links, a URL longer than beforetrip.MaxReaderURLLen, or would render to
// more than beforetrip.ReaderHTMLLimit bytes. Links are counted before
// rendering, and rendering stops at the limit, so an amplifying text costs
// no more memory than an allowed one.
func (r *Renderer) Render(markdown string) (string, error) {
	if beforetrip.ReaderNesting(markdown) > beforetrip.MaxReaderNesting {
		return "", beforetrip.ErrReaderNestedTooDeep("body")
	}
	src := []byte(markdown)
	doc := r.md.Parser().Parse(text.NewReader(src))
	if err := checkLinks(doc, src); err != nil {
		return "", err
	}
	limit := beforetrip.ReaderHTMLLimit(len(src))
	w := &cappedBuffer{max: limit}
	if err := r.md.Renderer().Render(w, src, doc); err != nil {
		if errors.Is(err, errTooLarge) {
			return "", beforetrip.ErrReaderHTMLTooLarge("body")
		}
		return "", fmt.Errorf("ugc: render: %w", err)
	}
	html := r.policy.Sanitize(w.buf.String())
	if len(html) > limit {
		return "", beforetrip.ErrReaderHTMLTooLarge("body")
	}
	return html, nil
}

// errTooLarge stops a rendering that passed its limit.
var errTooLarge = errors.New("rendered HTML too large")

// cappedBuffer is a buffer that refuses to grow past max bytes; goldmark's
// buffered writer then drops every later write, so the rest of the
// rendering is cheap.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.buf.Len()+len(p) > c.max {
		return 0, errTooLarge
	}
	return c.buf.Write(p)
}

// checkLinks bounds the number and the URL length of links and images:
// a reference definition can be used any number of times, each copying
// its URL into the HTML.
func checkLinks(doc ast.Node, src []byte) error {
	var err error
	links := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest int
		switch n := n.(type) {
		case *ast.Link:
			dest = len(n.Destination)
		case *ast.Image:
			dest = len(n.Destination)
		case *ast.AutoLink:
			dest = len(n.URL(src))
		default:
			return ast.WalkContinue, nil
		}
		links++
		switch {
		case dest > beforetrip.MaxReaderURLLen:
			err = beforetrip.ErrReaderURLTooLong("body")
		case links > beforetrip.MaxReaderLinks:
			err = beforetrip.ErrReaderTooManyLinks("body")
		default:
			return ast.WalkContinue, nil
		}
		return ast.WalkStop, nil
	})
	return err
}

// linkTransformer sets rel on every link and autolink, and turns images
// that are not on the site into links (or, where a link cannot be, into
// their alt text).
type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Link, *ast.AutoLink:
				n.SetAttributeString("rel", linkRel)
			case *ast.Image:
				if imageSource(n.Destination) != sourceSite {
					images = append(images, n)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	// Replaced after the walk: ast.Walk does not expect the tree to change
	// under it.
	for _, img := range images {
		if imageSource(img.Destination) == sourceWeb && !insideLink(img) {
			replaceWithLink(img)
		} else {
			replaceWithAlt(img) // a link in a link is not HTML; data: and other schemes are not links
		}
	}
}

// source is where an image's URL points.
type source int

const (
	sourceSite  source = iota // a relative URL: the site's own origin
	sourceWeb                 // http(s) or protocol-relative: another host, perhaps
	sourceOther               // data:, javascript:, anything else with a scheme
)

// imageSource classifies dest as the browser will read the src that
// goldmark writes: URLEscape has already percent-encoded spaces, controls and
// backslashes, so only a scheme or a leading "//" leaves the site. An
// absolute URL of the site's own host counts as another host: the renderer
// does not know the site's address, and a relative URL does the same job.
func imageSource(dest []byte) source {
	u := string(util.URLEscape(dest, true))
	if colon := strings.IndexByte(u, ':'); colon >= 0 && !strings.ContainsAny(u[:colon], "/?#") {
		switch strings.ToLower(u[:colon]) {
		case "http", "https":
			return sourceWeb
		}
		return sourceOther
	}
	if strings.HasPrefix(u, "//") {
		return sourceWeb
	}
	return sourceSite
}

// insideLink reports whether n is in the text of a link.
func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Link); ok {
			return true
		}
	}
	return false
}

// replaceWithLink puts a link to the image, with its alt text (or, without
// one, its URL) as the link text, where the image was.
func replaceWithLink(img *ast.Image) {
	link := ast.NewLink()
	link.Destination, link.Title = img.Destination, img.Title
	link.SetAttributeString("rel", linkRel)
	if !img.HasChildren() {
		link.AppendChild(link, ast.NewString(util.ResolveEntityNames(
			util.ResolveNumericReferences(util.UnescapePunctuations(img.Destination)))))
	}
	for c := img.FirstChild(); c != nil; {
		next := c.NextSibling()
		link.AppendChild(link, c)
		c = next
	}
	img.Parent().ReplaceChild(img.Parent(), img, link)
}

// replaceWithAlt puts the image's alt text where the image was.
func replaceWithAlt(img *ast.Image) {
	parent := img.Parent()
	for c := img.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, img, c)
		c = next
	}
	parent.RemoveChild(parent, img)
}
