package hostile

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/beforetrip/beforetrip/test/harness/chromium"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// xssComments are comment bodies that try to run script; each one would
// call alert, print or record into window.__xss if it ran.
var xssComments = []string{
	"<script>window.__xss.push('script')</script>",
	`<img src=x onerror="window.__xss.push('img')">`,
	"[click](javascript:window.__xss.push('link'))",
	"[click](JaVaScRiPt:alert('link2'))",
	"<svg onload=alert('svg')>",
	`<iframe srcdoc="<script>parent.__xss.push('iframe')</script>"></iframe>`,
	"<details open ontoggle=alert('details')>",
	"<a href=\"&#x6A;avascript:alert('entity')\">x</a>",
	"``<img src=x onerror=alert('code')>``",
	"![x](x\" onerror=\"alert('attr'))",
	"<style>@import 'javascript:alert(1)';</style>",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
}

// trap records every way script could announce itself.
const trap = `window.__xss = []; window.alert = window.prompt = window.confirm = window.print =
	(m) => window.__xss.push(String(m));`

// TestBrowserXSS posts the hostile comments through the API, opens the page
// in headless Chromium (the widget renders the comments) and checks that
// nothing ran and no script, handler or script URL reached the DOM.
func TestBrowserXSS(t *testing.T) {
	ctx := chromium.Start(t) // before the server: skipped without Chromium
	srv := harness.NewServer(t, harness.MustBinary(t))
	srv.Cmd = "serve"
	srv.Start()
	tips := srv.Pages(t)[beforetrip.KindTip]
	if len(tips) == 0 {
		t.Fatal("no tips")
	}
	pageID := tips[0].ID
	c := srv.MustAccount(t, "xssbrowser")
	for _, body := range append(xssComments, "MARKER-SAFE **bold**") {
		st, data, err := c.Do(context.Background(), "POST", "/api/comments", map[string]any{"page": pageID, "body": body})
		if err != nil || st != http.StatusCreated {
			t.Fatalf("comment %q: %d %s %v", body, st, data, err)
		}
	}

	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: trap}); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL()+beforetrip.PageURL(pageID))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](
		`document.querySelector('.bt-comments-body') && document.querySelector('.bt-comments-body').textContent.includes('MARKER-SAFE')`,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("comments never rendered: %v", err)
	}
	// Give handlers (onerror of a broken image, ontoggle) a chance to fire:
	// wait until every image in the comments has finished loading or failing.
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](
		`[...document.querySelectorAll('.bt-comments-body img')].every((i) => i.complete)`,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("images: %v", err)
	}
	ran, err := chromedp.Run(tctx, chromedp.Evaluate[string](`JSON.stringify(window.__xss)`))
	if err != nil {
		t.Fatal(err)
	}
	if ran != "[]" {
		t.Errorf("script ran in the page: %s", ran)
	}
	found, err := chromedp.Run(tctx, chromedp.Evaluate[string](`JSON.stringify([...document.querySelectorAll(
		'.bt-comments-body script, .bt-comments-body iframe, .bt-comments-body style, .bt-comments-body svg, .bt-comments-body *')]
		.flatMap((e) => ['SCRIPT','IFRAME','STYLE','SVG','MATH'].includes(e.tagName.toUpperCase()) ? [e.tagName] :
			[...e.attributes].filter((a) => a.name.startsWith('on') ||
				/^\s*(javascript|vbscript|data):/i.test(a.value)).map((a) => e.tagName + ' ' + a.name + '=' + a.value)))`))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	if err := json.Unmarshal([]byte(found), &bad); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("dangerous markup in the rendered comments:\n%s", strings.Join(bad, "\n"))
	}
	t.Logf("%d hostile comments rendered by the widget; nothing ran (%s)", len(xssComments), fmt.Sprint(ran))

	// Control: the trap does catch a handler that runs.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`(() => { const d = document.createElement('div');
		d.innerHTML = '<img src=x onerror="alert(\'control\')">'; document.body.append(d); return true; })()`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tctx, chromedp.Poll[chromedp.Void](`window.__xss.includes('control')`,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the trap missed a running handler: %v", err)
	}
}
