package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/chromedp"
)

// TestModerationServe runs the moderation journey against `beforetrip
// serve` with pre-moderation.
func TestModerationServe(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080", Moderation: "pre"})
	site.StartServe(t, port)
	moderation(t, browser, site, base, `delete window.EventSource;`)
}

// TestModerationNginx runs it behind Debian's nginx with deploy/nginx.conf
// (its production Content-Security-Policy in force: any violation fails)
// in front of `beforetrip api`.
func TestModerationNginx(t *testing.T) {
	harness.MustNginx(t)
	browser := NewBrowser(t)
	apiPort := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080",
		TrustedProxies: []string{"127.0.0.1"}, Moderation: "pre"})
	site.Build(t)
	site.StartAPI(t, apiPort)
	base := harness.StartNginx(t, site.Out, apiPort)
	moderation(t, browser, site, base, failOnCSPViolation)
}

// moderation: an admin approves a pending comment from /admin/ (keyboard
// shortcut) and an anonymous reader sees it; three readers report it (one
// through the widget's Report dialog), it disappears for readers and shows
// as hidden pending review to its author; the admin restores it from the
// reported queue and it is back; the admin blocks a reader, whose write is
// refused with the block's reason; the audit log lists all of it.
func moderation(t *testing.T, browser context.Context, site *Site, base string, initScripts ...string) {
	writer := bearer(t, base, "writer")
	var readers []string
	for i := range 3 {
		readers = append(readers, bearer(t, base, fmt.Sprint("reader", i)))
	}
	bob := bearer(t, base, "bob")
	bearer(t, base, "chief")
	RunBinary(t, "user", "set-role", "chief", "admin", "--config", site.Config, "--data", site.Data)

	var posted struct{ Comment struct{ ID uint64 } }
	body := apiCall(t, base, writer, "POST", "/api/comments", map[string]any{"page": tipID, "body": "Withdraw cash at 7-Eleven"}, http.StatusCreated)
	if err := json.Unmarshal(body, &posted); err != nil {
		t.Fatal(err)
	}
	id := posted.Comment.ID
	comment := fmt.Sprintf(`#comment-%d`, id)

	t.Log("a reader gets the polite refusal; the admin logs in and sees the queue")
	admin := NewTab(t, browser, initScripts...)
	admin.Open(base + "/admin/")
	admin.Wait("moderators only", `!q('#bt-admin-gate').hidden && q('#bt-admin').hidden`)
	admin.Click(".bt-account .bt-login")
	admin.Type("#bt-f-login", "chief")
	admin.Type("#bt-f-password", readerPass)
	admin.Click(".bt-dialog button[type=submit]")
	admin.Wait("pending queue", `q('#bt-admin-gate').hidden && qa('.bt-admin-item').some((e) => e.textContent.includes('Withdraw cash'))`)

	t.Log("approve with the keyboard: focus the item, press a")
	Eval[bool](admin, `(q('.bt-admin-item').focus(), true)`)
	admin.Do("key a", chromedp.KeyEvent("a"))
	admin.Wait("approved and gone from the queue", `!qa('.bt-admin-item').some((e) => e.textContent.includes('Withdraw cash'))`)

	anon := NewTab(t, browser, initScripts...)
	anon.Open(base + tipPath)
	anon.Wait("approved comment visible anonymously", `q('`+comment+`') !== null`)

	t.Log("a reader reports it through the widget's dialog")
	rd := NewTab(t, browser, initScripts...)
	rd.Open(base + tipPath)
	rd.Click(".bt-account .bt-login")
	rd.Type("#bt-f-login", "reader0")
	rd.Type("#bt-f-password", readerPass)
	rd.Click(".bt-dialog button[type=submit]")
	rd.Wait("logged in, Report offered", `q('.bt-account-name') && q('`+comment+` button[data-act=report]') !== null`)
	rd.Click(comment + " button[data-act=report]")
	rd.Wait("report dialog, focus on the first reason", `q('dialog[open] input[name=reason]') && document.activeElement.name === 'reason'`)
	rd.Click("dialog[open] input[value=spam]")
	rd.Type("dialog[open] textarea[name=text]", "Advertising a shop")
	rd.Click("dialog[open] button[type=submit]")
	rd.Wait("reported, focus back on Report", `!q('dialog[open]') && document.activeElement.dataset.act === 'report' && q('#bt-status').textContent.includes('moderators')`)
	for _, tok := range readers[1:] {
		apiCall(t, base, tok, "POST", fmt.Sprintf("/api/comments/%d/report", id), map[string]any{"reason": "abuse"}, http.StatusAccepted)
	}
	anon.Open(base + tipPath)
	anon.Wait("thread loaded", `q('.bt-comment-list') !== null && q('.bt-loading') === null`)
	if Eval[bool](anon, `q('`+comment+`') !== null`) {
		t.Fatal("a comment reported three times is still shown to readers")
	}

	t.Log("its author sees it as hidden pending review")
	own := NewTab(t, browser, initScripts...)
	own.Open(base + tipPath)
	own.Click(".bt-account .bt-login")
	own.Type("#bt-f-login", "writer")
	own.Type("#bt-f-password", readerPass)
	own.Click(".bt-dialog button[type=submit]")
	own.Wait("logged in", `q('.bt-account-name') !== null`)
	own.Open(base + tipPath) // the thread as its author loads it
	own.Wait("hidden pending review", `(q('`+comment+` .bt-comment-pending') || {}).textContent === '(hidden pending review)'`)

	t.Log("the admin restores it from the reported queue")
	admin.Click(".bt-admin-nav button[data-view=reported]")
	admin.Wait("reported item with its three reports", `qa('.bt-admin-item').some((e) => e.textContent.includes('Withdraw cash') && e.textContent.includes('3 reports') && e.textContent.includes('Advertising a shop'))`)
	admin.Click(".bt-admin-item button[data-key=r]")
	admin.Wait("restored", `q('#bt-status').textContent === 'Done.' && !qa('.bt-admin-item').some((e) => e.textContent.includes('Withdraw cash'))`)
	anon.Open(base + tipPath)
	anon.Wait("back for readers", `q('`+comment+`') !== null`)

	t.Log("the admin blocks bob, whose write is refused with the reason")
	admin.Click(".bt-admin-nav button[data-view=users]")
	admin.Type(".bt-admin-search input", "bob")
	admin.Click(".bt-admin-search button[type=submit]")
	admin.Wait("bob listed", `qa('.bt-admin-item h3').length === 1 && q('.bt-admin-item h3').textContent.startsWith('bob')`)
	admin.Type(".bt-admin-item input[type=number]", "3")
	admin.Type(".bt-admin-item input[type=text]", "Spamming the Japan pages")
	admin.Click(".bt-admin-item button[data-act=block]")
	admin.Wait("bob blocked", `q('.bt-admin-item h3') && q('.bt-admin-item h3').textContent.includes('blocked until')`)
	refused := apiStatus(t, base, bob, "POST", "/api/comments", map[string]any{"page": tipID, "body": "more spam"})
	if refused.status != http.StatusForbidden || !strings.Contains(refused.body, "Spamming the Japan pages") {
		t.Fatalf("blocked bob's write: %d %s, want 403 with the reason", refused.status, refused.body)
	}

	t.Log("the audit log lists all of it")
	admin.Click(".bt-admin-nav button[data-view=audit]")
	for _, want := range []string{"chief: approve comment", "(reports): hide comment", "chief: restore comment", "chief: block until", "user bob", "Spamming the Japan pages", "(command line): role admin user chief"} {
		admin.Wait("audit: "+want, `qa('.bt-admin-item').some((e) => e.textContent.includes('`+want+`'))`)
	}

	t.Log("a 390 px phone: no sideways scrolling")
	phone := NewTab(t, browser, initScripts...)
	phone.Do("390 px viewport", chromedp.EmulateViewport(390, 844))
	phone.Open(base + "/admin/")
	phone.Click(".bt-account .bt-login")
	phone.Type("#bt-f-login", "chief")
	phone.Type("#bt-f-password", readerPass)
	phone.Click(".bt-dialog button[type=submit]")
	phone.Wait("queue shown", `!q('#bt-admin').hidden && q('.bt-admin-main h2') !== null`)
	phone.Click(".bt-admin-nav button[data-view=users]")
	phone.Wait("users shown", `q('.bt-admin-item') !== null`)
	if w := Eval[float64](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("/admin/ is %v px wide on a 390 px phone", w)
	}
	for _, tab := range []*Tab{admin, anon, rd, own, phone} {
		tab.NoExceptions()
	}
}

type apiAnswer struct {
	status int
	body   string
}

// apiStatus sends a JSON request with a Bearer token and returns the
// answer whatever its status.
func apiStatus(tb testing.TB, api, token, method, path string, body any) apiAnswer {
	tb.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, api+path, strings.NewReader(string(b)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return apiAnswer{resp.StatusCode, readBody(tb, resp)}
}
