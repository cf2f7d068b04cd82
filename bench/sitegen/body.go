package sitegen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// writer generates Markdown for one page into a strings.Builder. It counts
// words as it goes so pages land near the target length without a second pass.
type writer struct {
	b      strings.Builder
	r      *rand.Rand
	c      country
	others []country // for internal links to other country pages
	topic  string
	words  int
}

// fill replaces the {X} placeholders of the word pools.
func (w *writer) fill(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return strings.NewReplacer(
		"{C}", w.c.Name, "{K}", w.c.Capital, "{S}", w.c.CurSymbol, "{Q}", w.c.CurCode,
		"{T}", w.topic, "{V}", w.c.Voltage,
	).Replace(s)
}

func (w *writer) pick(pool []string) string { return w.fill(pool[w.r.IntN(len(pool))]) }

func (w *writer) put(s string) {
	w.b.WriteString(s)
	w.words += strings.Count(s, " ") + 1
}

// sentence writes one English (~70%) or Korean sentence, sometimes with
// emphasis, inline code or a link woven in.
func (w *writer) sentence() {
	var s string
	if w.r.IntN(10) < 7 {
		s = w.pick(enSentences)
	} else {
		s = w.pick(koSentences)
	}
	switch w.r.IntN(12) {
	case 0:
		s = "*" + s[:len(s)-1] + "*" + s[len(s)-1:]
	case 1:
		s = "**Note:** " + s
	case 2:
		s += " Look for the sign marked `" + w.pick(codeBits) + "`."
	case 3:
		o := w.others[w.r.IntN(len(w.others))]
		s += " Compare the [" + o.Name + " checklist](/countries/" + o.Slug + "/) if you are combining both."
	case 4:
		s += " See the [official tourism site](https://example.org/travel/" + w.c.Slug + ") for details."
	case 5:
		s += " Back to the [" + w.c.Name + " checklist](/countries/" + w.c.Slug + "/)."
	}
	w.put(s)
}

func (w *writer) paragraph() {
	n := 3 + w.r.IntN(4)
	for i := range n {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.sentence()
	}
	w.b.WriteString("\n\n")
}

func (w *writer) list(numbered bool) {
	n := 3 + w.r.IntN(4)
	for i := range n {
		if numbered {
			w.b.WriteString(strconv.Itoa(i + 1))
			w.b.WriteString(". ")
		} else {
			w.b.WriteString("- ")
		}
		w.put(w.pick(listItems))
		if w.r.IntN(4) == 0 {
			w.put(" (`" + w.pick(codeBits) + "`)")
		}
		w.b.WriteByte('\n')
	}
	w.b.WriteByte('\n')
}

// table writes a GFM table of typical prices in the local currency.
func (w *writer) table() {
	w.b.WriteString("| Item | Price (" + w.c.CurCode + ") | Note |\n|---|---:|---|\n")
	start := w.r.IntN(len(tableRows))
	n := 4 + w.r.IntN(3)
	for i := range n {
		w.b.WriteString("| ")
		w.put(tableRows[(start+i)%len(tableRows)])
		w.b.WriteString(" | ")
		w.b.WriteString(strconv.Itoa(1 + w.r.IntN(300)))
		w.b.WriteString(" | ")
		if w.r.IntN(3) == 0 {
			w.put("현지 카드 가능")
		} else {
			w.put("cheaper before 9 am")
		}
		w.b.WriteString(" |\n")
	}
	w.b.WriteByte('\n')
}

func (w *writer) heading(level string, pool []string) {
	w.b.WriteString(level)
	w.put(w.pick(pool))
	w.b.WriteString("\n\n")
}

// article writes a body of about target words: an intro, then sections that
// rotate through paragraphs, sub-headings, lists and a table.
func (w *writer) article(target int, review bool) {
	w.paragraph()
	for sec := 0; w.words < target; sec++ {
		w.heading("## ", headings)
		w.paragraph()
		switch sec % 4 {
		case 0:
			w.list(false)
		case 1:
			w.heading("### ", subheadings)
			w.list(true)
		case 2:
			w.table()
		case 3:
			w.heading("### ", subheadings)
			w.paragraph()
		}
		if w.words < target {
			w.paragraph()
		}
	}
	if review {
		w.b.WriteString("## Verdict\n\n")
		w.paragraph()
	}
}
