// Package ugc renders user-generated Markdown (comments, reader reviews) to
// HTML that is safe to put in a page: goldmark without raw HTML, then
// bluemonday's UGC policy. Every link carries rel="nofollow ugc noopener".
package ugc

import (
	"bytes"

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
			util.Prioritized(relTransformer{}, 100))),
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

// relTransformer sets rel on every link and autolink.
type relTransformer struct{}

func (relTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.(type) {
			case *ast.Link, *ast.AutoLink:
				n.SetAttributeString("rel", linkRel)
			}
		}
		return ast.WalkContinue, nil
	})
}
