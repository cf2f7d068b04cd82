package markdown

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Picture is how a local image is published: a fallback src, a srcset of
// resized variants and the intrinsic size of the largest (no layout shift).
type Picture struct {
	Src, Srcset   string
	Width, Height int
}

// ImageFunc resolves the destination of a Markdown image that is not a
// URL; an error is reported to the editor with the image's line.
type ImageFunc func(dest string) (*Picture, error)

// ImageError is a problem with one image of the document.
type ImageError struct {
	Line int // 1-based line in the Markdown body
	Msg  string
}

// Sizes is the sizes attribute of content images: the column is at most
// 46rem wide with 1rem of padding on each side.
const Sizes = "(max-width: 46rem) calc(100vw - 2rem), 44rem"

var imagesKey = parser.NewContextKey()

// imageState is what one conversion knows about its images.
type imageState struct {
	resolve ImageFunc
	errs    []ImageError
	n       int // local images seen: the first loads eagerly, the rest lazily
}

// pictureNode replaces a local image in the AST.
type pictureNode struct {
	ast.BaseInline
	pic   *Picture
	alt   string
	title string
	lazy  bool
}

var kindPicture = ast.NewNodeKind("Picture")

// Kind implements ast.Node.
func (n *pictureNode) Kind() ast.NodeKind { return kindPicture }

// Dump implements ast.Node.
func (n *pictureNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

type imagesExt struct{}

// Images resolves local images (ConvertWith) and renders them as
// responsive <img> elements.
var Images goldmark.Extender = imagesExt{}

func (imagesExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(imageTransformer{}, 600)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(pictureRenderer{}, 500)))
}

type imageTransformer struct{}

func (imageTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(imagesKey).(*imageState)
	if st == nil || pc.Get(needsLinkify) != nil {
		return // no images to resolve, or the document is parsed again
	}
	src := reader.Source()
	var imgs []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			imgs = append(imgs, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range imgs {
		dest := string(img.Destination)
		alt := strings.TrimSpace(plain(img, src))
		line := lineOf(img, src)
		if isURL(dest) {
			if alt == "" {
				st.errs = append(st.errs, ImageError{line, fmt.Sprintf("image %s: alt text is required: ![what it shows](%s)", dest, dest)})
			}
			continue
		}
		if alt == "" {
			st.errs = append(st.errs, ImageError{line, fmt.Sprintf("image %s: alt text is required: ![what it shows](%s)", dest, dest)})
			continue
		}
		pic, err := st.resolve(dest)
		if err != nil {
			st.errs = append(st.errs, ImageError{line, fmt.Sprintf("image %s: %v", dest, err)})
			continue
		}
		st.n++
		img.Parent().ReplaceChild(img.Parent(), img, &pictureNode{pic: pic, alt: alt, title: string(img.Title), lazy: st.n > 1})
	}
}

// isURL reports whether an image destination points outside the content
// (a URL or a site path), which the builder leaves as it is.
func isURL(dest string) bool {
	return strings.Contains(dest, "://") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "data:")
}

// plain is the text of a node's inline children (an image's alt text).
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch t := c.(type) {
			case *ast.Text:
				b.Write(t.Segment.Value(src))
			case *ast.String:
				b.Write(t.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// lineOf finds the line of an inline node from its own text or its block.
func lineOf(n ast.Node, src []byte) int {
	off := -1
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering && off < 0 {
			off = t.Segment.Start
		}
		return ast.WalkContinue, nil
	})
	for p := n.Parent(); off < 0 && p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			off = p.Lines().At(0).Start
		}
	}
	if off < 0 {
		return 1
	}
	return bytes.Count(src[:min(off, len(src))], []byte("\n")) + 1
}

type pictureRenderer struct{}

func (pictureRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindPicture, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*pictureNode)
		fmt.Fprintf(w, `<img src="%s"`, html.EscapeString(n.pic.Src))
		if n.pic.Srcset != "" {
			fmt.Fprintf(w, ` srcset="%s" sizes="%s"`, html.EscapeString(n.pic.Srcset), Sizes)
		}
		fmt.Fprintf(w, ` width="%d" height="%d" alt="%s"`, n.pic.Width, n.pic.Height, html.EscapeString(n.alt))
		if n.title != "" {
			fmt.Fprintf(w, ` title="%s"`, html.EscapeString(n.title))
		}
		if n.lazy {
			w.WriteString(` loading="lazy"`)
		}
		w.WriteString(` decoding="async">`)
		return ast.WalkSkipChildren, nil
	})
}
