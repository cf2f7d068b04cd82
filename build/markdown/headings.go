package markdown

import (
	"html"
	"strings"
	"unicode"

	"github.com/beforetrip/beforetrip"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// plainLimit is how much plain text is collected for summaries: enough
// for a ~160-character summary cut at a word.
const plainLimit = 400

var infoKey = parser.NewContextKey()

// headingInfo is what the transformer leaves in the parser context.
type headingInfo struct {
	toc   []Heading
	plain strings.Builder
}

// Headings is the goldmark extension that assigns Unicode-safe heading IDs
// (Korean text is kept, not dropped as goldmark's default generator does),
// appends an anchor link to every heading, and records the table of
// contents and the plain text of the first paragraphs.
var Headings goldmark.Extender = headingsExt{}

type headingsExt struct{}

func (headingsExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(headingTransformer{}, 500)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(anchorRenderer{}, 500)))
}

type headingTransformer struct{}

func (headingTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	info := &headingInfo{}
	used := map[string]int{}
	// IDs set explicitly with {#id} are reserved first so generated ones
	// never collide with them.
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			if v, ok := h.AttributeString("id"); ok {
				if b, ok := v.([]byte); ok {
					used[string(b)] = 1
				}
			}
		}
	}
	var sb strings.Builder
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Heading:
			sb.Reset()
			writePlain(&sb, n, src)
			title := strings.TrimSpace(sb.String())
			var id string
			if v, ok := n.AttributeString("id"); ok {
				if b, ok := v.([]byte); ok {
					id = string(b)
				}
			}
			if id == "" {
				id = uniqueID(Slugify(title), used)
				n.SetAttributeString("id", []byte(id))
			}
			if n.Level == 2 || n.Level == 3 {
				info.toc = append(info.toc, Heading{Level: n.Level, ID: id, Text: title})
			}
			n.AppendChild(n, &Anchor{ID: id})
		case *ast.Paragraph:
			if info.plain.Len() < plainLimit {
				if info.plain.Len() > 0 {
					info.plain.WriteByte(' ')
				}
				writePlain(&info.plain, n, src)
			}
		}
	}
	pc.Set(infoKey, info)
}

// uniqueID returns base, or base-N for the first N that is not yet used.
func uniqueID(base string, used map[string]int) string {
	if base == "" {
		base = "section"
	}
	if _, ok := used[base]; !ok {
		used[base] = 1
		return base
	}
	for i := used[base]; ; i++ {
		cand := base + "-" + itoa(i)
		if _, ok := used[cand]; !ok {
			used[base] = i + 1
			used[cand] = 1
			return cand
		}
	}
}

func itoa(i int) string {
	var b [20]byte
	p := len(b)
	for i >= 10 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	p--
	b[p] = byte('0' + i)
	return string(b[p:])
}

// Slugify lower-cases s and keeps letters and digits of any script,
// turning runs of spaces, hyphens and underscores into one hyphen and
// dropping everything else, in NFC (so a tag typed decomposed, as macOS
// may, is the same tag). It is used for heading IDs and tag slugs.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = true
		}
	}
	return beforetrip.NormalizeSlug(b.String())
}

// writePlain appends the visible text of n's inline descendants.
func writePlain(sb *strings.Builder, n ast.Node, src []byte) {
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			sb.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				sb.WriteByte(' ')
			}
		case *ast.String:
			if c.IsCode() {
				sb.WriteString(html.UnescapeString(string(c.Value)))
			} else {
				sb.Write(c.Value)
			}
		case *ast.AutoLink:
			sb.Write(c.Label(src))
		case *ast.RawHTML, *ast.Image, *Anchor:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// KindAnchor is the node kind of Anchor.
var KindAnchor = ast.NewNodeKind("Anchor")

// Anchor is the "#" link appended to a heading. It is hidden from screen
// readers and from the tab order: the table of contents is the accessible
// way to reach sections; the anchor is a convenience for copying links.
type Anchor struct {
	ast.BaseInline
	ID string
}

// Kind implements ast.Node.
func (*Anchor) Kind() ast.NodeKind { return KindAnchor }

// Dump implements ast.Node.
func (a *Anchor) Dump(src []byte, level int) {
	ast.DumpHelper(a, src, level, map[string]string{"ID": a.ID}, nil)
}

type anchorRenderer struct{}

func (anchorRenderer) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(KindAnchor, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			a := n.(*Anchor)
			_, _ = w.WriteString(` <a class="anchor" href="#`)
			_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(a.ID), false)))
			_, _ = w.WriteString(`" aria-hidden="true" tabindex="-1">#</a>`)
		}
		return ast.WalkContinue, nil
	})
}
