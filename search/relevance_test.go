package search_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/build"
)

// relevance is the table of queries on the shipped sample site (content/)
// and a page each must show among its first three results. Queries are
// chosen to keep their answer as the site grows: a bare Korean noun that
// the page only writes with particles, stems, several words, a country
// name in the other language.
var relevance = []struct{ q, want string }{
	// English.
	{"suica", "/countries/japan/tips/ic-cards-suica-pasmo/"},
	{"japan rail pass", "/countries/japan/reviews/japan-rail-pass/"},
	{"tipping in the US", "/countries/united-states/tips/tipping-sales-tax/"},
	{"tip united states", "/countries/united-states/tips/tipping-sales-tax/"},
	{"ESTA", "/countries/united-states/tips/esta-and-arrival/"},
	{"oyster contactless london", "/countries/united-kingdom/tips/london-contactless-oyster/"},
	{"railcards", "/countries/united-kingdom/tips/rail-tickets-railcards/"},
	{"TDAC arrival card", "/countries/thailand/tips/tdac-digital-arrival-card/"},
	{"bangkok scams", "/countries/thailand/tips/bangkok-scams/"},
	{"load shedding", "/countries/south-africa/tips/power-plugs-and-load-shedding/"},
	{"kruger safari", "/countries/south-africa/tips/kruger-safari-planning/"},
	{"biosecurity declare", "/countries/australia/tips/biosecurity-what-to-declare/"},
	{"eVisitor", "/countries/australia/tips/eta-and-evisitor/"},
	{"pix payments brazil", "/countries/brazil/tips/pix-cash-cards/"},
	{"Corcovado", "/countries/brazil/reviews/corcovado-train/"},
	{"paris museum pass", "/countries/france/reviews/paris-museum-pass/"},
	{"schengen EES ETIAS", "/countries/france/tips/schengen-ees-etias/"},
	{"ZTL driving", "/countries/italy/tips/driving-ztl-tourist-tax/"},
	{"coperto", "/countries/italy/tips/coffee-coperto-etiquette/"},
	{"deutschlandticket", "/countries/germany/reviews/deutschlandticket/"},
	{"christmas markets", "/countries/germany/tips/christmas-markets-oktoberfest/"},
	{"ramadan morocco", "/countries/morocco/tips/travelling-during-ramadan/"},
	{"IRCTC trains", "/countries/india/tips/trains-irctc/"},
	{"UPI payments", "/countries/india/tips/upi-cash-and-cards/"},
	{"Huế Đà Nẵng train", "/countries/vietnam/reviews/hue-da-nang-train/"},
	{"hue da nang", "/countries/vietnam/reviews/hue-da-nang-train/"},
	{"Japan", "/countries/japan/"},
	{"일본", "/countries/japan/"},
	// Korean.
	{"교통카드", "/countries/south-korea/tips/교통카드/"},
	{"티머니", "/countries/south-korea/tips/교통카드/"},
	{"교통카드 충전", "/countries/south-korea/tips/교통카드/"},
	{"환승", "/countries/south-korea/tips/교통카드/"},     // the title says 환승까지
	{"빈대떡", "/countries/south-korea/reviews/광장시장/"}, // 빈대떡과
	{"광장시장", "/countries/south-korea/reviews/광장시장/"},
	{"육회", "/countries/south-korea/reviews/광장시장/"},
	{"비지트 재팬 웹", "/countries/japan/tips/비지트-재팬-웹/"},
	{"일본 입국", "/countries/japan/tips/비지트-재팬-웹/"},
	{"옥토퍼스 카드", "/countries/hong-kong/tips/홍콩-옥토퍼스-카드/"},
	{"홍콩 교통", "/countries/hong-kong/tips/홍콩-옥토퍼스-카드/"},
	{"이지카드", "/countries/taiwan/tips/대만-여행-준비물/"},
	{"돼지코", "/countries/taiwan/tips/대만-여행-준비물/"},
	{"대만", "/countries/taiwan/"},
	{"이트래블", "/countries/philippines/tips/이트래블-등록/"},
	{"필리핀 등록", "/countries/philippines/tips/이트래블-등록/"},
	{"전자여행허가", "/countries/united-kingdom/tips/영국-eta-신청/"},
	{"영국 ETA", "/countries/united-kingdom/tips/영국-eta-신청/"},
	{"지문", "/countries/france/tips/유럽-ees-출입국시스템/"}, // 지문과
	{"출입국 시스템", "/countries/france/tips/유럽-ees-출입국시스템/"},
	{"중국 무비자", "/countries/china/tips/중국-무비자-입국-준비/"},
	{"휴대전화", "/countries/china/tips/중국-무비자-입국-준비/"}, // 휴대전화부터
	{"전자비자", "/countries/vietnam/tips/베트남-45일-무비자/"},
	{"베트남 무비자", "/countries/vietnam/tips/베트남-45일-무비자/"},
	{"입국신고서", "/countries/thailand/tips/태국-입국신고서-tdac/"},
	{"반입 금지", "/countries/singapore/tips/싱가포르-입국카드와-반입금지/"},
	{"미국 ESTA", "/countries/united-states/tips/esta-신청-주의점/"},
	{"미국", "/countries/united-states/"},
	{"프랑스", "/countries/france/"},
}

// TestRelevance builds the sample site and runs every query of the table
// through search.js (in node) against the index on disk.
func TestRelevance(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	out := t.TempDir()
	b, err := build.New(build.Config{ContentDir: "../content", ThemeDir: "../themes/default", OutDir: out,
		BaseURL: "http://127.0.0.1/", Title: "beforetrip", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	var en, ko int
	queries := make([]string, len(relevance))
	for i, r := range relevance {
		queries[i] = r.q
		if strings.ContainsFunc(r.q, func(c rune) bool { return c >= 0xAC00 && c <= 0xD7A3 }) {
			ko++
		} else {
			en++
		}
	}
	if en < 20 || ko < 20 {
		t.Fatalf("%d English and %d Korean queries: want 20 of each", en, ko)
	}
	qf := filepath.Join(t.TempDir(), "q.json")
	data, _ := json.Marshal(queries)
	if err := os.WriteFile(qf, data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := exec.Command(node, "testdata/query.js", out, qf).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var top [][]string
	if err := json.Unmarshal(res, &top); err != nil {
		t.Fatal(err)
	}
	for i, r := range relevance {
		if !samplePage(r.want) {
			t.Errorf("%q: %s is not a page of the sample site", r.q, r.want)
			continue
		}
		if !slices.Contains(top[i], r.want) {
			t.Errorf("%q: top 3 %q, want %s among them", r.q, top[i], r.want)
		}
	}
}

// samplePage tells whether the sample content has a page at url: a file
// (<slug>.md), a page bundle (<slug>/index.md) or a section (_index.md).
func samplePage(url string) bool {
	rel := filepath.Join("..", "content", strings.TrimPrefix(strings.TrimSuffix(url, "/"), "/"))
	for _, f := range []string{rel + ".md", filepath.Join(rel, "index.md"), filepath.Join(rel, "_index.md")} {
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	return false
}
