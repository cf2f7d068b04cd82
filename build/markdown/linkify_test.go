package markdown

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// linkCases are hard cases for linkify: bare links and addresses next to
// every inline syntax, and links that are not bare.
var linkCases = []string{
	"see https://example.com/a?b=c and www.example.org, or mail me@example.com.",
	"plain words only\nand a second line with http://x.test/ at its end\nthird: www.a.b",
	"(www.example.com) *http://a.b* _me@x.yz_ ~ftp://f.g~ [www.inside.link](http://t.u)",
	"a:b c@d www. e.f@g.h- no-link@host tail",
	"| a | http://t.test |\n|---|---|\n| me@x.yz | www.q.r |\n",
	"- item www.a.test\n  - nested me@a.test\n\n> quote https://q.test\n",
	"서울 https://seoul.test 에서 문의: 메일 a@b.kr 로",
	"`code http://not.link` and **bold www.yes.test**",
	"line ends with a colon:\nnext line www.x.test",
	"See the [official site](https://example.org/travel) for details.",
	"a`b@c.de` and a*b@c.de* and a_b@c.de_ and a~b@c.de~",
	"www...x www..example.com www.-x.y wwwx.y.z",
	"http://a.b/x_y_z http://a.b/x*y*z http://a.b/x~y~z http://a.b/it's--fine...",
	"foo(http://x.y) foo](http://x.y) [foo http://x.y] [foo](<http://x.y>)",
	"<me@x.yz> <http://x.y> <a href=\"http://x.y\">x</a> h*ttp://x.y \\*http://x.y \\(www.a.b",
	"**www.a.b**c --http://x.y ...www.a.b 'www.a.b' \"http://x.y\" «www.a.b»",
	"text  \nhttp://after.hard.break\ntext\\\nwww.after.backslash.break",
	"# Heading with www.a.b {#id}\n\nFootnote[^1] me@x.yz\n\n[^1]: note http://n.o\n",
	"![alt www.a.b](/img.png) ![me@x.yz](http://i.j/k.png)",
	"HTTP://UPPER.CASE WWW.UPPER.CASE Https://x.y",
	"no links here, only words: and colons: and at signs? none.",
	"\"Quotes,\" 'single,' it's -- and --- then... <<a>> '90s, \"a\"b, *\"x\"*, [\"y\"](/z), don't, I've",
}

// TestConverterLinksAsGoldmark: the Converter (parsing without linkify,
// again with it where linkProbe asks) renders what the same extensions
// with goldmark's own Linkify render (but for white space at the ends of
// lines: sameHTML), on hard cases, goldmark's own linkify cases and every
// page of the sample site.
func TestConverterLinksAsGoldmark(t *testing.T) {
	cases := append([]string(nil), linkCases...)
	data, err := os.ReadFile("testdata/goldmark-linkify.txt")
	if err != nil {
		t.Fatal(err)
	}
	// Each goldmark case is: a number line, a //- - -// line, the input,
	// a //- - -// line, the expected output, a //= = =// line.
	for _, block := range strings.Split(string(data), "//= = = = = = = = = = = = = = = = = = = = = = = =//") {
		parts := strings.Split(block, "//- - - - - - - - -//\n")
		if len(parts) == 3 {
			cases = append(cases, parts[1])
		}
	}
	if len(cases) < len(linkCases)+20 {
		t.Fatalf("only %d of goldmark's cases read", len(cases)-len(linkCases))
	}
	cases = append(cases, samplePages(t)...)
	c := New()
	stock := stockConverter()
	reparsed := 0
	for _, src := range cases {
		if got, want := convert(t, c, src), convertStock(t, stock, src); !sameHTML(got, want) {
			t.Errorf("%q:\nours  %s\nstock %s", src, got, want)
		}
		if md, _, _ := c.parse([]byte(src), func(parser.Context) {}); md == c.linked {
			reparsed++
		}
	}
	// The probe must not send everything to the second parse: the sample
	// site's links are written [like this](https://…).
	t.Logf("%d of %d documents parsed again with linkify", reparsed, len(cases))
	if reparsed < len(linkCases)-2 || reparsed == len(cases) {
		t.Errorf("%d of %d documents parsed again: want the hard cases but not all", reparsed, len(cases))
	}
}

// FuzzConverterLinks: on any input, the Converter renders what goldmark's
// own Linkify does with the same extensions (sameHTML).
func FuzzConverterLinks(f *testing.F) {
	for _, c := range linkCases {
		f.Add(c)
	}
	c := New()
	stock := stockConverter()
	f.Fuzz(func(t *testing.T, src string) {
		if got, want := convert(t, c, src), convertStock(t, stock, src); !sameHTML(got, want) {
			t.Errorf("%q:\nours  %s\nstock %s", src, got, want)
		}
	})
}

// samplePages returns the Markdown files of the sample site, whole.
func samplePages(t *testing.T) []string {
	t.Helper()
	var pages []string
	filepath.WalkDir("../../content", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			if b, err := os.ReadFile(path); err == nil {
				pages = append(pages, string(b))
			}
		}
		return nil
	})
	if len(pages) < 20 {
		t.Fatalf("only %d pages: the sample site was not found", len(pages))
	}
	return pages
}

// lineEndSpace is white space at the end of a line of text (goldmark's
// util.IsSpace: a carriage return too), which
// goldmark with Linkify keeps in part: Linkify's trigger at each space cuts
// the line's text there, and goldmark strips the spaces of the last piece
// only ("a \t\n" keeps the space, before the tab; "a    \n", a hard break,
// keeps one before <br>). CommonMark strips them all, as goldmark does
// without Linkify, and a browser shows both alike.
var lineEndSpace = regexp.MustCompile(`[ \t\r\v\f]+(\n|<br>|</(p|li|h[1-6]|td|th|dt|dd)>)`)

// sameHTML reports whether a and b are the same HTML but for white space
// at the ends of lines (lineEndSpace).
func sameHTML(a, b string) bool {
	return a == b || lineEndSpace.ReplaceAllString(a, "$1") == lineEndSpace.ReplaceAllString(b, "$1")
}

// stockConverter is the Converter's Markdown with goldmark's own Linkify
// always on, as it was configured before linkProbe.
func stockConverter() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(gfm, extension.Linkify, extension.Footnote, extension.Typographer, Headings, TableLimit, TableAlign, Images),
		goldmark.WithParserOptions(parser.WithHeadingAttribute()),
	)
}

func convert(t *testing.T, c *Converter, src string) string {
	t.Helper()
	doc, err := c.Convert([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc.HTML
}

func convertStock(t *testing.T, md goldmark.Markdown, src string) string {
	t.Helper()
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestLinkifyAsGoldmark: the quick linkify renders what goldmark's own
// does, exactly, on the hard cases and on every page of the sample site.
func TestLinkifyAsGoldmark(t *testing.T) {
	cases := append(append([]string(nil), linkCases...), samplePages(t)...)
	ours := goldmark.New(goldmark.WithExtensions(linkify))
	stock := goldmark.New(goldmark.WithExtensions(extension.Linkify))
	for _, c := range cases {
		if a, b := convertStock(t, ours, c), convertStock(t, stock, c); a != b {
			t.Fatalf("%q:\nours  %s\nstock %s", c, a, b)
		}
	}
}

// BenchmarkConvert renders prose as our pages have it (links written
// [like this](…)) and prose with bare links, through the Converter and
// through the same extensions with goldmark's own Linkify always on.
func BenchmarkConvert(b *testing.B) {
	prose := strings.Repeat("Carry some cash for the night market, where card readers are rare and\n"+
		"the queue moves fast. Vendors close early on Mondays; buses stop at ten.\n"+
		"See the [official tourism site](https://example.org/travel/sweden) for details.\n\n"+
		"Taxis take cards in the city centre but rarely outside it, so keep\n"+
		"small notes for tips and markets.\n\n", 100)
	bare := prose + "Ask at www.example.test or staff@example.test.\n"
	c := New()
	stock := stockConverter()
	for _, bc := range []struct {
		name string
		src  string
	}{{"prose", prose}, {"bare-links", bare}} {
		src := []byte(bc.src)
		b.Run(bc.name+"/converter", func(b *testing.B) {
			for range b.N {
				c.Convert(src)
			}
		})
		b.Run(bc.name+"/goldmark-linkify", func(b *testing.B) {
			var out bytes.Buffer
			for range b.N {
				out.Reset()
				stock.Convert(src, &out)
			}
		})
	}
}
