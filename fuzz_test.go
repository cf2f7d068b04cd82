package beforetrip_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/beforetrip/beforetrip"
)

// pageIDSeeds are hostile and ordinary page IDs; they seed FuzzValidPageID
// and are checked as a table in TestValidPageIDHostile.
var pageIDSeeds = []string{
	"", "countries", "countries/japan/tips/jr-pass", "countries/south-korea/tips/교통카드",
	"..", "../etc/passwd", "countries/../../etc", "countries/./japan", "/countries", "countries/",
	"countries//japan", `countries\..\..\etc`, "%2e%2e/%2e%2e", "countries/japan\x00.md",
	"countries/\u202eevil", "countries/ja\u200bpan", "\xc0\xae\xc0\xae/etc", "countries/\xff",
	"countries/japan\n", "...", "countries/.../x", strings.Repeat("a/", 300) + "a",
}

// FuzzValidPageID checks that every ID ValidPageID accepts is a safe
// relative path: joined under an output or content root and cleaned, it
// stays under that root, and the builder's output path for it is the
// page's folder plus index.html.
func FuzzValidPageID(f *testing.F) {
	for _, s := range pageIDSeeds {
		f.Add(s)
	}
	root := filepath.FromSlash("/srv/site/public")
	f.Fuzz(func(t *testing.T, id string) {
		if !beforetrip.ValidPageID(id) {
			return
		}
		if !utf8.ValidString(id) || len(id) > beforetrip.MaxPageIDLen {
			t.Fatalf("accepted invalid UTF-8 or overlong id %q", id)
		}
		if strings.ContainsAny(id, "\\\x00") || strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/") {
			t.Fatalf("accepted %q (backslash, NUL or outer slash)", id)
		}
		joined := filepath.Join(root, filepath.FromSlash(id))
		if joined != root && !strings.HasPrefix(joined, root+string(filepath.Separator)) {
			t.Fatalf("id %q escapes the root: %s", id, joined)
		}
		if clean := filepath.Clean(joined); clean != joined || filepath.ToSlash(strings.TrimPrefix(clean, root)) != strings.TrimSuffix("/"+id, "/") {
			t.Fatalf("id %q is not already clean: %s", id, clean)
		}
		file := filepath.Join(root, filepath.FromSlash(id), "index.html")
		if !strings.HasPrefix(file, root+string(filepath.Separator)) {
			t.Fatalf("output of %q escapes the root: %s", id, file)
		}
		u := beforetrip.PageURL(id)
		if !strings.HasPrefix(u, "/") || !strings.HasSuffix(u, "/") || strings.Contains(u, "//") {
			t.Fatalf("PageURL(%q) = %q", id, u)
		}
	})
}

// TestValidPageIDHostile pins the verdict on the hostile seeds.
func TestValidPageIDHostile(t *testing.T) {
	valid := map[string]bool{
		"": true, "countries": true, "countries/japan/tips/jr-pass": true,
		"countries/south-korea/tips/교통카드": true, "%2e%2e/%2e%2e": true, "...": true, "countries/.../x": true,
		// Format characters (RTL override, zero-width space) have the shape
		// of an ID; they are refused later because no such page exists.
		"countries/\u202eevil": true, "countries/ja\u200bpan": true,
	}
	for _, id := range pageIDSeeds {
		t.Run(strings.ToValidUTF8(id, "?"), func(t *testing.T) {
			if got, want := beforetrip.ValidPageID(id), valid[id]; got != want {
				t.Fatalf("ValidPageID(%q) = %v, want %v", id, got, want)
			}
		})
	}
}

// splitValidPageID is ValidPageID as it was written before its one-pass
// form (issue 20): the definition the fast form must keep.
func splitValidPageID(id string) bool {
	if id == "" {
		return true
	}
	if len(id) > beforetrip.MaxPageIDLen || !utf8.ValidString(id) {
		return false
	}
	for _, seg := range strings.Split(id, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	for _, r := range id {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// TestValidPageIDSameAsSplit compares ValidPageID with its earlier
// definition on the seeds and on random IDs built from characters each
// rule is about.
func TestValidPageIDSameAsSplit(t *testing.T) {
	alphabet := []string{"a", "Z", "0", "-", ".", "..", "/", "\\", " ", "\t", "\x00", "\x7f", "\u0085",
		"\u00a0", "\u3000", "\ufffd", "\xff", "\xe2\x82", "한", "국", "é", "\u200b", "\u2028"}
	check := func(id string) {
		if got, want := beforetrip.ValidPageID(id), splitValidPageID(id); got != want {
			t.Fatalf("ValidPageID(%q) = %v, the split definition says %v", id, got, want)
		}
	}
	for _, id := range pageIDSeeds {
		check(id)
	}
	check(strings.Repeat("a", beforetrip.MaxPageIDLen))
	check(strings.Repeat("a", beforetrip.MaxPageIDLen+1))
	r := rand.New(rand.NewPCG(20, 20))
	for range 200000 {
		var b strings.Builder
		for n := r.IntN(8); n >= 0; n-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
}

// splitSplitPageID is SplitPageID as it was written before its
// allocation-free form (issue 20): the definition the fast form must keep.
func splitSplitPageID(id string) (country, section string, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 4 || parts[0] != "countries" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// TestSplitPageIDSameAsSplit compares SplitPageID with its earlier
// definition on the seeds and on random IDs made of slashes and segments.
func TestSplitPageIDSameAsSplit(t *testing.T) {
	alphabet := []string{"countries", "countries/", "/", "//", "japan", "tips", "reviews", "u-1", "", "a", "countrie", "한"}
	check := func(id string) {
		c, s, ok := beforetrip.SplitPageID(id)
		wc, ws, wok := splitSplitPageID(id)
		if c != wc || s != ws || ok != wok {
			t.Fatalf("SplitPageID(%q) = %q, %q, %v; the split definition says %q, %q, %v", id, c, s, ok, wc, ws, wok)
		}
	}
	for _, id := range pageIDSeeds {
		check(id)
	}
	r := rand.New(rand.NewPCG(20, 21))
	for range 200000 {
		var b strings.Builder
		for n := r.IntN(8); n >= 0; n-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
}

// BenchmarkValidPageID: the 20 IDs of a GET /api/pages of the bench site
// (one in twenty Korean).
func BenchmarkValidPageID(b *testing.B) {
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("countries/japan/tips/tip-%d-rail-pass-and-suica", i)
	}
	ids[7] = "countries/south-korea/tips/교통카드-충전-방법"
	for b.Loop() {
		for _, id := range ids {
			if !beforetrip.ValidPageID(id) {
				b.Fatal(id)
			}
		}
	}
}
