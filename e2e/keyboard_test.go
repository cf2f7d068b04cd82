package e2e

import (
	"net/http"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/chromedp/kb"
)

// TestKeyboardOnly logs in and likes with the keyboard alone: Enter opens
// the dialog with focus in its first field, Tab moves between labelled
// fields, Enter submits, focus comes back to the account box, and Space
// toggles the like button.
func TestKeyboardOnly(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
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
