package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// trackEventSource runs before the page's scripts and records when the
// live-reload stream is open, so the test edits files only once the tab
// listens.
const trackEventSource = `(() => {
  const ES = window.EventSource;
  window.EventSource = function (url) {
    const es = new ES(url);
    es.addEventListener("open", () => { window.__btLiveOpen = true; });
    es.addEventListener("data", () => { window.__btData = (window.__btData || 0) + 1; });
    return es;
  };
  window.EventSource.prototype = ES.prototype;
})();`

// TestServeBrowser opens a page of `beforetrip serve` in headless Chromium
// and checks what reload.js does: reload on a save that changes the page,
// show the build error over the page, reload again once it is fixed, and
// stay put for builds caused by likes.
func TestServeBrowser(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	s := MustStartServe(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	loads := make(chan struct{}, 10)
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loads <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	eval := func(expr string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
		if err != nil {
			t.Fatalf("eval %s: %v", expr, err)
		}
		return v
	}
	waitLoad := func(what string) {
		t.Helper()
		select {
		case <-loads:
		case <-time.After(30 * time.Second):
			t.Fatalf("the tab did not reload after %s", what)
		}
	}
	poll := func(expr string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Poll[any](expr,
			chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil {
			t.Fatalf("wait for %s: %v", expr, err)
		}
		return v
	}

	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: trackEventSource}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+"/countries/japan/tips/jr-pass/")); err != nil {
		t.Fatal(err)
	}
	waitLoad("navigation")
	poll("window.__btLiveOpen === true")

	tip := s.P("content/countries/japan/tips/jr-pass.md")
	eval("window.__before = true")
	MustWriteFile(t, tip, tipMD("Reloaded in the browser", "Live."))
	waitLoad("a save")
	poll("document.readyState === 'complete' && window.__btLiveOpen === true")
	text, _ := eval("document.body.innerText").(string)
	if !strings.Contains(text, "Reloaded in the browser") || eval("window.__before === true") == true {
		t.Fatalf("after a save: new text %v, same document %v", strings.Contains(text, "Reloaded in the browser"),
			eval("window.__before === true"))
	}

	MustWriteFile(t, tip, "---\ntitle: \"Broken\"\ndate: not-a-date\n---\nx\n")
	overlay, _ := poll(`(document.getElementById("bt-live-error") || {}).textContent`).(string)
	if !strings.Contains(overlay, "jr-pass.md") || !strings.Contains(overlay, "date") {
		t.Errorf("overlay %q does not name the file and field", overlay)
	}
	if text, _ := eval("document.body.innerText").(string); !strings.Contains(text, "Reloaded in the browser") {
		t.Error("the last good page is not shown under the overlay")
	}

	MustWriteFile(t, tip, tipMD("Fixed again", "Live."))
	waitLoad("the fix")
	poll("document.readyState === 'complete'")
	text, _ = eval("document.body.innerText").(string)
	if !strings.Contains(text, "Fixed again") || eval(`document.getElementById("bt-live-error") === null`) != true {
		t.Errorf("after the fix: new text %v, overlay gone %v", strings.Contains(text, "Fixed again"),
			eval(`document.getElementById("bt-live-error") === null`))
	}

	// A like rebuilds the lists that show this page (a "data" event), but
	// the tab must not reload for it (the widget shows counts live; a
	// reload would lose a comment draft).
	poll("window.__btLiveOpen === true")
	eval("window.__stay = true")
	tok := s.MustUser(t, "browser-liker")
	if code := s.api(t, "PUT", "/api/likes?page=countries/japan/tips/jr-pass", tok, nil, nil); code != 200 {
		t.Fatalf("like: %d", code)
	}
	poll("(window.__btData || 0) >= 1")
	if eval("window.__stay === true") != true {
		t.Error("the tab reloaded for a like")
	}
}
