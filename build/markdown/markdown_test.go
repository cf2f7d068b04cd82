package markdown

import (
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		contains []string
		toc      []Heading
		plain    string
	}{
		{
			name:     "korean ids and anchors",
			src:      "## 서울 지하철 타기\n\ntext\n",
			contains: []string{`<h2 id="서울-지하철-타기">서울 지하철 타기 <a class="anchor" href="#%EC%84%9C%EC%9A%B8-%EC%A7%80%ED%95%98%EC%B2%A0-%ED%83%80%EA%B8%B0" aria-hidden="true" tabindex="-1">#</a></h2>`},
			toc:      []Heading{{2, "서울-지하철-타기", "서울 지하철 타기"}},
			plain:    "text",
		},
		{
			name:     "duplicates and custom ids",
			src:      "## Intro {#intro-1}\n\n## Intro\n\n### Intro\n\n#### Deep\n",
			contains: []string{`<h2 id="intro-1">`, `<h2 id="intro">`, `<h3 id="intro-2">`, `<h4 id="deep">`},
			toc:      []Heading{{2, "intro-1", "Intro"}, {2, "intro", "Intro"}, {3, "intro-2", "Intro"}},
		},
		{
			name:     "inline markup in headings",
			src:      "## The **JR** `Pass` [link](https://x.org)\n",
			contains: []string{`<h2 id="the-jr-pass-link">`},
			toc:      []Heading{{2, "the-jr-pass-link", "The JR Pass link"}},
		},
		{
			name:     "gfm, footnotes, typographer",
			src:      "| a |\n|---|\n| 1 |\n\n~~no~~ \"yes\" -- www.example.org[^1]\n\n- [x] done\n\n[^1]: note\n",
			contains: []string{"<table>", "<del>no</del>", "&ldquo;yes&rdquo;", "&ndash;", `<a href="http://www.example.org">`, `class="footnote-ref"`, `type="checkbox"`},
			plain:    "no “yes” – www.example.org",
		},
		{
			name:     "raw html dropped",
			src:      "<script>alert(1)</script>\n\nok <b>x</b>\n",
			contains: []string{"<!-- raw HTML omitted -->", "<p>ok <!-- raw HTML omitted -->x<!-- raw HTML omitted --></p>"},
			plain:    "ok x",
		},
	}
	c := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := c.Convert([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			html := string(doc.HTML)
			for _, want := range tt.contains {
				if !strings.Contains(html, want) {
					t.Errorf("HTML lacks %s:\n%s", want, html)
				}
			}
			if len(doc.TOC) != len(tt.toc) {
				t.Fatalf("TOC = %v, want %v", doc.TOC, tt.toc)
			}
			for i := range tt.toc {
				if doc.TOC[i] != tt.toc[i] {
					t.Errorf("TOC[%d] = %v, want %v", i, doc.TOC[i], tt.toc[i])
				}
			}
			if tt.plain != "" && doc.Plain != tt.plain {
				t.Errorf("Plain = %q, want %q", doc.Plain, tt.plain)
			}
		})
	}
}

func TestTableLimit(t *testing.T) {
	c := New()
	tests := []struct {
		name  string
		cols  int
		rows  int
		table bool
	}{
		{"ordinary", 5, 20, true},
		{"widest allowed", maxTableColumns, 10, true},
		{"too wide", maxTableColumns + 1, 2, false},
		{"too many cells", 50, maxTableCells / 50, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "|" + strings.Repeat(" h |", tt.cols) + "\n|" + strings.Repeat("---|", tt.cols) + "\n" +
				strings.Repeat("|\n", tt.rows)
			doc, err := c.Convert([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(doc.HTML), "<table>"); got != tt.table {
				t.Errorf("table rendered = %v, want %v", got, tt.table)
			}
		})
	}
}

func TestUnsafeHTML(t *testing.T) {
	doc, err := New(WithUnsafeHTML(true)).Convert([]byte("<aside>raw</aside>\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc.HTML), "<aside>raw</aside>") {
		t.Errorf("raw HTML dropped with WithUnsafeHTML: %s", doc.HTML)
	}
}

// TestTableAlignment: an aligned column gets a class, never an inline style
// (the production CSP, style-src 'self', blocks it) nor the obsolete align
// attribute.
func TestTableAlignment(t *testing.T) {
	doc, err := New().Convert([]byte("| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<th class="align-left">l</th>`, `<th class="align-center">c</th>`,
		`<th class="align-right">r</th>`, `<th>n</th>`, `<td class="align-right">3</td>`, `<td>4</td>`} {
		if !strings.Contains(doc.HTML, want) {
			t.Errorf("missing %s in\n%s", want, doc.HTML)
		}
	}
	if strings.Contains(doc.HTML, "style=") || strings.Contains(doc.HTML, "align=") {
		t.Errorf("inline alignment in\n%s", doc.HTML)
	}
	// Tables in a list item and a quote, after a paragraph, are aligned too.
	doc, err = New().Convert([]byte("Some text.\n\n- item\n\n  | a | b |\n  |--:|---|\n  | 1 | 2 |\n\n> | q |\n> |:-:|\n> | 3 |\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<th class="align-right">a</th>`, `<td class="align-right">1</td>`, `<th class="align-center">q</th>`, `<td class="align-center">3</td>`} {
		if !strings.Contains(doc.HTML, want) {
			t.Errorf("missing %s in\n%s", want, doc.HTML)
		}
	}
}
