package search

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestNewDocTermsMatchReference: a doc's terms are exactly those of its
// fields' texts, each with the highest field it occurs in, sorted by
// term ID. Many docs of random words go through one analyzer, so its
// cache meets new words and new terms throughout.
func TestNewDocTermsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"visa", "visas", "Tipping", "tip", "SIM", "e-SIM", "café", "교통카드를", "카드로", "日本", "rock'n'roll",
		"3.5", "the", "Money", "a_b", "1,000", "KTX를", "Ångström"}
	text := func() string {
		var words []string
		for range r.IntN(40) {
			w := vocab[r.IntN(len(vocab))]
			if r.IntN(3) == 0 { // a word no doc had yet
				w += strings.Repeat("z", 1+r.IntN(3)) + string(rune('a'+r.IntN(26))) + string(rune('a'+r.IntN(26)))
			}
			words = append(words, w)
		}
		return strings.Join(words, " ")
	}
	for i := range 3000 {
		src := Source{ID: "p", Body: text(), Tags: []string{text()}, Headings: []string{text(), text()}, Title: text(), Names: []string{text()}}
		want := map[string]Field{}
		for f, texts := range [][]string{{src.Body}, src.Tags, src.Headings, {src.Title}, src.Names} {
			field := []Field{FieldBody, FieldTags, FieldHeading, FieldTitle, FieldName}[f]
			for _, s := range texts {
				for _, term := range Terms(s) {
					want[term] = max(want[term], field)
				}
			}
		}
		var wantTerms []termField
		for _, term := range slices.Sorted(maps.Keys(want)) {
			wantTerms = append(wantTerms, termField{term, want[term]})
		}
		d := NewDoc(src)
		if !slices.IsSorted(d.Terms) {
			t.Fatalf("doc %d: terms not sorted: %v", i, d.Terms)
		}
		if got := byText(d); !slices.Equal(got, wantTerms) && len(got)+len(wantTerms) > 0 {
			t.Fatalf("doc %d: terms\n%v\nwant\n%v", i, got, wantTerms)
		}
	}
}

// termField is a term of a doc as text.
type termField struct {
	term  string
	field Field
}

// byText returns the terms of d as text, sorted.
func byText(d *Doc) []termField {
	var out []termField
	d.TermStrings(func(term string, f Field) { out = append(out, termField{term, f}) })
	slices.SortFunc(out, func(a, b termField) int { return strings.Compare(a.term, b.term) })
	return out
}

// TestWithContextMatchesTags: a doc with its country's names added by
// WithContext equals the doc analysed with those names as tags, and
// WithoutContext gives the doc back.
func TestWithContextMatchesTags(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	words := []string{"Japan", "일본", "日本", "visa", "rail", "pass", "Tokyo", "the", "cafés", "tips"}
	pick := func(n int) []string {
		var out []string
		for range r.IntN(n) {
			out = append(out, words[r.IntN(len(words))])
		}
		return out
	}
	for i := range 2000 {
		names := pick(5)
		src := Source{ID: "p", Body: strings.Join(pick(30), " "), Tags: pick(3), Headings: pick(2), Title: strings.Join(pick(4), " ")}
		plain := NewDoc(src)
		got, undo := plain.WithContext(ContextTerms(names))
		src.Tags = append(src.Tags, names...)
		if want := NewDoc(src); !slices.Equal(got.Terms, want.Terms) {
			t.Fatalf("case %d, names %q: terms\n%v\nwant\n%v", i, names, got.Terms, want.Terms)
		}
		if back := got.WithoutContext(undo); !back.equal(plain) {
			t.Fatalf("case %d, names %q: without context\n%v\nwant\n%v", i, names, back.Terms, plain.Terms)
		}
	}
}
