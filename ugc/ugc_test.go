package ugc

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	r := New()
	tests := []struct {
		name, in    string
		want        []string // substrings that must appear
		mustNotHave []string
	}{
		{"emphasis", "**bold** and _it_", []string{"<strong>bold</strong>", "<em>it</em>"}, nil},
		{"link rel", "[x](https://example.com)", []string{`href="https://example.com"`, `rel="nofollow ugc noopener"`}, nil},
		{"autolink rel", "see https://example.com now", []string{`rel="nofollow ugc noopener"`}, nil},
		{"script", "<script>alert(1)</script>", nil, []string{"<script", "alert(1)</script>"}},
		{"img onerror", `<img src=x onerror=alert(1)>`, nil, []string{"onerror", "<img"}},
		{"javascript link", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:"}},
		{"smuggled html in link title", `[x](https://a.example "<script>")`, nil, []string{"<script"}},
		{"korean", "서울 **맛집**", []string{"서울 <strong>맛집</strong>"}, nil},
		// Images from other hosts would leak readers' IPs and are blocked by
		// the CSP (img-src 'self' data:): they become links to the image.
		{"site image", "![map](/images/map.png)", []string{`<img src="/images/map.png" alt="map">`}, nil},
		{"relative image", "![map](map.png)", []string{`<img src="map.png" alt="map">`}, nil},
		{"external image", "![Fuji *at dawn*](https://photos.example/fuji.jpg)",
			[]string{`<a href="https://photos.example/fuji.jpg" rel="nofollow ugc noopener">Fuji <em>at dawn</em></a>`}, []string{"<img"}},
		{"external image with title", `![Fuji](http://photos.example/fuji.jpg "Mt Fuji")`,
			[]string{`<a href="http://photos.example/fuji.jpg" title="Mt Fuji" rel="nofollow ugc noopener">Fuji</a>`}, []string{"<img"}},
		{"external image without alt", "![](https://photos.example/fuji.jpg)",
			[]string{`<a href="https://photos.example/fuji.jpg" rel="nofollow ugc noopener">https://photos.example/fuji.jpg</a>`}, []string{"<img"}},
		{"reference image", "![Fuji][f]\n\n[f]: https://photos.example/fuji.jpg",
			[]string{`<a href="https://photos.example/fuji.jpg" rel="nofollow ugc noopener">Fuji</a>`}, []string{"<img"}},
		{"protocol-relative image", "![Fuji](//photos.example/fuji.jpg)",
			[]string{`<a href="//photos.example/fuji.jpg" rel="nofollow ugc noopener">Fuji</a>`}, []string{"<img"}},
		{"image in a link", "[![Fuji](https://photos.example/fuji.jpg)](https://a.example)",
			[]string{`<a href="https://a.example" rel="nofollow ugc noopener">Fuji</a>`}, []string{"<img", "photos.example"}},
		{"data image", "![dot](data:image/png;base64,iVBORw0KGgo=)", []string{"<p>dot</p>"}, []string{"<img", "data:"}},
		{"script image", "![x](javascript:alert(1))", []string{"<p>x</p>"}, []string{"<img", "javascript:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.in)
			if err != nil {
				t.Fatalf("Render(%q): %v", tt.in, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, w := range tt.mustNotHave {
				if strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
					t.Errorf("Render(%q) = %q, must not contain %q", tt.in, got, w)
				}
			}
		})
	}
}
