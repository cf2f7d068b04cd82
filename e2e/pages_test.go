package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"

	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// serveStatic serves dir on 127.0.0.1:port with a plain file server until
// the test ends.
func serveStatic(tb testing.TB, dir string, port int) string {
	tb.Helper()
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestReadableWithoutJavaScript opens pages with script execution off: the
// content, the checklist and the baked counts are there, the like button
// stays hidden and the comments section explains itself.
func TestReadableWithoutJavaScript(t *testing.T) {
	browser := NewBrowser(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	site.Build(t)
	base := serveStatic(t, site.Out, FreePort(t))
	tab := NewTab(t, browser)
	if _, err := chromedp.Call(tab.ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string // a JavaScript condition that must hold
	}{
		{tipPath, `q('h1').textContent.includes('Cash, cards and ATMs') && q('.prose, article').innerText.includes('7-Eleven')`},
		{tipPath, `q('.bt-like-button').offsetParent === null || getComputedStyle(q('.bt-like-button')).visibility === 'hidden'`},
		{tipPath, `q('.bt-like-count').textContent === '0' && q('.bt-comment-count').textContent === '0'`},
		{tipPath, `q('#comments').innerText.includes('JavaScript')`},
		{tipPath, `q('.bt-account').children.length === 0 && q('.bt-comments-body').children.length === 0`},
		{"/countries/japan/", `q('.checklist').innerText.includes('Tokyo') && q('.checklist').innerText.includes('110')`},
		{"/countries/japan/tips/", `qa('.bt-item .bt-item-likes').length > 0`},
		{"/", `qa('a[href="/countries/japan/"]').length > 0`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			tab.tb = t
			tab.Do("open", chromedp.Navigate(base+tt.path))
			if !Eval[bool](tab, tt.want) {
				t.Errorf("%s: want %s", tt.path, tt.want)
			}
		})
	}
	if len(tab.exceptions) > 0 {
		t.Errorf("exceptions with JavaScript off: %v", tab.exceptions)
	}
}

// TestCountsWithoutLayoutShift serves pages built before readers liked and
// commented (baked counts 0) while the API has the new counts: the widget
// updates the numbers with one request, and nothing above the comment
// thread moves.
func TestCountsWithoutLayoutShift(t *testing.T) {
	browser := NewBrowser(t)
	apiPort, sitePort := FreePort(t), FreePort(t)
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
	token := bearer(t, apiBase, "counter", "counter@example.com")
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
		html, err := os.ReadFile(filepath.Join(frozen, filepath.FromSlash(path), "index.html"))
		if err != nil || !bytes.Contains(html, []byte(`data-count="0"`)) || bytes.Contains(html, []byte(`data-count="12"`)) {
			t.Fatalf("%s: the test needs a page with stale baked counts (%v)", path, err)
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

// TestKoreanWidget builds the site in Korean: the widget speaks it.
func TestKoreanWidget(t *testing.T) {
	browser := NewBrowser(t)
	port := FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080", Language: "ko"})
	site.StartServe(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + "/countries/south-korea/tips/%EA%B5%90%ED%86%B5%EC%B9%B4%EB%93%9C/")
	if got := tab.Text(".bt-account .bt-login"); got != "로그인" {
		t.Errorf("login button %q, want 로그인", got)
	}
	tab.Click(".bt-like-button")
	tab.Wait("Korean login prompt", `q('#bt-status').textContent.includes('로그인하세요')`)
	tab.NoExceptions()
}

// bearer registers a user and returns an access token for scripts.
func bearer(tb testing.TB, api, name, email string) string {
	tb.Helper()
	apiCall(tb, api, "", "POST", "/api/auth/register", map[string]any{"username": name, "email": email, "password": readerPass}, http.StatusCreated)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	b := apiCall(tb, api, "", "POST", "/api/auth/token", map[string]any{"login": name, "password": readerPass}, http.StatusOK)
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("token: %v %s", err, b)
	}
	return tok.AccessToken
}

// apiCall sends a JSON request (with a Bearer token if given) and checks
// the status.
func apiCall(tb testing.TB, api, token, method, path string, body any, want int) []byte {
	tb.Helper()
	var r *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	} else {
		r = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, api+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, buf.String())
	}
	return buf.Bytes()
}

// TestNetworkErrors stops the server under a logged-in reader's open page:
// a like rolls back with a message that says the network failed, and a
// comment keeps its text.
func TestNetworkErrors(t *testing.T) {
	browser := NewBrowser(t)
	port := FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	base, server := site.StartServeProc(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	tab.Click(".bt-account .bt-register")
	tab.Type("#bt-f-username", "offline")
	tab.Type("#bt-f-email", "offline@example.com")
	tab.Type("#bt-f-password", readerPass)
	tab.Click(".bt-dialog button[type=submit]")
	tab.Wait("logged in", `q('.bt-account-name') !== null && q('.bt-composer textarea') !== null`)

	server.stop()
	tab.Click(".bt-like-button")
	tab.Wait("like rolled back with a network message", likeState+` === 'false/0' && q('#bt-status').textContent.includes('Network') && q('#bt-status').classList.contains('bt-status-error')`)
	tab.Type(".bt-composer textarea", "written while offline")
	tab.Click(".bt-composer button[type=submit]")
	tab.Wait("comment kept", `q('#bt-status').textContent.includes('Network') && q('.bt-composer textarea').value === 'written while offline' && q('.bt-composer button[type=submit]').disabled === false`)
	tab.NoExceptions()
}

// TestKeyboardOnly logs in and likes with the keyboard alone: Enter opens
// the dialog with focus in its first field, Tab moves between labelled
// fields, Enter submits, focus comes back to the account box, and Space
// toggles the like button.
func TestKeyboardOnly(t *testing.T) {
	browser := NewBrowser(t)
	port := FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	base := site.StartServe(t, port)
	apiCall(t, base, "", "POST", "/api/auth/register", map[string]any{"username": "keys", "email": "keys@example.com", "password": readerPass}, http.StatusCreated)

	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	Eval[bool](tab, `(q('.bt-account .bt-login').focus(), true)`)
	tab.Key(kb.Enter)
	tab.Wait("dialog with focus in the login field", `q('dialog.bt-dialog').open && document.activeElement.id === 'bt-f-login'`)
	if !Eval[bool](tab, `qa('.bt-dialog input').every((i) => i.labels.length === 1 && i.labels[0].textContent.trim() !== '')`) {
		t.Error("dialog fields without a label")
	}
	tab.Key("keys")
	tab.Key(kb.Tab)
	tab.Wait("password field", `document.activeElement.id === 'bt-f-password'`)
	tab.Key(readerPass + kb.Enter)
	tab.Wait("logged in, focus in the account box", `q('.bt-account-name') !== null && !q('dialog.bt-dialog').open && q('.bt-account').contains(document.activeElement)`)
	Eval[bool](tab, `(q('.bt-like-button').focus(), true)`)
	tab.Key(" ")
	tab.Wait("liked with Space", likeState+` === 'true/1'`)
	tab.NoExceptions()
}

// TestSessionRefresh drops the short-lived access cookie (as if its 15
// minutes had passed): the next like gets a 401, the widget refreshes the
// session once and retries, and a reload logs the reader in again through
// /api/auth/me and a refresh.
func TestSessionRefresh(t *testing.T) {
	browser := NewBrowser(t)
	port := FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	base, server := site.StartServeProc(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	tab.Click(".bt-account .bt-register")
	tab.Type("#bt-f-username", "refresher")
	tab.Type("#bt-f-email", "refresher@example.com")
	tab.Type("#bt-f-password", readerPass)
	tab.Click(".bt-dialog button[type=submit]")
	tab.Wait("logged in", `q('.bt-account-name') !== null`)

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
	WaitFor(t, 20*time.Second, "the like after a refresh", func() error {
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
