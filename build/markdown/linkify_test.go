package markdown

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestLinkifyAsGoldmark: the quick linkify renders what goldmark's own
// does, on hard cases and on every page of the sample site.
func TestLinkifyAsGoldmark(t *testing.T) {
	cases := []string{
		"see https://example.com/a?b=c and www.example.org, or mail me@example.com.",
		"plain words only\nand a second line with http://x.test/ at its end\nthird: www.a.b",
		"(www.example.com) *http://a.b* _me@x.yz_ ~ftp://f.g~ [www.inside.link](http://t.u)",
		"a:b c@d www. e.f@g.h- no-link@host tail",
		"| a | http://t.test |\n|---|---|\n| me@x.yz | www.q.r |\n",
		"- item www.a.test\n  - nested me@a.test\n\n> quote https://q.test\n",
		"서울 https://seoul.test 에서 문의: 메일 a@b.kr 로",
		"`code http://not.link` and **bold www.yes.test**",
		"line ends with a colon:\nnext line www.x.test",
	}
	filepath.WalkDir("../../content", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			if b, err := os.ReadFile(path); err == nil {
				cases = append(cases, string(b))
			}
		}
		return nil
	})
	if len(cases) < 20 {
		t.Fatalf("only %d cases: the sample site was not found", len(cases))
	}
	ours := goldmark.New(goldmark.WithExtensions(linkify))
	stock := goldmark.New(goldmark.WithExtensions(extension.Linkify))
	for _, c := range cases {
		var a, b bytes.Buffer
		if err := ours.Convert([]byte(c), &a); err != nil {
			t.Fatal(err)
		}
		if err := stock.Convert([]byte(c), &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Fatalf("%q:\nours  %s\nstock %s", c, a.String(), b.String())
		}
	}
}

// BenchmarkLinkify renders prose through each linkify.
func BenchmarkLinkify(b *testing.B) {
	// Four lines of prose to one with links, as on our pages.
	src := []byte(strings.Repeat("Carry some cash for the night market, where card readers are rare and\n"+
		"the queue moves fast. Vendors close early on Mondays; buses stop at ten\n\n"+
		"Taxis take cards in the city centre but rarely outside it, so keep\n"+
		"small notes for tips and markets. Ask at www.example.test or staff@example.test.\n\n", 100))
	for _, bc := range []struct {
		name string
		ext  goldmark.Extender
	}{{"quick", linkify}, {"goldmark", extension.Linkify}} {
		md := goldmark.New(goldmark.WithExtensions(bc.ext))
		b.Run(bc.name, func(b *testing.B) {
			var out bytes.Buffer
			for range b.N {
				out.Reset()
				md.Convert(src, &out)
			}
		})
	}
}
