package search

import (
	"slices"
	"testing"
)

// TestTerms pins the analysis the index and search.js share: stems,
// folding, stop words, word boundaries and Hangul bigrams.
func TestTerms(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Visas", []string{"visa"}},
		{"tipping tips", []string{"tip", "tip"}},
		{"Café CAFÉ cafe", []string{"cafe", "cafe", "cafe"}},
		{"Việt Nam", []string{"viet", "nam"}},
		{"the visa and the rules", []string{"visa", "rule"}},
		{"don’t", []string{"don't"}},
		{"3.5 1,000 10:30", []string{"3.5", "1,000", "10", "30"}},
		{"e-SIM", []string{"e", "sim"}},
		{"교통카드", []string{"교통", "통카", "카드"}},
		{"교통카드를 샀다", []string{"교통", "통카", "카드", "드를", "샀다"}},
		{"차", []string{"차"}},
		{"KTX를", []string{"ktx", "를"}},
		{"日本語", []string{"日本", "本語"}},
		{"ＡＢＣ", []string{"ａｂｃ"}},
		{"Ångström ﬁsh", []string{"angstrom", "ﬁsh"}},
		{"  --  ", nil},
	}
	for _, c := range cases {
		if got := Terms(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestBareNounFindsParticleForms: every bigram of a bare noun is among
// the terms of the noun with any particle attached.
func TestBareNounFindsParticleForms(t *testing.T) {
	for _, noun := range []string{"교통카드", "일본", "환전", "유심", "지하철"} {
		for _, particle := range []string{"를", "을", "는", "은", "로", "으로", "에서", "의", "가", "이", "와", "도"} {
			have := Terms("오늘 " + noun + particle + " 샀다")
			for _, want := range Terms(noun) {
				if !slices.Contains(have, want) {
					t.Errorf("%s%s: terms %q lack %q", noun, particle, have, want)
				}
			}
		}
	}
}

func TestPlainText(t *testing.T) {
	h := `<h2 id="x">Before &amp; after <a class="anchor" href="#x" aria-hidden="true" tabindex="-1">#</a></h2>` +
		`<p>Buy a <strong>Suica</strong>card.</p><script>evil()</script><ul><li>one</li><li>two</li></ul>`
	heads, text := PlainText(h)
	if !slices.Equal(heads, []string{"Before & after"}) {
		t.Errorf("headings %q", heads)
	}
	if want := "Before & after Buy a Suicacard. one two"; text != want {
		t.Errorf("text %q, want %q", text, want)
	}
}
