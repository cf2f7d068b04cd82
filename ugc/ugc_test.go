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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Render(tt.in)
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
