package ugc

import (
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// amplified reports whether out is larger than reader HTML may be for in
// (beforetrip.ReaderHTMLLimit: 8× plus 512 bytes, at most 128 KiB).
func amplified(in, out string) bool { return len(out) > beforetrip.ReaderHTMLLimit(len(in)) }

// TestAttackAmplification renders bodies of the longest allowed sizes
// built to blow up: a GFM table pads every row to its header's column
// count, so a 20,000-character review once rendered to 19 MB. Each is
// either refused with EINVALID or rendered within the limit.
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
			"references":  referenceBomb(n, n/2),
		} {
			t.Run(name, func(t *testing.T) {
				out, err := r.Render(md)
				if err != nil {
					if beforetrip.ErrorCode(err) != beforetrip.EINVALID {
						t.Fatalf("refused with %v, want EINVALID", err)
					}
					return
				}
				if amplified(md, out) {
					t.Fatalf("%d bytes of Markdown rendered to %d bytes of HTML", len(md), len(out))
				}
			})
		}
	}
}

// referenceBomb is issue 12's payload: one link definition with a URL of
// urlLen characters, then as many uses of it as fit in n characters.
func referenceBomb(n, urlLen int) string {
	def := "[a]: http://e.example/" + strings.Repeat("a", urlLen) + "\n\n"
	return def + strings.Repeat("[a] ", (n-len(def))/4)
}

// TestAttackReferenceAmplification: the review of issue 12 (19,995
// characters, 25.1 MB of HTML before) and a 4,000-character comment
// (1.0 MB) are refused, each by the limit it hits first, with a message
// a person understands; so are 20,000 nested quotes, which took 0.7 s to
// parse (refused before parsing). Many moderately nested lines pass.
func TestAttackReferenceAmplification(t *testing.T) {
	r := New()
	for _, tc := range []struct {
		name, md, want string
	}{
		{"issue review: long URL", referenceBomb(19995, 9978), "link in this text is longer"},
		{"issue comment: long URL", referenceBomb(4000, 2100), "link in this text is longer"},
		{"short URL used 4,000 times", referenceBomb(19995, 2000), "more than 100 links"},
		{"90 uses of a 2,000-byte URL", referenceBomb(2380, 2000), "too large a page"},
		{"deep blockquotes", strings.Repeat(">", beforetrip.MaxReviewBodyLen), "nests more than 32"},
		{"deep quoted lists", strings.Repeat("> - ", beforetrip.MaxReviewBodyLen/4), "nests more than 32"},
		{"wide blockquotes", strings.Repeat(strings.Repeat(">", 32)+"\n", 600), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := r.Render(tc.md)
			if tc.want == "" {
				if err != nil || amplified(tc.md, out) {
					t.Fatalf("%d bytes: got %d bytes of HTML, err %v; want it within the limit", len(tc.md), len(out), err)
				}
				return
			}
			if beforetrip.ErrorCode(err) != beforetrip.EINVALID || out != "" {
				t.Fatalf("%d bytes: got %d bytes of HTML, err %v; want EINVALID", len(tc.md), len(out), err)
			}
			if msg := beforetrip.ErrorMessage(err); !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q, want it to say %q", msg, tc.want)
			}
		})
	}
	// Ordinary texts still pass: a one-word comment, and 100 links.
	for _, md := range []string{"a", strings.Repeat("see https://example.com/some/path ", 100)} {
		if _, err := r.Render(md); err != nil {
			t.Errorf("%.40q… refused: %v", md, err)
		}
	}
}
