package search

import (
	"fmt"
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
		var terms, want []string // the doc without context, read without making it
		got.TermStringsWithout(undo, func(s string, f Field) { terms = append(terms, fmt.Sprint(s, f)) })
		plain.TermStrings(func(s string, f Field) { want = append(want, fmt.Sprint(s, f)) })
		if !slices.Equal(terms, want) || got.LenWithout(undo) != len(plain.Terms) {
			t.Fatalf("case %d, names %q: %d terms without context %q, want %q", i, names, got.LenWithout(undo), terms, want)
		}
	}
}

// TestResultSorted: a page's terms come out sorted by ID, one each with
// its best field, whether read from the stamps (a page holding many of
// the IDs up to its largest) or sorted (a page of few, sparse IDs).
func TestResultSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 200 {
		a := &analyzer{}
		a.begin()
		space := 40 + r.IntN(5000)
		a.best, a.stamp = make([]Field, space), make([]uint32, space)
		want := map[uint32]Field{}
		for range 1 + r.IntN(round%50+1) {
			id, f := uint32(r.IntN(space)), Field(r.IntN(int(FieldName)+1))
			if a.stamp[id] != a.gen {
				a.stamp[id], a.best[id] = a.gen, f
				a.seen = append(a.seen, id)
				a.top = max(a.top, id)
			} else {
				a.best[id] = max(a.best[id], f)
			}
			want[id] = max(want[id], f)
		}
		got := a.result()
		if len(got) != len(want) || !slices.IsSorted(got) {
			t.Fatalf("round %d: %d terms (want %d), sorted %v", round, len(got), len(want), slices.IsSorted(got))
		}
		for _, term := range got {
			if f, ok := want[term.id()]; !ok || f != term.Field() {
				t.Fatalf("round %d: term %d field %d, want %d (%v)", round, term.id(), term.Field(), f, ok)
			}
		}
	}
}
