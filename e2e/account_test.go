package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/mail/mailtest"
	"github.com/beforetrip/beforetrip/test/harness"
)

// registerInWidget registers the reader name (mail name@example.com,
// password readerPass) through the widget's dialog on the open tip page and
// waits until the widget shows them logged in, with a comment box.
func registerInWidget(tab *Tab, name string) {
	tab.tb.Helper()
	tab.Click(".bt-account .bt-register")
	tab.Type("#bt-f-username", name)
	tab.Type("#bt-f-email", name+"@example.com")
	tab.Type("#bt-f-password", readerPass)
	tab.Click(".bt-dialog button[type=submit]")
	tab.Wait("logged in as "+name, `q('.bt-account-name') !== null && q('.bt-composer textarea') !== null`)
}

// mailLink waits for a mail to addr whose subject contains subject and
// returns its link starting with prefix (from the text part).
func mailLink(t *testing.T, mp *mailtest.Mailpit, addr, subject, prefix string) string {
	t.Helper()
	for n := 1; ; n++ {
		for _, m := range mp.Wait(addr, n) {
			if strings.Contains(m.Subject, subject) {
				return mailtest.Link(t, m.Text, prefix)
			}
		}
	}
}

// TestJourneyAccountMail: in real Chromium against `beforetrip serve`
// sending through a real mailpit: register → the verify link from the mail
// confirms the address; change password on /account/; "Forgot password?"
// in the login dialog → the reset mail → the reset page → the new password
// works and the old one does not.
func TestJourneyAccountMail(t *testing.T) {
	mp := mailtest.Start(t)
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", SMTPURL: mp.SMTPURL})
	base := site.StartServe(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)

	tab.Open(base + tipPath)
	if n := Eval[int](tab, `qa('.site-footer a[href="/privacy/"]').length`); n != 1 {
		t.Errorf("the footer has %d links to /privacy/, want 1", n)
	}
	tab.Click(".bt-account .bt-register")
	if href := Eval[string](tab, `q('.bt-dialog a[href="/privacy/"]')?.getAttribute('href') ?? 'none'`); href != "/privacy/" {
		t.Errorf("the register dialog does not link /privacy/ (%s)", href)
	}
	tab.Type("#bt-f-username", "traveller")
	tab.Type("#bt-f-email", "traveller@example.com")
	tab.Type("#bt-f-password", readerPass)
	tab.Click(".bt-dialog button[type=submit]")
	tab.Wait("registered", `q('.bt-account-name') !== null`)

	verify := mailLink(t, mp, "traveller@example.com", "Confirm your email", base+"/account/verify/#token=")
	tab.Open(verify)
	tab.Wait("email confirmed", `q('#bt-account-page').textContent.includes('traveller@example.com is confirmed')`)
	if hash := Eval[string](tab, `location.hash`); hash != "" {
		t.Errorf("the token stays in the address bar: %q", hash)
	}

	tab.Open(base + "/account/")
	tab.Wait("account page", `q('.bt-account-email') !== null && q('.bt-account-email').textContent.includes('(verified)')`)
	tab.Type("[name=current_password]", readerPass)
	tab.Type("form:has([name=current_password]) [name=password]", "a second passphrase")
	tab.Click("form:has([name=current_password]) button[type=submit]")
	tab.Wait("password changed", `q('#bt-account-page').textContent.includes('Password changed')`)
	if st := postLogin(t, base, "traveller", "a second passphrase"); st != http.StatusOK {
		t.Fatalf("login with the changed password: %d", st)
	}

	// Log out, then forget the password.
	tab.Open(base + tipPath)
	tab.Wait("logged in on the page", `q('.bt-logout') !== null`)
	tab.Click(".bt-logout")
	tab.Wait("logged out", `q('.bt-account .bt-login') !== null`)
	tab.Click(".bt-account .bt-login")
	tab.Click(".bt-dialog-switch a")
	tab.Wait("reset page", `location.pathname === '/account/reset/' && q('#bt-account-page [name=login]') !== null`)
	tab.Type("#bt-account-page [name=login]", "traveller@example.com")
	tab.Click("#bt-account-page button[type=submit]")
	tab.Wait("link sent", `q('#bt-account-page').textContent.includes('is on its way')`)

	reset := mailLink(t, mp, "traveller@example.com", "Reset your", base+"/account/reset/#token=")
	tab.Open(reset)
	tab.Wait("new password form", `q('#bt-account-page [name=password]') !== null`)
	tab.Type("#bt-account-page [name=password]", "the third passphrase")
	tab.Click("#bt-account-page button[type=submit]")
	tab.Wait("password reset", `q('#bt-account-page').textContent.includes('password is changed')`)
	if st := postLogin(t, base, "traveller", "the third passphrase"); st != http.StatusOK {
		t.Errorf("login with the new password: %d", st)
	}
	if st := postLogin(t, base, "traveller", "a second passphrase"); st != http.StatusUnauthorized {
		t.Errorf("login with the old password: %d, want 401", st)
	}
	// The same link a second time: refused with a clear message.
	tab.Open(reset)
	tab.Type("#bt-account-page [name=password]", "a fourth passphrase")
	tab.Click("#bt-account-page button[type=submit]")
	tab.Wait("used link refused", `q('#bt-account-page').textContent.includes('already used or expired')`)
	tab.NoExceptions()
}

// TestJourneyAccountLifecycle: reply notifications on /account/ → another
// reader replies → the (batched) mail arrives with RFC 8058 headers and its
// unsubscribe link turns them off; a click on the export link downloads
// the account's JSON as a file; deleting the account leaves the comment as a placeholder without
// author and the name cannot log in.
func TestJourneyAccountLifecycle(t *testing.T) {
	mp := mailtest.Start(t)
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", SMTPURL: mp.SMTPURL})
	base := site.StartServe(t, port)
	tab := NewTab(t, browser, `delete window.EventSource;`)

	tab.Open(base + tipPath)
	registerInWidget(tab, "asker")
	tab.Type(".bt-composer textarea", "Which ATM takes foreign cards?")
	tab.Click(".bt-composer button[type=submit]")
	tab.Wait("comment posted", `document.querySelector('.bt-comments') && document.querySelector('.bt-comments').textContent.includes('Which ATM')`)

	tab.Open(mailLink(t, mp, "asker@example.com", "Confirm your email", base+"/account/verify/#token="))
	tab.Wait("email confirmed", `q('#bt-account-page').textContent.includes('is confirmed')`)
	tab.Open(base + "/account/")
	tab.Wait("account page", `q('#bt-a-notify') !== null && !q('#bt-a-notify').disabled`)
	tab.Click("#bt-a-notify")
	tab.Wait("notifications on", `q('.bt-account-notify').textContent.includes('Saved.')`)

	var list struct {
		Comments []struct {
			ID     uint64                    `json:"id"`
			Body   string                    `json:"body"`
			Author struct{ Username string } `json:"author"`
		} `json:"comments"`
	}
	comments := func() {
		t.Helper()
		if err := json.Unmarshal(apiCall(t, base, "", "GET", "/api/comments?page="+tipID, nil, http.StatusOK), &list); err != nil {
			t.Fatal(err)
		}
	}
	comments()
	if len(list.Comments) != 1 {
		t.Fatalf("comments = %+v", list.Comments)
	}
	top := list.Comments[0].ID
	tok := bearer(t, base, "answerer")
	apiCall(t, base, tok, "POST", "/api/comments", map[string]any{"page": tipID, "body": "The ones at 7-Eleven.", "parent_id": top}, http.StatusCreated)

	var replyMail mailtest.Message
	for n := 1; replyMail.ID == ""; n++ {
		for _, m := range mp.Wait("asker@example.com", n) {
			if strings.Contains(m.Subject, "New replies") {
				replyMail = m
			}
		}
	}
	if !strings.Contains(replyMail.Text, "The ones at 7-Eleven.") ||
		len(replyMail.Headers["List-Unsubscribe-Post"]) != 1 || len(replyMail.Headers["List-Unsubscribe"]) != 1 {
		t.Fatalf("reply mail: headers %v\n%s", replyMail.Headers, replyMail.Text)
	}
	tab.Open(mailtest.Link(t, replyMail.Text, base+"/account/#unsubscribe="))
	tab.Wait("unsubscribed", `q('#bt-account-page').textContent.includes('Reply mails are off') && q('#bt-a-notify') && !q('#bt-a-notify').checked`)

	mustDownloadExport(t, tab, "asker")

	tab.Type("form:has([name=confirm]) [name=password]", readerPass)
	tab.Click("form:has([name=confirm]) [name=confirm]")
	tab.Click("form:has([name=confirm]) button[type=submit]")
	tab.Wait("deleted", `q('#bt-account-page').textContent.includes('Your account is deleted')`)
	if st := postLogin(t, base, "asker", readerPass); st != http.StatusUnauthorized {
		t.Errorf("deleted account logs in: %d", st)
	}
	comments()
	for _, c := range list.Comments {
		if c.ID == top && (c.Author.Username != "" || c.Body != "") {
			t.Errorf("the deleted account's comment: %+v", c)
		}
	}
	if len(list.Comments) != 2 {
		t.Errorf("%d comments, want the placeholder and the reply", len(list.Comments))
	}
	tab.NoExceptions()
}

// mustDownloadExport clicks the account page's export link as a reader
// does and checks that Chromium saves it as a file (the API's
// Content-Disposition: attachment) holding the account's JSON.
func mustDownloadExport(t *testing.T, tab *Tab, name string) {
	t.Helper()
	dir := t.TempDir()
	id := chromedp.FromContext(tab.ctx).BrowserContextID
	_, err := chromedp.Call(tab.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, BrowserContextID: id})
	if err != nil {
		t.Fatal(err)
	}
	tab.Click(".bt-account-export a")
	path := filepath.Join(dir, "beforetrip-"+name+".json")
	deadline := time.Now().Add(2 * time.Minute)
	var data []byte
	for {
		if data, err = os.ReadFile(path); err == nil && json.Valid(data) {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no downloaded export at %s (folder holds %v): %v", path, entries, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var exp beforetrip.AccountExport
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	if exp.User.Username != name || len(exp.Comments) != 1 || exp.Comments[0].Page == "" {
		t.Errorf("downloaded export = %s", data)
	}
}
