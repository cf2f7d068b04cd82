package sitegen

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// q quotes s as a YAML double-quoted scalar. Go's quoting is a subset of
// YAML's escapes and keeps printable Unicode (Korean, emoji) as is.
func q(s string) string { return strconv.Quote(s) }

func qlist(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = q(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

var (
	visaRules = []string{
		"Visa-free for up to 90 days for Korean, EU and US passports; check the official site before you fly.",
		"Most passports need an e-visa, applied for online at least a week before arrival.",
		"Visa on arrival (30 days) for most nationalities; bring cash for the fee and a passport photo.",
		"Visa-free for 30 days for most passports; an onward ticket may be checked at the airport.",
	}
	schengenRule = "Schengen area: 90 days in any 180 for visa-exempt passports; register with ETIAS once it starts."
	tippingRules = []string{
		"Not expected; service is included and a tip can confuse staff.",
		"Round up or leave about 10% in restaurants when service is good.",
		"15–20% in restaurants and bars is the norm; tip taxi drivers about 10%.",
		"A small tip of 5–10% is appreciated in restaurants, not required elsewhere.",
	}
	simAdvice = []string{
		"Buy an eSIM before you fly; airport kiosks sell tourist SIMs with a passport.",
		"Tourist SIMs from the main carriers are cheap and sold at the airport arrivals hall.",
		"EU roaming rules apply to EU SIMs; others should buy a local prepaid SIM in town.",
		"Coverage is good in cities but patchy in the mountains; an eSIM with two networks helps.",
	}
	bestTimes = []string{
		"Spring (April–May) and autumn (September–October).",
		"The dry season, November to March.",
		"June to August for long days; December for winter markets.",
		"Shoulder seasons avoid both the crowds and the heat.",
	}
	tapNotes = map[string]string{
		"varies": "Safe in the big cities; drink bottled or filtered water in rural areas.",
		"unsafe": "Drink bottled or filtered water; avoid ice from street stalls.",
	}
)

// day0 is the first publication date: dates spread over the two years after it.
var day0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// countryPage writes a country's _index.md with every checklist field.
func countryPage(seed uint64, i int, c country, all []country) []byte {
	r := rand.New(rand.NewPCG(seed, 1<<32+uint64(i)))
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString("name: " + q(c.Name) + "\n")
	b.WriteString("native_name: " + q(c.Native) + "\n")
	b.WriteString("flag: " + q(c.Flag()) + "\n")
	b.WriteString("continent: " + q(c.Continent) + "\n")
	b.WriteString("capital: " + q(c.Capital) + "\n")
	b.WriteString("languages: " + qlist(c.Languages) + "\n")
	b.WriteString("currency: {code: " + q(c.CurCode) + ", name: " + q(c.CurName) + ", symbol: " + q(c.CurSymbol) + "}\n")
	b.WriteString("timezone: " + q(c.Timezone) + "\n")
	b.WriteString("plugs: " + qlist(c.Plugs) + "\n")
	b.WriteString("voltage: " + q(c.Voltage) + "\n")
	visa := visaRules[r.IntN(len(visaRules))]
	if c.Continent == "Europe" && c.Slug != "united-kingdom" && c.Slug != "ireland" {
		visa = schengenRule
	}
	b.WriteString("visa: " + q(visa) + "\n")
	em := make([]string, len(c.Emergency))
	for j, kv := range c.Emergency {
		em[j] = kv[0] + ": " + q(kv[1])
	}
	b.WriteString("emergency: {" + strings.Join(em, ", ") + "}\n")
	b.WriteString("tipping: " + q(tippingRules[r.IntN(len(tippingRules))]) + "\n")
	b.WriteString("sim: " + q(simAdvice[r.IntN(len(simAdvice))]) + "\n")
	b.WriteString("tap_water: " + c.TapWater + "\n")
	if note, ok := tapNotes[c.TapWater]; ok {
		b.WriteString("tap_water_note: " + q(note) + "\n")
	}
	b.WriteString("driving_side: " + c.DrivingSide + "\n")
	if r.IntN(5) > 0 {
		b.WriteString("best_time: " + q(bestTimes[r.IntN(len(bestTimes))]) + "\n")
	}
	b.WriteString("date: " + day0.AddDate(0, 0, r.IntN(731)).Format(time.DateOnly) + "\n")
	b.WriteString("---\n\n")
	w := &writer{r: r, c: c, others: all, topic: topics[r.IntN(len(topics))].En}
	w.paragraph()
	w.paragraph()
	b.WriteString(w.b.String())
	return []byte(b.String())
}

// article is one planned tip or review: decided sequentially (cheap), then
// written in parallel from its own random source, so output does not depend
// on scheduling.
type article struct {
	r      *rand.Rand
	c      country
	review bool
	slug   string
	topic  topic
	index  int
	photo  bool // a page bundle with a cover photo
}

// Path is the file path relative to the content folder.
func (a *article) Path() string {
	section := "tips"
	if a.review {
		section = "reviews"
	}
	if a.photo {
		return "countries/" + a.c.Slug + "/" + section + "/" + a.slug + "/index.md"
	}
	return "countries/" + a.c.Slug + "/" + section + "/" + a.slug + ".md"
}

func planArticle(seed uint64, i int, countries []country) *article {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	a := &article{r: r, c: countries[r.IntN(len(countries))], review: r.IntN(4) == 0, index: i}
	a.topic = topics[r.IntN(len(topics))]
	// About one slug in twenty is Korean: Unicode slugs must work everywhere.
	base := strings.ReplaceAll(strings.ToLower(a.topic.En), " ", "-")
	if r.IntN(20) == 0 {
		base = a.topic.Ko
	}
	a.slug = base + "-" + strconv.Itoa(i)
	return a
}

// render writes the article's front matter and ~900-word body.
func (a *article) render(all []country) []byte {
	r := a.r
	w := &writer{r: r, c: a.c, others: all, topic: a.topic.En}
	titles := tipTitles
	if a.review {
		titles = reviewTitles
	}
	title := w.pick(titles)
	title = strings.ToUpper(title[:1]) + title[1:]

	var b strings.Builder
	b.Grow(8 << 10)
	b.WriteString("---\ntitle: " + q(title) + "\n")
	date := day0.AddDate(0, 0, r.IntN(731))
	if r.IntN(10) == 0 {
		date = date.Add(time.Duration(r.IntN(24*60)) * time.Minute)
		b.WriteString("date: " + date.In(time.FixedZone("", 9*3600)).Format(time.RFC3339) + "\n")
	} else {
		b.WriteString("date: " + date.Format(time.DateOnly) + "\n")
	}
	if a.review {
		// Skewed towards good ratings, as real reviews are.
		b.WriteString("rating: " + strconv.Itoa([]int{1, 2, 3, 3, 4, 4, 4, 5, 5, 5}[r.IntN(10)]) + "\n")
	}
	n := 3 + r.IntN(4)
	tags := make([]string, 0, n)
	for _, k := range r.Perm(len(tagPool))[:n] {
		tags = append(tags, tagPool[k])
	}
	b.WriteString("tags: " + qlist(tags) + "\n")
	b.WriteString("author: " + q(authors[r.IntN(len(authors))]) + "\n")
	if r.IntN(12) == 0 {
		b.WriteString("weight: " + strconv.Itoa(1+r.IntN(5)) + "\n")
	}
	if r.IntN(5) < 2 {
		b.WriteString("summary: " + q(w.fill(enSentences[r.IntN(len(enSentences))])) + "\n")
	}
	if a.photo {
		b.WriteString("cover: " + photoName + "\ncover_alt: " + q("A generated landscape for "+title) + "\n")
	}
	b.WriteString("---\n\n")
	w.article(760+r.IntN(80), a.review)
	b.WriteString(w.b.String())
	return []byte(b.String())
}

const homePage = `---
title: "beforetrip"
summary: "One standard checklist per country, plus tips and reviews from people who just came back."
---

Everything to sort out **the day before the trip**: visa rules, money, plugs, SIM
cards and emergency numbers, in the same card for every country. 여행 전날 확인할
모든 것을 한곳에 모았습니다.

- [All countries](/countries/)
- [Popular right now](/popular/)
`
