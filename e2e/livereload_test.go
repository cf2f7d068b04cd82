package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// trackShows runs in every document before its scripts: it reports each
// pageshow (a load, or a restore from the back/forward cache) on the
// console, so the test knows when a navigation finished and where to; and
// it notes when the live-reload stream is open. (Not in sessionStorage: a
// page restored from the cache may read a stale copy of it.)
const trackShows = `addEventListener("pageshow", (e) => {
  console.debug("bt-pageshow", decodeURI(location.pathname), e.persisted, Date.now());
});
(() => {
  const ES = window.EventSource;
  window.EventSource = function (url) {
    const es = new ES(url);
    es.addEventListener("open", () => { window.__btLiveOpen = true; });
    return es;
  };
  window.EventSource.prototype = ES.prototype;
})();`

// pageShow is one pageshow reported by trackShows.
type pageShow struct {
	path     string
	restored bool
	at       time.Time
}

// listenShows returns the pageshow events of tab.
func listenShows(tb testing.TB, tab *Tab) <-chan pageShow {
	tb.Helper()
	shows := make(chan pageShow, 1000)
	err := chromedp.Listen(tab.ctx, func(ev any) {
		call, ok := ev.(*runtime.EventConsoleAPICalled)
		if !ok || len(call.Args) != 4 || string(call.Args[0].Value) != `"bt-pageshow"` {
			return
		}
		var path string
		var ms int64
		json.Unmarshal(call.Args[1].Value, &path)
		json.Unmarshal(call.Args[3].Value, &ms)
		select {
		case shows <- pageShow{path, string(call.Args[2].Value) == "true", time.UnixMilli(ms)}:
		default: // the test reads them all; never block the browser's events
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	return shows
}

// pageViewLimit is how long a page view may take before the test calls it
// hung. The pages are small static files that load in well under a second
// on a quiet machine, but one view took over 20 s at load 17 (Chromium
// and serve share two cores with other test binaries); the connection
// pile-up this test guards against stalled navigations for about a minute
// each, which 40 s still tells apart.
const pageViewLimit = 40 * time.Second

// TestServeManyPagesOneTab browses `beforetrip serve` in one phone-sized
// Chromium tab as a reader does, with the back/forward cache on as
// browsers ship it: 36 navigations by link clicks, history back and
// forward, and reloads, and every page must load. Then a save of the open
// page's Markdown file must reload the tab. Before reload.js closed its
// event stream on pagehide, every page kept in the back/forward cache held
// one of Chromium's six connections to the host, and from about the
// seventh page view on, navigations hung.
func TestServeManyPagesOneTab(t *testing.T) {
	browser := NewBrowser(t, chromedp.WindowSize(390, 844))
	port := harness.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080", OwnContent: true})
	site.StartServe(t, port)
	tab := NewDefaultTab(t, browser, trackShows)
	shows := listenShows(t, tab)

	views, restores := 0, 0
	var last pageShow // the last page shown
	// showAfter runs action and waits until the page at want is shown at
	// or after start. A page restored from the cache may report its old
	// pageshow again: only those since start count.
	showAfter := func(what, want string, start time.Time, action chromedp.Action[chromedp.Void]) {
		t.Helper()
		tab.Do(what, action)
		timeout := time.After(pageViewLimit)
		for {
			select {
			case s := <-shows:
				if s.path != want || s.at.Before(start) {
					continue
				}
				views++
				if s.restored {
					restores++
				}
				last = s
				return
			case <-timeout:
				t.Fatalf("page view %d (%s): %s was not shown within %s\n%s", views+1, what, want, pageViewLimit, tab.debug())
			}
		}
	}
	// navigate is showAfter from now: the action's own page view.
	navigate := func(what, want string, action chromedp.Action[chromedp.Void]) {
		t.Helper()
		showAfter(what, want, time.Now().Truncate(time.Millisecond), action)
	}
	navigate("open the home page", "/", chromedp.Navigate(base+"/"))
	// history mirrors the tab's session history, to know where back and
	// forward lead.
	history, at := []string{"/"}, 0
	for n := 2; n <= 37; n++ {
		switch {
		case (n%8 == 5 || n%8 == 6) && at > 0:
			at--
			navigate(fmt.Sprintf("back to %s", history[at]), history[at], chromedp.Evaluate[chromedp.Void](`history.back()`))
		case n%8 == 7 && at < len(history)-1:
			at++
			navigate(fmt.Sprintf("forward to %s", history[at]), history[at], chromedp.Evaluate[chromedp.Void](`history.forward()`))
		case n%10 == 0:
			navigate(fmt.Sprintf("reload %s", history[at]), history[at], chromedp.Evaluate[chromedp.Void](`location.reload()`))
		default: // click a visible link to another page, a different one each time
			// Clicked where it is on screen (chromedp's node queries do
			// not follow a page restored from the back/forward cache).
			link := Eval[struct {
				Href string
				X, Y float64
			}](tab, fmt.Sprintf(`(() => {
  const here = decodeURI(location.pathname);
  const links = qa('a[href^="/"]').filter((a) => a.getClientRects().length > 0 &&
    !a.getAttribute("href").startsWith("/api/") && !a.href.includes("#") &&
    /\/$/.test(new URL(a.href).pathname) && decodeURI(new URL(a.href).pathname) !== here);
  if (links.length === 0) return {href: ""};
  const a = links[%d %% links.length];
  a.scrollIntoView({block: "center"});
  const r = a.getClientRects()[0];
  return {href: decodeURI(new URL(a.href).pathname), x: r.left + Math.min(r.width / 2, 8), y: r.top + r.height / 2};
})()`, n))
			href := link.Href
			if href == "" {
				t.Fatalf("page view %d: no link to follow on %s", n, history[at])
			}
			navigate("click "+href, href, chromedp.MouseClickXY(link.X, link.Y))
			history, at = append(history[:at+1], href), at+1
		}
	}
	t.Logf("%d page views, %d restored from the back/forward cache", views, restores)
	if restores == 0 {
		t.Fatal("no page came back from the back/forward cache: the test did not exercise it")
	}

	// The tip page, opened by a click, then its Markdown file saved.
	const tipPath = "/countries/japan/tips/cash-and-atms/"
	navigate("open the tip", tipPath, chromedp.Navigate(base+tipPath))
	tab.Wait("the live-reload stream", `window.__btLiveOpen === true`)
	tip := filepath.Join(site.Content, "countries", "japan", "tips", "cash-and-atms.md")
	src, err := os.ReadFile(tip)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `title: "Cash, cards and ATMs in Japan"`, `title: "Cash after 36 pages"`, 1)
	saved := time.Now()
	navigate("save the tip's Markdown file", tipPath, chromedp.Func(func(context.Context, *chromedp.Target) error {
		return os.WriteFile(tip, []byte(edited), 0o644)
	}))
	t.Logf("save to reloaded tab: %s", time.Since(saved).Round(time.Millisecond))
	if title := Eval[string](tab, `document.title`); !strings.Contains(title, "Cash after 36 pages") {
		t.Errorf("reloaded tab's title %q, want the saved one", title)
	}

	// Saved while the tip waits in the back/forward cache: coming back
	// restores the old page, which must reload at once.
	navigate("open the home page", "/", chromedp.Navigate(base+"/"))
	edited = strings.Replace(edited, `title: "Cash after 36 pages"`, `title: "Cash seen on return"`, 1)
	// The home page lists the tip, so it reloads for the save.
	navigate("save the tip again", "/", chromedp.Func(func(context.Context, *chromedp.Target) error {
		return os.WriteFile(tip, []byte(edited), 0o644)
	}))
	navigate("back to the tip", tipPath, chromedp.Evaluate[chromedp.Void](`history.back()`))
	if !last.restored {
		t.Fatal("the tip did not come back from the back/forward cache")
	}
	// The reload may be shown before this test has read the restore (the
	// browser does not wait for it): count from the restore, not from now.
	showAfter("the restored tip reloads", tipPath, last.at.Add(time.Millisecond), chromedp.Steps())
	if title := Eval[string](tab, `document.title`); !strings.Contains(title, "Cash seen on return") {
		t.Errorf("restored tab's title %q, want the one saved while it was away", title)
	}
}
