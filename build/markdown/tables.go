package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// gfm is goldmark's GFM extension without linkify (the Converter adds it
// where a document needs it) and with its table writing no alignment:
// by default an aligned column (|--:|) renders as style="text-align:right"
// on every cell, which the production CSP (style-src 'self') blocks, and
// the align attribute instead is obsolete HTML. TableAlign puts a class on
// those cells; the theme's CSS aligns them.
var gfm goldmark.Extender = gfmExt{}

type gfmExt struct{}

func (gfmExt) Extend(m goldmark.Markdown) {
	extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)).Extend(m)
	extension.Strikethrough.Extend(m)
	extension.TaskList.Extend(m)
}

// TableAlign is the goldmark extension that marks the cells of an aligned
// table column with class "align-left", "align-center" or "align-right".
var TableAlign goldmark.Extender = tableAlignExt{}

type tableAlignExt struct{}

func (tableAlignExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(tableAligner{}, 500)))
}

type tableAligner struct{}

func (tableAligner) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	if bytes.IndexByte(reader.Source(), '|') < 0 {
		return // no table
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*extast.TableCell); ok && entering {
			if c.Alignment != extast.AlignNone {
				c.SetAttributeString("class", []byte("align-"+c.Alignment.String()))
			}
			return ast.WalkSkipChildren, nil
		}
		if fc := n.FirstChild(); fc != nil && fc.Type() == ast.TypeInline {
			return ast.WalkSkipChildren, nil // a paragraph's text holds no table
		}
		return ast.WalkContinue, nil
	})
}

// Table limits. GFM pads every row of a table to its header's width, so a
// wide header over many short rows makes cells grow with the square of the
// file size (a 20 KB file allocated 3.2 GB). Real tables are far smaller.
const (
	maxTableColumns = 64
	maxTableCells   = 20000
)

// TableLimit is the goldmark extension that keeps oversized tables plain
// paragraphs. It runs before GFM's table transformer (priority 200).
var TableLimit goldmark.Extender = tableLimitExt{}

type tableLimitExt struct{}

func (tableLimitExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithParagraphTransformers(util.Prioritized(tableGuard{}, 100)))
}

type tableGuard struct{}

// Transform replaces a paragraph that would become an oversized table with
// a copy that no later paragraph transformer sees (goldmark stops
// transforming a paragraph once it leaves the tree), so its text is
// rendered as an ordinary paragraph.
func (tableGuard) Transform(node *ast.Paragraph, reader text.Reader, _ parser.Context) {
	lines := node.Lines()
	src := reader.Source()
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		cols, ok := delimiterColumns(seg.Value(src))
		if !ok {
			continue
		}
		if cols > maxTableColumns || cols*(lines.Len()-i+1) > maxTableCells {
			plain := ast.NewParagraph()
			plain.SetLines(lines)
			plain.SetBlankPreviousLines(node.HasBlankPreviousLines())
			node.Parent().ReplaceChild(node.Parent(), node, plain)
			return
		}
	}
}

// delimiterColumns reports whether line looks like a table delimiter row
// (|, -, :, spaces only, with at least one '-') and how many columns it has.
func delimiterColumns(line []byte) (int, bool) {
	pipes, dashes, cells := 0, 0, 0
	inCell := false
	for _, c := range line {
		switch c {
		case '|':
			pipes++
			inCell = false
		case '-', ':':
			if c == '-' {
				dashes++
			}
			if !inCell {
				cells++
				inCell = true
			}
		case ' ', '\t', '\n', '\r':
		default:
			return 0, false
		}
	}
	if dashes == 0 || (pipes == 0 && cells < 2) {
		return 0, false
	}
	return cells, true
}
