package ugc

import (
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// maxAmplification bounds how much larger than its Markdown the rendered
// HTML of reader text may be. The API stores and serves that HTML (100
// comments per page of GET /api/comments), so a small body must not turn
// into megabytes. Deep blockquote nesting, the worst case left, is ~27×.
const maxAmplification = 64

// amplified reports whether out is too large for in.
func amplified(in, out string) bool { return len(out) > maxAmplification*len(in)+1024 }

// TestAttackAmplification renders bodies of the longest allowed sizes
// built to blow up: a GFM table pads every row to its header's column
// count, so a 20,000-character review once rendered to 19 MB.
func TestAttackAmplification(t *testing.T) {
	table := func(n int) string {
		head := "|" + strings.Repeat("a|", 200) + "\n|" + strings.Repeat("-|", 200) + "\n"
		return head + strings.Repeat("|\n", (n-len(head))/2)
	}
	r := New()
	for _, n := range []int{beforetrip.MaxCommentLen, beforetrip.MaxReviewBodyLen} {
		for name, md := range map[string]string{
			"table":       table(n),
			"blockquotes": strings.Repeat(">", n),
			"quote lists": strings.Repeat("> - ", n/4),
			"emphasis":    strings.Repeat("*_", n/2),
			"autolinks":   strings.Repeat("www.a ", n/6),
			"entities":    strings.Repeat("&#", n/2),
		} {
			t.Run(name, func(t *testing.T) {
				if out := r.Render(md); amplified(md, out) {
					t.Fatalf("%d bytes of Markdown rendered to %d bytes of HTML", len(md), len(out))
				}
			})
		}
	}
}
