package e2e

import (
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/chromedp"
)

// TestPassportChoice: a reader picks a passport on a country's checklist
// card in real Chromium, behind the production nginx and its CSP (every
// violation fails the test): the card shows that passport's rule, the
// choice holds after a reload and on another country, lives only in the
// browser (localStorage), and a passport a country has no rule for falls
// back to "Other passports". The ko build preselects Korean passports.
func TestPassportChoice(t *testing.T) {
	harness.MustNginx(t)
	browser := NewBrowser(t)
	apiPort := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080",
		TrustedProxies: []string{"127.0.0.1"}})
	site.Build(t)
	site.StartAPI(t, apiPort)
	base := harness.StartNginx(t, site.Out, apiPort)

	tab := NewTab(t, browser, failOnCSPViolation)
	tab.Open(base + "/countries/japan/")
	tab.Wait("the passport select", `!q('.passport-pick').hidden && q('#passport').value === 'default'`)
	if !Eval[bool](tab, `q('.entry-picked [data-passport]').dataset.passport === 'default'`) {
		t.Fatalf("before a pick the card does not show the default rule: %q", tab.Text(".entry-picked"))
	}
	// What the browser does when a reader chooses an option: the value
	// changes, then a change event.
	Eval[bool](tab, `(q('#passport').value = 'US', q('#passport').dispatchEvent(new Event('change', {bubbles: true})))`)
	tab.Wait("the US rule", `q('.entry-picked [data-passport="US"]') !== null && q('.entry-picked').innerText.includes('United States')`)

	tab.Do("reload", chromedp.Reload())
	tab.Wait("the select after reload", `!q('.passport-pick').hidden`)
	if got := Eval[string](tab, `q('#passport').value`); got != "US" {
		t.Errorf("after reload the select shows %q, want US", got)
	}
	if !Eval[bool](tab, `q('.entry-picked [data-passport="US"]') !== null && q('.entry-picked').innerText.includes('Visa-free for tourism, business and visiting family.')`) {
		t.Errorf("after reload the card shows %q, want the US rule", tab.Text(".entry-picked"))
	}
	if got := Eval[string](tab, `localStorage.getItem('bt-passport')`); got != "US" {
		t.Errorf("localStorage bt-passport = %q, want US", got)
	}

	tab.Open(base + "/countries/south-korea/")
	tab.Wait("the US rule on another country", `q('.entry-picked').innerText.includes('K-ETA is not needed until 31 December 2026')`)

	Eval[bool](tab, `(localStorage.setItem('bt-passport', 'JP'), true)`)
	tab.Do("reload", chromedp.Reload())
	tab.Wait("the default rule for a passport without one", `!q('.passport-pick').hidden && q('#passport').value === 'default' && q('.entry-picked [data-passport="default"]') !== null`)
	tab.NoExceptions()

	ko := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", Language: "ko"})
	ko.Build(t)
	koBase := serveStatic(t, ko.Out, harness.FreePort(t))
	kt := NewTab(t, browser)
	kt.Do("open ko", chromedp.Navigate(koBase+"/countries/japan/"))
	kt.Wait("KR preselected in the ko build", `!q('.passport-pick').hidden && q('#passport').value === 'KR' && q('.entry-picked [data-passport="KR"]') !== null && q('.entry-picked').innerText.includes('대한민국')`)
	if got := Eval[string](kt, `document.documentElement.lang + ' ' + getComputedStyle(q('.checklist')).wordBreak`); got != "ko keep-all" {
		t.Errorf("ko page: lang and word-break = %q, want \"ko keep-all\"", got)
	}
	kt.NoExceptions()
}
