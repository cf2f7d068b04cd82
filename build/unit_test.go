package build

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/build/markdown"
)

func TestSummarize(t *testing.T) {
	long := strings.Repeat("word ", 60)
	tests := []struct {
		name, in, want string
	}{
		{"short kept", "A short  text\nwith breaks.", "A short text with breaks."},
		{"cut at a word", long, strings.TrimSpace(strings.Repeat("word ", 32)) + "…"},
		{"korean", strings.Repeat("서울 지하철 ", 40), strings.TrimSpace(strings.Repeat("서울 지하철 ", 23)) + "…"},
		{"punctuation trimmed", strings.Repeat("abc, ", 40), strings.TrimSuffix(strings.TrimSpace(strings.Repeat("abc, ", 32)), ",") + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(tt.in, summaryLen)
			if got != tt.want {
				t.Errorf("summarize = %q, want %q", got, tt.want)
			}
			if n := len([]rune(got)); n > summaryLen+1 {
				t.Errorf("summary has %d characters, want at most %d", n, summaryLen+1)
			}
		})
	}
}

func TestSlugs(t *testing.T) {
	tests := []struct {
		in, slug string
	}{
		{"Food & Drink", "food-drink"},
		{"  Rail_pass  ", "rail-pass"},
		{"교통 카드", "교통-카드"},
		{"<b>bold</b>", "bboldb"},
		{"Ça va", "ça-va"},
		{"!!!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := markdown.Slugify(tt.in); got != tt.slug {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.slug)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		rel, kind string
	}{
		{"_index.md", "home"},
		{"countries/japan/_index.md", "country"},
		{"countries/japan/tips/a.md", "tip"},
		{"countries/japan/reviews/a.md", "review"},
		{"countries/japan/tips/_index.md", ""},
		{"countries/japan/notes/a.md", ""},
		{"countries/_index.md", ""},
		{"about.md", ""},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			pl, why := classify(tt.rel)
			if pl.kind != tt.kind || (tt.kind == "") != (why != "") {
				t.Errorf("classify(%q) = %q, %q; want kind %q", tt.rel, pl.kind, why, tt.kind)
			}
		})
	}
}

// TestTOCHTML: the table of contents written in Go is byte for byte what
// html/template wrote for the same list (partials/toc.html before it moved
// here), for ids and texts that need escaping.
func TestTOCHTML(t *testing.T) {
	toc := []markdown.Heading{
		{Level: 2, ID: "before-you-go", Text: "Before you go"},
		{Level: 3, ID: "짐-싸기", Text: "짐 싸기"},
		{Level: 2, ID: `a"b<c>&d e/f?g#h%i~j.k_l`, Text: `<script>alert("x")</script> & 'q'`},
	}
	tmpl := template.Must(template.New("").Parse(
		`<ol>{{range .}}<li class="toc-h{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol>`))
	var want strings.Builder
	if err := tmpl.Execute(&want, toc); err != nil {
		t.Fatal(err)
	}
	if got := string(tocHTML(toc)); got != want.String() {
		t.Errorf("tocHTML =\n%s\nhtml/template wrote\n%s", got, want.String())
	}
	if tocHTML(nil) != "" {
		t.Error("no headings must give no list")
	}
}

// TestSharedCacheBounded: a long-running server keeps adding keys (counts
// change with every like); the cache starts over past maxShared entries
// and still answers right.
func TestSharedCacheBounded(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	th, err := loadTheme(ts.Theme, "en", b.templateFuncs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxShared + 10 {
		c := beforetrip.Counts{Likes: int64(i)}
		h, err := th.sharedHTML("counts.html", fmt.Sprint(i), func() any { return c })
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`data-count="%d"`, i); !strings.Contains(string(h), want) {
			t.Fatalf("entry %d lacks %s: %s", i, want, h)
		}
	}
	n := 0
	th.shared.Range(func(any, any) bool { n++; return true })
	if n > maxShared {
		t.Errorf("shared cache holds %d entries, bound %d", n, maxShared)
	}
}

// TestGraphIndex: the graph's map lookup answers what a scan of the list
// answers, for short and long lists, members and strangers.
func TestGraphIndex(t *testing.T) {
	g := newGraph(nil, nil)
	for _, n := range []int{0, 3, 64, 65, 500} {
		items := make([]*Page, n)
		for i := range items {
			items[i] = &Page{ID: fmt.Sprintf("countries/x/tips/t%d", i)}
		}
		l := newList("tag:x", "tags/x", items)
		for _, id := range []string{"countries/x/tips/t0", "countries/x/tips/t64", fmt.Sprintf("countries/x/tips/t%d", n-1), "countries/x/tips/nope"} {
			if got, want := g.index(l, id), l.index(id); got != want {
				t.Errorf("n=%d: index(%s) = %d, want %d", n, id, got, want)
			}
		}
	}
	if got := g.index(nil, "countries/x/tips/t0"); got != -1 {
		t.Errorf("index in a missing list = %d, want -1", got)
	}
}
