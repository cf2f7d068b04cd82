package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beforetrip/beforetrip/test/harness"
)

// koTip is a Korean tip of the shipped content, liked in TestKoreanHome.
const koTip = "countries/japan/tips/비지트-재팬-웹"

// TestKoreanHome: the home page of the Korean site (the shipped English
// content with language: ko and content_language: en) on a phone, under
// `beforetrip serve`. It shows the Korean search box, which finds Japan by
// its Korean name; the countries by continent with Korean names and the
// cover pictures loaded; a tip liked this month under "popular this month";
// the latest tips; and every part says its language: the English line is
// lang=en, the Korean interface and Korean tips lang=ko.
func TestKoreanHome(t *testing.T) {
	port := harness.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080", Language: "ko", ContentLanguage: "en",
		Content: filepath.Join(repoRoot, "content")})
	site.StartServe(t, port)

	// A like this month: serve rebuilds the home page's popular list.
	tok := bearer(t, base, "seoul")
	apiCall(t, base, tok, "PUT", "/api/likes?page="+url.QueryEscape(koTip), nil, http.StatusOK)
	harness.WaitFor(t, 60*time.Second, "the like on the home page", func() error {
		resp, err := http.Get(base + "/")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		home := string(b)
		if i := strings.Index(home, `id="popular-title"`); i < 0 || !strings.Contains(home[i:], `data-page="`+koTip+`"`) {
			return fmt.Errorf("not yet under popular this month")
		}
		return nil
	})

	browser := NewBrowser(t, phone)
	tab := NewTab(t, browser, `delete window.EventSource;`)
	// A headless window keeps a minimum width: the viewport is the phone's.
	tab.Do("390 px viewport", chromedp.EmulateViewport(390, 844))
	tab.Open(base + "/")
	t.Log("languages")
	for what, expr := range map[string]string{
		"<html lang> is the content's": `document.documentElement.lang === 'en'`,
		"header and footer are Korean": `q('header.site-header').lang === 'ko' && q('footer.site-footer').lang === 'ko'`,
		"the search box is Korean":     `q('form.home-search').lang === 'ko'`,
		"the sections are Korean": `['countries-title', 'popular-title', 'latest-title'].every(id =>
			document.getElementById(id).closest('section').lang === 'ko')`,
		"each entry says its language": `qa('.items li').length > 0 && qa('.items li').every(li =>
			li.lang === (/[\uac00-\ud7a3]/.test(li.querySelector('.item-title').textContent) ? 'ko' : 'en'))`,
	} {
		if !Eval[bool](tab, expr) {
			t.Errorf("%s: no (%s)", what, expr)
		}
	}
	if w := Eval[float64](tab, `window.innerWidth`); w != 390 {
		t.Errorf("viewport %v px wide, want 390", w)
	}
	if w := Eval[float64](tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the home page is %v px wide on a 390 px phone", w)
	}

	t.Log("the countries by continent, Korean names, covers loaded")
	if got := tab.Text("#countries-title"); got != "나라" {
		t.Errorf("countries heading %q, want 나라", got)
	}
	if got := Eval[string](tab, `qa('h3.continent').map(h => h.textContent).join(',')`); !strings.Contains(got, "아시아") || !strings.Contains(got, "유럽") {
		t.Errorf("continents %q, want Korean names", got)
	}
	japan := `q('.country-grid a[href="/countries/japan/"]')`
	if got := Eval[string](tab, japan+`.querySelector('.country-name').textContent`); got != "일본" {
		t.Errorf("Japan in the grid reads %q, want 일본", got)
	}
	tab.Do("scroll to Japan", chromedp.ScrollIntoView(`.country-grid a[href="/countries/japan/"]`))
	tab.Wait("Japan's cover loaded", japan+`.querySelector('img.cover').complete && `+japan+`.querySelector('img.cover').naturalWidth > 0`)
	if !Eval[bool](tab, `qa('.country-grid img.cover').length >= 6 && qa('.country-grid img.cover').every(i => i.alt === '')`) {
		t.Error("the grid's covers: want at least 6, decorative (alt=\"\") next to the country name")
	}

	t.Log("popular this month and the latest")
	if got := tab.Text("#popular-title"); got != "이번 달 인기 글" {
		t.Errorf("popular heading %q, want 이번 달 인기 글", got)
	}
	liked := `q('#popular-title').closest('section').querySelector('li[data-page="` + koTip + `"]')`
	if !Eval[bool](tab, liked+` !== null && `+liked+`.lang === 'ko'`) {
		t.Errorf("the liked Korean tip is not under popular this month with lang=ko:\n%s", tab.Text("#popular-title + ul"))
	}
	if got := tab.Text("#latest-title"); got != "최신 팁과 후기" {
		t.Errorf("latest heading %q, want 최신 팁과 후기", got)
	}
	if n := Eval[float64](tab, `q('#latest-title').closest('section').querySelectorAll('li.item').length`); n < 5 {
		t.Errorf("%v latest tips, want at least 5", n)
	}

	t.Log("the search box finds Japan by its Korean name")
	if got := Eval[string](tab, `q('form.home-search input').placeholder`); !strings.Contains(got, "검색") {
		t.Errorf("placeholder %q, want Korean", got)
	}
	tab.Do("scroll up", chromedp.ScrollIntoView(`form.home-search`))
	tab.Type("form.home-search input", "일본")
	tab.Wait("Japan among the results", `q('form.home-search .search-drop') && !q('form.home-search .search-drop').hidden &&
		[...document.querySelectorAll('form.home-search .search-hit a')].some(a => a.pathname === '/countries/japan/')`)
	tab.NoExceptions()
}
