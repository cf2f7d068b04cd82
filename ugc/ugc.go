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
	"strings"

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

// Render returns the safe HTML of a Markdown text.
func (r *Renderer) Render(markdown string) string {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(markdown), &buf); err != nil {
		// goldmark only fails on writer errors; a bytes.Buffer has none.
		return ""
	}
	return r.policy.Sanitize(buf.String())
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
