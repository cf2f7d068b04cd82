package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/search"
	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// searchSite builds the shipped sample site (content/) in lang and serves
// it with nginx and deploy/nginx.conf, the API down: search needs none.
func searchSite(t *testing.T, lang string) string {
	t.Helper()
	harness.MustNginx(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", Language: lang,
		Content: filepath.Join(repoRoot, "content")})
	site.Build(t)
	return harness.StartNginx(t, site.Out, harness.FreePort(t)) // nothing listens on the API port
}

// openSearchable opens url and waits for search-box.js to turn the header
// link into a box; search.js must not be loaded yet.
func openSearchable(t *testing.T, tab *Tab, url string) {
	t.Helper()
	tab.Do("open "+url, chromedp.Navigate(url))
	tab.Wait("the search box", `q('form.bt-search input') !== null`)
	if Eval[bool](tab, searchLoaded) {
		t.Errorf("%s: search.js loaded before the box was used", url)
	}
}

const searchLoaded = `performance.getEntriesByType('resource').some(e => /\/js\/search\.[0-9a-f]{8}\.js$/.test(e.name))`

// TestSearchNginx: on nginx with the API down, "/" focuses the header
// box, typing shows ranked results with the words highlighted (as <mark>
// elements, the rest text), arrows and Enter open a result; /search/?q=
// lists results that the country and section filters narrow.
func TestSearchNginx(t *testing.T) {
	browser := NewBrowser(t)
	base := searchSite(t, "en")
	checkIndexCaching(t, base)
	tab := NewTab(t, browser)
	openSearchable(t, tab, base+"/countries/")
	tab.Key("/")
	tab.Wait("focus on the box", `document.activeElement === q('form.bt-search input')`)
	tab.Wait("search.js loaded on first use", searchLoaded)
	tab.Type("form.bt-search input", "suica card")
	tab.Wait("results", dropShows("suica card"))
	first := tab.Text(".search-drop .search-hit .search-hit-title")
	if !strings.Contains(strings.ToLower(first), "ic card") && !strings.Contains(strings.ToLower(first), "suica") {
		t.Errorf("first result %q, want the IC card tip", first)
	}
	if !Eval[bool](tab, `[...document.querySelectorAll('.search-drop mark')].some(m => /suica|card/i.test(m.textContent))`) {
		t.Error("no highlighted match in the results")
	}
	want := Eval[string](tab, `q('.search-drop .search-hit a').href`)
	tab.Key(kb.ArrowDown)
	tab.Wait("first result active", `q('.search-drop .search-hit').getAttribute('aria-selected') === 'true' && q('form.bt-search input').getAttribute('aria-activedescendant') === q('.search-drop .search-hit').id`)
	tab.Key(kb.Enter)
	waitLocation(t, tab, want)
	tab.NoExceptions()

	// The home page: the countries by continent with flags before the
	// lists, and its own search box, which loads search.js on first use too.
	home := NewTab(t, browser)
	openSearchable(t, home, base+"/")
	home.Wait("the country grid", `qa('.country-grid a').length >= 20 && qa('.country-grid a').every(a => a.querySelector('.flag, img.cover')) && q('.country-grid').compareDocumentPosition(q('#popular-title')) === Node.DOCUMENT_POSITION_FOLLOWING`)
	home.Do("focus the home box", chromedp.Focus(chromedp.CSS("form.home-search input")))
	home.Wait("search.js loaded on first use", searchLoaded)
	home.Type("form.home-search input", "suica card")
	home.Wait("home results", `q('form.home-search .search-drop') && !q('form.home-search .search-drop').hidden && q('form.home-search .search-drop').dataset.q === 'suica card' && qa('form.home-search .search-hit').length > 0`)
	want = Eval[string](home, `q('form.home-search .search-hit a').href`)
	home.Key(kb.ArrowDown)
	home.Wait("first home result active", `q('form.home-search .search-hit').getAttribute('aria-selected') === 'true'`)
	home.Key(kb.Enter)
	waitLocation(t, home, want)
	home.NoExceptions()

	// The search page: shareable ?q=, filters.
	tab2 := NewTab(t, browser)
	tab2.Do("open /search/", chromedp.Navigate(base+"/search/?q=tipping"))
	tab2.Wait("page results", `q('#bt-search-results').dataset.q === 'tipping' && document.querySelectorAll('#bt-search-results .search-hit').length >= 3`)
	if !Eval[bool](tab2, `q('#bt-q').value === 'tipping' && q('#bt-search-status').textContent !== ''`) {
		t.Error("the query from ?q= is not in the box")
	}
	tab2.Wait("countries in the filter", `q('#bt-country').options.length > 10`)
	Eval[bool](tab2, `(() => { const s = q('#bt-country'); s.value = 'japan'; return s.dispatchEvent(new Event('change')); })()`)
	tab2.Wait("Japan only", `document.querySelectorAll('#bt-search-results .search-hit').length > 0 && [...document.querySelectorAll('#bt-search-results .search-hit a')].every(a => a.pathname.startsWith('/countries/japan/'))`)
	if !Eval[bool](tab2, `new URL(location.href).searchParams.get('country') === 'japan'`) {
		t.Error("the filter is not in the address")
	}
	Eval[bool](tab2, `(() => { const s = q('#bt-section'); s.value = 'tips'; return s.dispatchEvent(new Event('change')); })()`)
	tab2.Wait("Japan tips only", `document.querySelectorAll('#bt-search-results .search-hit').length > 0 && [...document.querySelectorAll('#bt-search-results .search-hit a')].every(a => a.pathname.startsWith('/countries/japan/tips/'))`)
	tab2.Do("focus the page's box", chromedp.Focus(chromedp.CSS("#bt-q")))
	tab2.Key(kb.ArrowDown)
	tab2.Key(kb.ArrowDown)
	want = Eval[string](tab2, `document.querySelectorAll('#bt-search-results .search-hit a')[1].href`)
	tab2.Key(kb.Enter)
	waitLocation(t, tab2, want)
	tab2.NoExceptions()
}

// TestSearchKorean: the Korean build's box finds the bare noun 교통카드 in
// pages that only write it with particles, and 일본 finds Japan.
func TestSearchKorean(t *testing.T) {
	browser := NewBrowser(t)
	base := searchSite(t, "ko")
	tab := NewTab(t, browser)
	openSearchable(t, tab, base+"/")
	if got := Eval[string](tab, `q('form.bt-search input').placeholder`); !strings.Contains(got, "검색") {
		t.Errorf("placeholder %q, want Korean", got)
	}
	tab.Key("/")
	tab.Type("form.bt-search input", "교통카드")
	tab.Wait("results", dropShows("교통카드"))
	if !Eval[bool](tab, `[...document.querySelectorAll('.search-drop .search-hit a')].some(a => decodeURI(a.pathname).includes('교통카드'))`) {
		t.Errorf("no 교통카드 tip among %q", tab.Text(".search-drop"))
	}
	if !Eval[bool](tab, `q('.search-drop .search-status').textContent.includes('개 페이지')`) {
		t.Errorf("status %q, want Korean", tab.Text(".search-drop .search-status"))
	}
	want := Eval[string](tab, `q('.search-drop .search-hit a').href`)
	tab.Key(kb.ArrowDown)
	tab.Wait("first result active", `q('.search-drop .search-hit').getAttribute('aria-selected') === 'true'`)
	tab.Key(kb.Enter)
	waitLocation(t, tab, want)
	openSearchable(t, tab, base+"/")
	tab.Type("form.bt-search input", "일본")
	tab.Wait("Japan first", dropShows("일본")+` && q('.search-drop .search-hit a').pathname === '/countries/japan/'`)
	tab.NoExceptions()
}

// TestSearchWithoutJavaScript: with scripts off the header's search is a
// link to /search/, which says search needs JavaScript and links the
// country list.
func TestSearchWithoutJavaScript(t *testing.T) {
	browser := NewBrowser(t)
	base := searchSite(t, "en")
	tab := NewTab(t, browser)
	if _, err := chromedp.Call(tab.ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tab.Do("open /", chromedp.Navigate(base+"/"))
	tab.Wait("the search link", `q('a.search-link') && q('a.search-link').getAttribute('href') === '/search/'`)
	tab.Click("a.search-link")
	waitLocation(t, tab, base+"/search/")
	tab.Wait("the explanation", `location.pathname === '/search/' && document.body.innerText.includes('Search needs JavaScript') && q('main a[href="/countries/"]') !== null`)
	if Eval[bool](tab, `q('#bt-search-page form').offsetParent !== null`) {
		t.Error("the search form shows without JavaScript")
	}
}

// waitLocation waits until the tab shows url. Enter starts a navigation:
// a poll begun in the old document can wait on a context that is gone, so
// this asks again and again, each time briefly.
func waitLocation(t *testing.T, tab *Tab, url string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		cancel()
		if got = v; err == nil && v == url {
			return
		}
	}
	t.Fatalf("location %q, want %q", got, url)
}

// checkIndexCaching: nginx serves index.json for revalidation every time
// and the shards (gzip bytes the script unpacks itself, not re-encoded)
// as immutable.
func checkIndexCaching(t *testing.T, base string) {
	t.Helper()
	resp, err := http.Get(base + "/search/index.json")
	if err != nil {
		t.Fatal(err)
	}
	entry, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	files, err := search.EntryFiles(entry)
	if err != nil || len(files) == 0 {
		t.Fatalf("index.json: %v", err)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=0, must-revalidate" {
		t.Errorf("index.json Cache-Control %q", cc)
	}
	req, _ := http.NewRequest("GET", base+"/search/"+files[0], nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The shard file as it is, gzip once, labelled so that the browser
	// unpacks it (not compressed again).
	if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || cc != "public, max-age=31536000, immutable" || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("term shard: %d, Cache-Control %q, Content-Encoding %q", resp.StatusCode, cc, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("term shard: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil || bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		t.Errorf("term shard: not gzip exactly once (%v)", err)
	}
	resp, err = http.Get(base + "/search/t/0.00000001.bin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("missing shard: %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
}

// dropShows is true once the header box's list shows the results of query
// (keystrokes still in flight re-render it).
func dropShows(query string) string {
	return fmt.Sprintf(`q('.search-drop') && !q('.search-drop').hidden && q('.search-drop').dataset.q === %q && q('form.bt-search input').value === %q && qa('.search-drop .search-hit').length > 0`, query, query)
}
