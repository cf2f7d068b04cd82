package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/chromedp"
)

// TestCountsWithoutLayoutShift serves pages built before readers liked and
// commented (a list with baked counts 0, a page with no counts of its own)
// while the API has the new counts: the widget fills in the numbers with
// one request, and nothing above the comment thread moves.
func TestCountsWithoutLayoutShift(t *testing.T) {
	browser := NewBrowser(t)
	apiPort, sitePort := harness.FreePort(t), harness.FreePort(t)
	apiBase := fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	siteOrigin := fmt.Sprintf("http://127.0.0.1:%d", sitePort)
	site := NewSite(t, SiteOptions{BaseURL: siteOrigin + "/", APIAddr: "127.0.0.1:8080",
		APIOrigin: apiBase, CORSOrigins: []string{siteOrigin}})
	site.Build(t)
	frozen := filepath.Join(t.TempDir(), "public")
	if out, err := exec.Command("cp", "-r", site.Out, frozen).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	site.StartAPI(t, apiPort)
	token := bearer(t, apiBase, "counter")
	apiCall(t, apiBase, token, "PUT", "/api/likes?page="+tipID, nil, http.StatusOK)
	for i := 0; i < 12; i++ {
		apiCall(t, apiBase, token, "POST", "/api/comments", map[string]any{"page": tipID, "body": fmt.Sprintf("comment %d", i)}, http.StatusCreated)
	}
	serveStatic(t, frozen, sitePort)

	tab := NewTab(t, browser, `window.__cls = 0; window.__pagesRequests = 0;
// Count shifts of what comes before the comments: the thread itself
// (unknown height) may push what follows it, the footer.
const above = (n) => { const c = document.getElementById('comments');
  return n && n.nodeType === 1 && !(c && (c.contains(n) || (c.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING))); };
new PerformanceObserver((list) => { for (const e of list.getEntries())
  if (!e.hadRecentInput && e.sources.some((s) => above(s.node))) { window.__cls += e.value;
    window.__shifts = (window.__shifts || []).concat(e.sources.map((s) => s.node && (s.node.tagName + '.' + s.node.className + ' ' + JSON.stringify(s.previousRect) + '->' + JSON.stringify(s.currentRect)))); } })
  .observe({type: 'layout-shift', buffered: true});
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name.includes('/api/pages')) window.__pagesRequests++; })
  .observe({type: 'resource', buffered: true});`)
	for _, path := range []string{"/countries/japan/tips/", tipPath} {
		// The list has stale baked counts; the page has none of its own.
		html, err := os.ReadFile(filepath.Join(frozen, filepath.FromSlash(path), "index.html"))
		if err != nil || bytes.Contains(html, []byte(`data-count="12"`)) ||
			(path == tipPath) != bytes.Contains(html, []byte(`<span class="bt-like-count"></span>`)) {
			t.Fatalf("%s: the test needs a page without current counts (%v)", path, err)
		}
		tab.Open(siteOrigin + path)
		tab.Wait(path+" live counts", `(qa('.bt-item').find((e) => e.dataset.page === '`+tipID+`') || q('.bt-like')).querySelector('.bt-item-comments, .bt-like-count') &&
			(q('.bt-comment-count') ? q('.bt-comment-count').textContent === '12' && q('.bt-like-count').textContent === '1'
			 : qa('.bt-item').find((e) => e.dataset.page === '`+tipID+`').querySelector('.bt-item-comments').textContent === '12')`)
		// Two frames later every layout shift has been reported.
		v, err := chromedp.Run(tab.ctx, chromedp.Evaluate[float64](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(window.__cls))))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if v != 0 {
			t.Errorf("%s: cumulative layout shift %v, want 0: %v", path, v, Eval[[]string](tab, `window.__shifts`))
		}
		if n := Eval[int](tab, `window.__pagesRequests`); n != 1 {
			t.Errorf("%s: %d requests to /api/pages, want 1", path, n)
		}
	}
}
