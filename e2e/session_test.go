package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestNetworkErrors stops the server under a logged-in reader's open page:
// a like rolls back with a message that says the network failed, and a
// comment keeps its text.
func TestNetworkErrors(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	base, server := site.StartServeProc(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	registerInWidget(tab, "offline")

	server.Stop()
	tab.Click(".bt-like-button")
	tab.Wait("like rolled back with a network message", likeState+` === 'false/0' && q('#bt-status').textContent.includes('Network') && q('#bt-status').classList.contains('bt-status-error')`)
	tab.Type(".bt-composer textarea", "written while offline")
	tab.Click(".bt-composer button[type=submit]")
	tab.Wait("comment kept", `q('#bt-status').textContent.includes('Network') && q('.bt-composer textarea').value === 'written while offline' && q('.bt-composer button[type=submit]').disabled === false`)
	tab.NoExceptions()
}

// TestSessionRefresh drops the short-lived access cookie (as if its 15
// minutes had passed): the next like gets a 401, the widget refreshes the
// session once and retries, and a reload logs the reader in again through
// /api/auth/me and a refresh.
func TestSessionRefresh(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	base, server := site.StartServeProc(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	registerInWidget(tab, "refresher")

	expireAccess := func() {
		t.Helper()
		if _, err := chromedp.Call(tab.ctx, network.DeleteCookies,
			network.DeleteCookiesParams{Name: "bt_access", URL: base + "/api/"}); err != nil {
			t.Fatal(err)
		}
	}
	refreshes := func() int {
		return strings.Count(server.Log(), `path=/api/auth/refresh status=200`) + strings.Count(server.Log(), `"path":"/api/auth/refresh","status":200`)
	}

	expireAccess()
	tab.Click(".bt-like-button")
	harness.WaitFor(t, 20*time.Second, "the like after a refresh", func() error {
		if Eval[string](tab, likeState) != "true/1" || refreshes() != 1 {
			return errNotYet
		}
		if body, err := get(base + "/api/page?id=" + tipID); err != nil || !strings.Contains(body, `"likes":1`) {
			return fmt.Errorf("like not stored: %v %s", err, body)
		}
		return nil
	})

	expireAccess()
	tab.Open(base + tipPath)
	tab.Wait("logged in again after reload", `q('.bt-account-name') !== null && `+likeState+` === 'true/1'`)
	if n := refreshes(); n != 2 {
		t.Errorf("%d successful refreshes, want 2", n)
	}
	tab.NoExceptions()
}
