package build

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPageLanguage: a Korean tip in the English build is a Korean page
// (<html lang>, its article, its list entries) while the header and footer
// stay English; `lang:` overrides the detection; the ko build is Korean
// throughout, country and continent names and card labels included.
func TestPageLanguage(t *testing.T) {
	ts := MustSite(t)
	MustWrite(t, ts.Path("countries/japan/tips/english-in-korean.md"), "---\ntitle: 김밥 가게\ndate: 2025-02-01\nlang: en\n---\nKimbap shops.\n")
	MustBuild(t, MustBuilder(t, ts, nil))
	ko := MustRead(t, filepath.Join(ts.Out, "countries/south-korea/tips/서울-지하철/index.html"))
	for _, want := range []string{`<html lang="ko">`, `<article class="wrap single" lang="ko">`,
		`<header class="site-header" lang="en">`, `<footer class="site-footer" lang="en">`, `<a class="skip-link" href="#main" lang="en">`} {
		if !strings.Contains(ko, want) {
			t.Errorf("Korean tip in the en build lacks %s", want)
		}
	}
	if en := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/jr-pass/index.html")); !strings.Contains(en, `<html lang="en">`) {
		t.Errorf("English tip is not lang=en")
	}
	if fixed := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/english-in-korean/index.html")); !strings.Contains(fixed, `<html lang="en">`) {
		t.Errorf("lang: en did not override the detection")
	}
	list := MustRead(t, filepath.Join(ts.Out, "countries/south-korea/tips/index.html"))
	if !strings.Contains(list, `data-page="countries/south-korea/tips/서울-지하철" lang="ko">`) {
		t.Errorf("list entry of the Korean tip is not lang=ko")
	}

	ts = MustSite(t)
	MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.Language = "ko" }))
	page := MustRead(t, filepath.Join(ts.Out, "countries/japan/index.html"))
	for _, want := range []string{`<html lang="ko">`, "<h1><span class=\"flag\" aria-hidden=\"true\">🇯🇵</span> 일본</h1>",
		"<h3>입국</h3>", "<h3>돈</h3>", "<h3>전기</h3>", "<h3>통신</h3>", "<h3>안전</h3>", "<dt>비자</dt>", "관광 경찰",
		`<option value="KR" selected>대한민국</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("ko country page lacks %s", want)
		}
	}
	if countries := MustRead(t, filepath.Join(ts.Out, "countries/index.html")); !strings.Contains(countries, "아시아") || !strings.Contains(countries, "일본") {
		t.Errorf("ko /countries/ lacks the Korean continent or country name")
	}
}

// TestContentLanguage: English content in the ko build with
// content_language en is English (<html lang>, list entries) while Korean
// pages stay Korean, and the home page's Korean parts (search box, country
// grid, popular, latest) say so; without it every page takes the site's
// language, as before.
func TestContentLanguage(t *testing.T) {
	ts := MustSite(t)
	MustBuild(t, MustBuilder(t, ts, func(c *Config) { c.Language, c.ContentLanguage = "ko", "en" }))
	if en := MustRead(t, filepath.Join(ts.Out, "countries/japan/tips/jr-pass/index.html")); !strings.Contains(en, `<html lang="en">`) ||
		!strings.Contains(en, `<header class="site-header" lang="ko">`) {
		t.Errorf("English tip in the ko build: want html lang=en, header lang=ko")
	}
	if ko := MustRead(t, filepath.Join(ts.Out, "countries/south-korea/tips/서울-지하철/index.html")); !strings.Contains(ko, `<html lang="ko">`) {
		t.Errorf("Korean tip is not lang=ko")
	}
	home := MustRead(t, filepath.Join(ts.Out, "index.html"))
	for _, want := range []string{`<html lang="en">`, `<form class="home-search" role="search" lang="ko"`,
		`<section aria-labelledby="countries-title" lang="ko">`, `<section aria-labelledby="popular-title" lang="ko">`,
		`<section aria-labelledby="latest-title" lang="ko">`,
		`data-page="countries/south-korea/tips/서울-지하철" lang="ko">`, `data-page="countries/japan/tips/jr-pass" lang="en">`} {
		if !strings.Contains(home, want) {
			t.Errorf("ko home page with English content lacks %s", want)
		}
	}
	if _, err := New(Config{ContentDir: ts.Content, ThemeDir: ts.Theme, OutDir: t.TempDir(), BaseURL: "http://x/", ContentLanguage: "en GB"}); err == nil {
		t.Error("content language \"en GB\" accepted")
	}
}

// TestKoreanLabels: every label the card can show has a text in both
// languages: the checklist labels, every emergency key and passport of
// the shipped content, the continents. A missing key would show as a bare
// key (or an English humanized one) in the ko build.
func TestKoreanLabels(t *testing.T) {
	ts := MustSite(t)
	ts.Content = "../content"
	b := MustBuilder(t, ts, func(c *Config) { c.Language = "ko" })
	MustBuild(t, b)
	keys := map[string]bool{}
	partial := MustRead(t, filepath.Join(ts.Theme, "layouts/partials/checklist.html"))
	for _, f := range strings.Split(partial, `{{T "`)[1:] {
		keys[f[:strings.IndexByte(f, '"')]] = true
	}
	for _, c := range b.site.countries {
		for _, e := range c.Checklist.Emergency {
			keys["emergency_"+e.Key] = true
		}
		for _, e := range c.Checklist.Entry {
			keys["passport_"+strings.ToLower(e.Passport)] = true
		}
		keys["tap_water_"+c.Checklist.TapWater] = true
		keys["driving_"+c.Checklist.DrivingSide] = true
		keys["continent_"+strings.ReplaceAll(strings.ToLower(c.Checklist.Continent), " ", "_")] = true
		if c.Checklist.NameKo == "" || c.Title != c.Checklist.NameKo {
			t.Errorf("%s: no Korean name in the ko build (name_ko)", c.ID)
		}
	}
	if len(keys) < 30 {
		t.Fatalf("only %d label keys found: the pattern is out of date", len(keys))
	}
	for _, lang := range []string{"en", "ko"} {
		th, err := loadTheme(ts.Theme, lang, b.templateFuncs)
		if err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			if _, ok := th.i18n[k]; !ok {
				t.Errorf("%s.yaml lacks %s", lang, k)
			}
		}
	}
}

// TestLanguageFlipRebuild: a body-only edit that turns an English tip
// Korean re-renders every list entry that carries its lang, as a full
// build would (the country page's compact list shows no summary, so only
// the language tells it to).
func TestLanguageFlipRebuild(t *testing.T) {
	ts := MustSite(t)
	b := MustBuilder(t, ts, nil)
	MustBuild(t, b)
	path := ts.Path("countries/japan/tips/jr-pass.md")
	src := MustRead(t, path)
	fm, _, _ := strings.Cut(src, "\n---\n")
	MustWrite(t, path, fm+"\n---\n"+strings.Repeat("제이알 패스는 여전히 쓸 만합니다. ", 5)+"\n")
	MustRebuild(t, b, Changes{Files: []string{path}})
	want := `data-page="countries/japan/tips/jr-pass" lang="ko">`
	for _, out := range []string{"countries/japan/index.html", "countries/japan/tips/index.html", "index.html"} {
		if page := MustRead(t, filepath.Join(ts.Out, out)); !strings.Contains(page, want) {
			t.Errorf("%s: the entry of the now Korean tip lacks lang=ko after the rebuild", out)
		}
	}
}
