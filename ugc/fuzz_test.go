package ugc

import (
	"github.com/beforetrip/beforetrip"

	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// hostileMarkdown are XSS attempts in Markdown and raw HTML; they seed
// FuzzRender (with testdata/fuzz/FuzzRender) and run in TestRenderHostile.
var hostileMarkdown = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"<scr<script>ipt>alert(1)</script>",
	`<img src=x onerror=alert(1)>`,
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
	`![x](javascript:alert(1))`,
	`![x](data:text/html,<script>alert(1)</script>)`,
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](java\tscript:alert(1))",
	"[x](&#106;avascript:alert(1))",
	"[x](&#x6A;avascript&colon;alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](data:text/html;base64,PHNjcmlwdD4=)",
	"<javascript:alert(1)>",
	"<a href=\"javascript:alert(1)\">x</a>",
	`<iframe src="https://evil.example"></iframe>`,
	`<style>body{display:none}</style>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<svg onload=alert(1)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<form action="https://evil.example"><button formaction=javascript:alert(1)>x</button></form>`,
	`<object data="x.swf"></object><embed src="x.swf">`,
	`<base href="https://evil.example/">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	"[x](https://a.example \"\\\" onmouseover=\\\"alert(1)\")",
	`[x](https://a.example" onmouseover="alert(1))`,
	"```html\n<script>alert(1)</script>\n```",
	"| a | b |\n|---|---|\n| <script>x</script> | [y](javascript:z) |",
	"- [ ] <img src=x onerror=alert(1)>",
	"www.evil.example/<script>",
	"~~<iframe>~~",
	"서울 **맛집** [링크](https://example.com)",
	"<!-- <script>alert(1)</script> -->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"\x00<script>alert(1)</script>",
	"[x](\x00javascript:alert(1))",
	"![x](https://tracker.example/p.gif)",
	"![x](//tracker.example/p.gif)",
	"![x](/\\tracker.example/p.gif)",
	"![x](<\\\\tracker.example/p.gif>)",
	"![x](HTTPS:tracker.example/p.gif)",
	"![x](\thttps://tracker.example/p.gif)",
	"![x][r]\n\n[r]: https://tracker.example/p.gif",
	"[![x](https://tracker.example/p.gif)](https://a.example)",
}

// FuzzRender checks that no Markdown, however hostile, renders to HTML that
// can run script, load frames or images from other origins, restyle the
// page or link to script URLs, or that is larger than beforetrip.ReaderHTMLLimit allows
// for the Markdown (past the limit it is refused).
func FuzzRender(f *testing.F) {
	for _, s := range hostileMarkdown {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, md string) {
		out, err := r.Render(md)
		if err != nil {
			if beforetrip.ErrorCode(err) != beforetrip.EINVALID || out != "" {
				t.Fatalf("Render(%q) = %q, %v; want a refusal with EINVALID", md, out, err)
			}
			return
		}
		if problem := unsafeHTML(out); problem != "" {
			t.Fatalf("Render(%q) = %q: %s", md, out, problem)
		}
		if amplified(md, out) {
			t.Fatalf("Render(%q): %d bytes of HTML from %d of Markdown", md, len(out), len(md))
		}
	})
}

// TestRenderHostile runs the hostile seeds as a table, so `go test` checks
// them without -fuzz.
func TestRenderHostile(t *testing.T) {
	r := New()
	for _, md := range hostileMarkdown {
		t.Run(strings.ToValidUTF8(md, "?"), func(t *testing.T) {
			out, _ := r.Render(md) // a refusal is "" and safe
			if problem := unsafeHTML(out); problem != "" {
				t.Fatalf("Render(%q) = %q: %s", md, out, problem)
			}
		})
	}
}

// bannedTags may run script, load other documents or restyle the page.
var bannedTags = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "style": true, "object": true,
	"embed": true, "applet": true, "form": true, "input": true, "button": true, "textarea": true,
	"select": true, "base": true, "link": true, "meta": true, "svg": true, "math": true, "template": true,
}

// urlAttrs hold URLs that a browser follows or loads.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true, "poster": true,
	"background": true, "xlink:href": true, "srcset": true, "longdesc": true, "usemap": true,
}

// unsafeHTML returns what is unsafe in the rendered HTML, or "".
func unsafeHTML(out string) string {
	low := strings.ToLower(out)
	for _, s := range []string{"<script", "<iframe", "<style"} {
		if strings.Contains(low, s) {
			return "contains " + s
		}
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return ""
			}
			return "tokenizer: " + z.Err().Error()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if bannedTags[tok.Data] {
			return "tag <" + tok.Data + ">"
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"):
				return "event handler attribute " + key
			case key == "style" || key == "srcdoc":
				return "attribute " + key
			case urlAttrs[key]:
				if p := unsafeURL(tok.Data, key, a.Val); p != "" {
					return p
				}
			}
		}
	}
}

// unsafeURL checks a URL attribute the way a browser reads it: entities
// decoded (the tokenizer did), ASCII whitespace and controls ignored,
// backslashes read as slashes, scheme case-insensitive. Only http, https,
// mailto and relative URLs pass; an img src must stay on the site (a
// relative URL without a host), as the CSP's img-src 'self' requires.
func unsafeURL(tag, attr, val string) string {
	v := strings.Map(func(r rune) rune {
		switch {
		case r <= ' ' || r == 0x7f:
			return -1
		case r == '\\':
			return '/'
		}
		return r
	}, strings.ToLower(val))
	colon := strings.IndexByte(v, ':')
	relative := colon < 0 || strings.ContainsAny(v[:colon], "/?#")
	if tag == "img" && attr == "src" {
		if !relative || strings.HasPrefix(v, "//") {
			return "image from another origin: " + attr + "=" + val
		}
		return ""
	}
	if relative {
		return "" // relative URL: no scheme
	}
	switch scheme := v[:colon]; scheme {
	case "http", "https", "mailto":
		return ""
	}
	return "URL " + attr + "=" + val
}
