package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/beforetrip/beforetrip/test/harness"
)

// phone is the window of the offline and print tests: a phone (390x844),
// where a traveller reads the site.
var phone = chromedp.WindowSize(390, 844)

// evalAsync evaluates expr (see withQ), a promise, and returns what it
// resolves to, as a string.
func evalAsync(t *Tab, expr string) string {
	t.tb.Helper()
	Eval[bool](t, `(window.__bt = undefined, Promise.resolve(`+expr+`).then((v) => { window.__bt = String(v); }, (e) => { window.__bt = 'error: ' + e; }), true)`)
	t.Wait("a promise", `window.__bt !== undefined`)
	return Eval[string](t, `window.__bt`)
}

// setOffline turns the tab's network off or on as DevTools does: requests
// of the page and of its service worker fail, and navigator.onLine says so.
func setOffline(t *Tab, off bool) {
	t.tb.Helper()
	var rules []*network.Conditions
	if off {
		rules = []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.tb.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{EmulateOfflineServiceWorker: &off, MatchedNetworkConditions: rules}); err != nil {
		t.tb.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState,
		network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.tb.Fatal(err)
	}
}

// goTo navigates and waits for the page's <h1> to say want.
func goTo(t *Tab, url, want string) {
	t.tb.Helper()
	t.Do("open "+url, chromedp.Navigate(url))
	t.Wait(fmt.Sprintf("%s to show %q", url, want), fmt.Sprintf(`document.readyState === 'complete' && q('h1') !== null && q('h1').textContent.includes(%q)`, want))
}

// TestOfflineTrip: on a phone, a reader presses "Save for the trip" on a
// country page of a production build behind nginx; with the network off
// (DevTools emulation for the page and its service worker, and nginx
// stopped) the country page, with its styles, and its tips open, and
// Saved trips lists the countries saved; one is removed there, and then
// only the /saved/ page answers for it. Back online after a new build
// (an edited tip and a new one), opening the country brings the saved
// copy up to date: offline again, the edited tip shows its new text and
// the new tip opens. Finally the last trip is removed.
func TestOfflineTrip(t *testing.T) {
	harness.MustNginx(t)
	browser := NewBrowser(t, phone)
	apiPort, port := harness.FreePort(t), harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", OwnContent: true,
		TrustedProxies: []string{"127.0.0.1"}})
	site.Build(t)
	api := site.StartAPI(t, apiPort)
	base, ng := harness.StartNginxAt(t, port, site.Out, apiPort)
	tip := base + "/countries/japan/tips/cash-and-atms/"

	tab := NewTab(t, browser, failOnCSPViolation)
	for _, c := range []string{"south-korea", "japan"} {
		tab.Open(base + "/countries/" + c + "/")
		tab.Wait("the Save button", `!q('.bt-save-button').hidden && getComputedStyle(q('.bt-save-button')).visibility === 'visible'`)
		if got := tab.Text(".bt-save-button"); got != "Save for the trip" {
			t.Errorf("button says %q, want Save for the trip", got)
		}
		tab.Click(".bt-save-button")
		tab.Wait("the trip saved", `q('.bt-save-button').getAttribute('aria-pressed') === 'true' && q('#bt-status').textContent.startsWith('Saved')`)
	}
	tab.Wait("the page under the service worker", `navigator.serviceWorker.controller !== null`)
	if got := evalAsync(tab, `caches.keys().then((k) => k.filter((n) => n.startsWith('bt-trip-')).sort().join(' '))`); got != "bt-trip-japan bt-trip-south-korea" {
		t.Fatalf("caches after saving: %q", got)
	}

	ng.Stop()
	setOffline(tab, true)
	tab.Do("reload offline", chromedp.Reload())
	tab.Wait("the country page offline", `document.readyState === 'complete' && q('h1') && q('h1').textContent.includes('Japan') && q('.checklist .emergency') !== null`)
	if got := Eval[string](tab, `getComputedStyle(q('.checklist')).borderTopStyle + ' ' + navigator.onLine`); got != "solid false" {
		t.Errorf("offline country page: checklist border and navigator.onLine = %q, want its stylesheet applied and offline", got)
	}
	goTo(tab, tip, "Cash, cards and ATMs in Japan")
	if !strings.Contains(tab.Text("main"), "7-Eleven and post office ATMs") {
		t.Errorf("the tip offline lacks its text: %q", tab.Text("main"))
	}

	goTo(tab, base+"/saved/", "Saved trips")
	tab.Wait("both trips listed", `qa('#bt-saved-list li').length === 2`)
	if got := Eval[string](tab, `qa('#bt-saved-list li a').map((a) => a.textContent).join(' | ')`); !strings.Contains(got, "Japan") || !strings.Contains(got, "South Korea") {
		t.Errorf("Saved trips lists %q", got)
	}
	tab.Click(`#bt-saved-list li[data-country="south-korea"] button`)
	tab.Wait("South Korea removed", `qa('#bt-saved-list li').length === 1 && q('#bt-status').textContent.includes('Removed')`)
	if got := evalAsync(tab, `caches.has('bt-trip-south-korea')`); got != "false" {
		t.Errorf("the removed trip's cache is still there")
	}
	goTo(tab, base+"/countries/south-korea/", "Saved trips")

	// A new build: one tip edited, one added (a new list, so a new worker).
	api.Stop()
	file := filepath.Join(site.Content, "countries", "japan", "tips", "cash-and-atms.md")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	MustWriteFile(t, file, bytes.Replace(src, []byte("Cards work in the cities"), []byte("Since the new build, cards work in the cities"), 1))
	MustWriteFile(t, filepath.Join(site.Content, "countries", "japan", "tips", "new-tip.md"),
		[]byte("---\ntitle: \"A tip from the new build\"\ndate: 2026-06-10\n---\nFresh advice.\n"))
	site.Build(t)
	site.StartAPI(t, apiPort)
	harness.StartNginxAt(t, port, site.Out, apiPort)
	setOffline(tab, false)
	tab.Open(base + "/countries/japan/")
	tab.Wait("the new build online", `q('.country-tips').textContent.includes('A tip from the new build')`)
	tab.Wait("the saved copy brought up to date", `(window.__fresh || caches.open('bt-trip-japan').then((c) => Promise.all([c.match('/countries/japan/tips/cash-and-atms/'), c.match('/countries/japan/tips/new-tip/')]))
		.then(([a, b]) => a && b ? a.text() : '').then((s) => { window.__fresh = s.includes('Since the new build'); }), window.__fresh === true)`)

	setOffline(tab, true)
	goTo(tab, tip, "Cash, cards and ATMs in Japan")
	if !strings.Contains(tab.Text("main"), "Since the new build") {
		t.Errorf("offline after a new build, the tip shows the old text: %q", tab.Text("main"))
	}
	goTo(tab, base+"/countries/japan/tips/new-tip/", "A tip from the new build")
	goTo(tab, base+"/saved/", "Saved trips")
	tab.Wait("Japan listed", `qa('#bt-saved-list li').length === 1`)
	tab.Click(`#bt-saved-list li[data-country="japan"] button`)
	tab.Wait("the list empty", `qa('#bt-saved-list li').length === 0 && !q('#bt-saved-empty').hidden`)
	if got := evalAsync(tab, `caches.keys().then((k) => k.filter((n) => n.startsWith('bt-trip-')).length)`); got != "0" {
		t.Errorf("%s trips left after removing both", got)
	}
	tab.NoExceptions()
}

// MustWriteFile writes data to path.
func MustWriteFile(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestPrintChecklist prints the shipped site's country pages with the
// most tips and the longest cards, on a phone-sized window: with print
// media emulated, navigation, the widget's parts, comments and reviews are
// hidden, the card with its emergency numbers and the tips as boxes to
// tick are shown, and the PDF (Letter, Chromium's default) is one page.
func TestPrintChecklist(t *testing.T) {
	harness.MustNginx(t)
	browser := NewBrowser(t, phone)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", Content: filepath.Join(repoRoot, "content")})
	site.Build(t)
	base := harness.StartNginx(t, site.Out, harness.FreePort(t))
	for _, c := range []struct{ slug, name, tip string }{
		{"japan", "Japan", "Suica, PASMO and ICOCA"},
		{"united-kingdom", "United Kingdom", ""},
		{"united-states", "United States", ""},
	} {
		t.Run(c.slug, func(t *testing.T) { printChecklist(t, browser, base+"/countries/"+c.slug+"/", c.name, c.tip) })
	}
}

func printChecklist(t *testing.T, browser context.Context, url, name, tip string) {
	tab := NewTab(t, browser)
	goTo(tab, url, name)
	ctx, cancel := context.WithTimeout(tab.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	hidden := `(s) => { const e = q(s); return e === null || getComputedStyle(e).display === 'none' || e.getClientRects().length === 0; }`
	for _, sel := range []string{".site-header", ".site-nav", ".site-footer", ".bt-like", ".bt-save", ".bt-comments", ".country-reviews", ".crumbs"} {
		if !Eval[bool](tab, `(`+hidden+`)(`+fmt.Sprintf("%q", sel)+`)`) {
			t.Errorf("printed page shows %s", sel)
		}
	}
	for _, sel := range []string{".checklist", ".checklist .emergency", ".country-tips .compact a"} {
		if Eval[bool](tab, `(`+hidden+`)(`+fmt.Sprintf("%q", sel)+`)`) {
			t.Errorf("printed page hides %s", sel)
		}
	}
	if got := Eval[string](tab, `getComputedStyle(q('.country-tips .compact'), '::before').content`); !strings.Contains(got, "☐") {
		t.Errorf("a printed tip's box: content %q, want ☐", got)
	}
	if got := Eval[string](tab, `qa('.country-tips .compact a').map((a) => a.textContent).join(' | ')`); !strings.Contains(got, tip) || got == "" {
		t.Errorf("printed tips: %q", got)
	}
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf.Data, -1)); n != 1 {
		t.Errorf("the printed checklist is %d pages, want 1", n)
	}
}
