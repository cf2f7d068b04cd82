package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/chromedp/kb"
)

// deployment is where the journey runs: the origin of the pages and the
// base URL of the API (the same for a same-origin setup).
type deployment struct {
	Site string
	API  string
}

const (
	tipPath     = "/countries/japan/tips/cash-and-atms/"
	tipID       = "countries/japan/tips/cash-and-atms"
	readerName  = "alice"
	readerPass  = "correct horse battery staple 42"
	xssMarker   = "XSS-MARKER"
	likeState   = `(q('.bt-like-button').getAttribute('aria-pressed') + '/' + q('.bt-like-count').textContent)`
	commentText = `qa('.bt-comment-body').map((e) => e.textContent).join('|')`
)

// xssPayloads are comment bodies that try to run script through raw HTML,
// dangerous URL schemes and Markdown that smuggles attributes. Each would
// set window.__pwned if it ran.
var xssPayloads = []string{
	`<img src=x onerror="window.__pwned='img'">`,
	`<script>window.__pwned='script'</script>`,
	`<svg onload="window.__pwned='svg'"></svg>`,
	`<iframe src="javascript:window.__pwned='iframe'"></iframe>`,
	`<a href="javascript:window.__pwned='a'">raw link</a>`,
	`[md link](javascript:window.__pwned='md')`,
	`[entity link](&#106;avascript:window.__pwned='entity')`,
	`[spaced link](java&#x09;script:window.__pwned='tab')`,
	`<javascript:window.__pwned='autolink'>`,
	`![img](x" onerror="window.__pwned='alt')`,
	`[title](https://example.com "x\" onmouseover=\"window.__pwned='title'")`,
	"`<img src=x onerror=window.__pwned='code'>` in code is text",
	`<div style="background:url(javascript:window.__pwned='css')">styled</div>`,
	`[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0nZGF0YSc8L3NjcmlwdD4=)`,
}

// inertCheck lists what in the rendered comments could run script: it must
// return an empty list.
const inertCheck = `(() => {
  const problems = [];
  if (window.__pwned !== undefined) problems.push('window.__pwned = ' + window.__pwned);
  for (const body of document.querySelectorAll('.bt-comment-body')) {
    for (const el of body.querySelectorAll('*')) {
      if (/^(script|iframe|frame|object|embed|svg|math|style|link|meta|base|form|input|button|textarea)$/i.test(el.tagName)) problems.push('element ' + el.tagName);
      for (const a of el.attributes) {
        if (/^on/i.test(a.name) || /^(style|srcdoc|formaction)$/i.test(a.name)) problems.push(el.tagName + ' ' + a.name + '=' + a.value);
        if (/^(href|src|action)$/i.test(a.name)) {
          const p = new URL(a.value, location.href).protocol;
          if (!/^(https?|mailto):$/.test(p)) problems.push(el.tagName + ' ' + a.name + '=' + a.value);
        }
      }
    }
  }
  return problems;
})()`

// journey is one reader's full visit and a second reader's view of it:
// register, log out, a wrong password, log in, like, unlike, comment,
// reply, edit, delete, hostile comments, a reader review, log out; then
// another reader sees the counts, the static pages are rebuilt, and a
// rate-limited login is explained.
func journey(t *testing.T, browser context.Context, dep deployment, initScripts ...string) {
	tip := dep.Site + tipPath
	a := NewDefaultTab(t, browser, initScripts...)
	a.Open(tip)
	if Eval[bool](a, `document.querySelector('.bt-like-button').hidden`) {
		t.Fatal("the widget did not unhide the like button")
	}

	t.Log("anonymous like opens the login dialog; Esc closes it and focus returns")
	a.Click(".bt-like-button")
	a.Wait("login dialog with focus in it", `document.querySelector('dialog.bt-dialog').open && document.activeElement.id === 'bt-f-login'`)
	a.Key(kb.Escape)
	a.Wait("dialog closed, focus restored", `!document.querySelector('dialog.bt-dialog').open && document.activeElement === document.querySelector('.bt-like-button')`)

	t.Log("register")
	a.Click(".bt-account .bt-register")
	a.Wait("register dialog", `document.activeElement.id === 'bt-f-username'`)
	if label := a.Text("label[for=bt-f-password]"); !strings.Contains(label, "8 characters") {
		t.Errorf("the register dialog does not state the password rule up front: %q", label)
	}
	a.Type("#bt-f-username", readerName)
	a.Type("#bt-f-email", readerName+"@example.com")
	a.Type("#bt-f-password", readerPass)
	a.Click(".bt-dialog button[type=submit]")
	a.Wait("registered and logged in", `q('.bt-account-name') && q('.bt-account-name').textContent.includes('`+readerName+`') && !q('dialog.bt-dialog').open`)

	t.Log("log out")
	a.Click(".bt-logout")
	a.Wait("logged out", `q('.bt-account .bt-login') !== null && q('#bt-status').textContent !== ''`)

	t.Log("wrong password, then log in")
	a.Click(".bt-account .bt-login")
	a.Type("#bt-f-login", readerName)
	a.Type("#bt-f-password", "not the password")
	a.Click(".bt-dialog button[type=submit]")
	a.Wait("wrong password message", `q('.bt-dialog .bt-form-error').textContent.includes('Wrong')`)
	if role := Eval[string](a, `document.querySelector('.bt-dialog .bt-form-error').getAttribute('role')`); role != "alert" {
		t.Errorf("dialog error role = %q, want alert (a live region)", role)
	}
	a.Type("#bt-f-password", readerPass)
	a.Click(".bt-dialog button[type=submit]")
	a.Wait("logged in", `q('.bt-account-name') !== null && !q('dialog.bt-dialog').open`)

	t.Log("like, reload, unlike, like again")
	a.Click(".bt-like-button")
	a.Wait("liked", likeState+` === 'true/1'`)
	// innerText leaves out the hidden word: what a sighted reader sees.
	if text := Eval[string](a, `q('.bt-like-button').innerText.trim()`); text != "Liked" {
		t.Errorf("a pressed like button reads %q, want Liked", text)
	}
	// The widget shows a like at once, before its PUT is answered: reload
	// only once the server has it, or the new page may read the old count.
	harness.WaitFor(t, 30*time.Second, "like stored", func() error {
		if body, err := get(dep.API + "/api/page?id=" + tipID); err != nil || !strings.Contains(body, `"likes":1`) {
			return fmt.Errorf("like not stored: %v %s", err, body)
		}
		return nil
	})
	a.Open(tip)
	a.Wait("like kept after reload", `q('.bt-account-name') && `+likeState+` === 'true/1'`)
	a.Click(".bt-like-button")
	a.Wait("unliked", likeState+` === 'false/0' && q('.bt-like-button').innerText.trim() === 'Like'`)
	a.Click(".bt-like-button")
	a.Wait("liked again", likeState+` === 'true/1'`)

	t.Log("comment")
	a.Wait("comment form", `document.querySelector('.bt-composer textarea') !== null`)
	a.Type(".bt-composer textarea", "First **comment** from alice")
	a.Click(".bt-composer button[type=submit]")
	a.Wait("comment shown", `qa('.bt-comment-list > .bt-comment > article .bt-comment-body strong').some((e) => e.textContent === 'comment') && q('.bt-comment-count').textContent === '1'`)
	// A new comment says how recent it is; the exact time (the pages'
	// long date, and the hour) is its title.
	when := Eval[[]string](a, `(t => [t.textContent, t.title])(q('.bt-comment-meta time'))`)
	if !regexp.MustCompile(`minute|now`).MatchString(when[0]) || !regexp.MustCompile(`\d{4}.*\d:\d\d`).MatchString(when[1]) {
		t.Errorf("a new comment's date reads %q with title %q, want a relative time and the exact one", when[0], when[1])
	}

	t.Log("reply")
	a.Click(".bt-comment-list > .bt-comment button[data-act=reply]")
	a.Wait("reply form focused", `document.activeElement.matches('.bt-comment-slot textarea')`)
	a.Type(".bt-comment-slot textarea", "A reply")
	a.Click(".bt-comment-slot button[type=submit]")
	a.Wait("reply threaded under its parent", `(q('.bt-comment-list > .bt-comment .bt-replies > .bt-comment .bt-comment-body') || {textContent: ''}).textContent.includes('A reply') && q('.bt-comment-count').textContent === '2'`)

	t.Log("edit the reply")
	a.Click(".bt-replies button[data-act=edit]")
	a.Wait("edit form holds the Markdown, actions hidden", `document.activeElement.matches('.bt-replies .bt-comment-slot textarea') && document.activeElement.value === 'A reply' && q('.bt-replies .bt-comment-actions').offsetParent === null`)
	a.Type(".bt-replies .bt-comment-slot textarea", "An edited reply")
	a.Click(".bt-replies .bt-comment-slot button[type=submit]")
	a.Wait("edited", `q('.bt-replies .bt-comment-body').textContent.includes('An edited reply') && q('.bt-replies .bt-comment-edited') !== null`)

	t.Log("delete the reply")
	a.Click(".bt-replies button[data-act=delete]")
	a.Wait("confirmation focused", `document.activeElement.matches('.bt-confirm .bt-danger')`)
	a.Click(".bt-confirm .bt-danger")
	a.Wait("deleted placeholder", `q('.bt-replies .bt-comment-deleted') !== null && q('.bt-comment-count').textContent === '1' && !`+commentText+`.includes('An edited reply')`)

	t.Log("hostile comment renders inert")
	a.Paste(".bt-composer textarea", strings.Join(xssPayloads, "\n\n")+"\n\n"+xssMarker)
	a.Click(".bt-composer button[type=submit]")
	a.Wait("hostile comment shown", commentText+`.includes('`+xssMarker+`')`)
	assertInert(t, a)
	a.Open(tip)
	a.Wait("hostile comment loaded from the API", commentText+`.includes('`+xssMarker+`')`)
	assertInert(t, a)

	t.Log("reader review")
	a.Open(dep.Site + "/countries/japan/")
	a.Wait("review form", `document.querySelector('.bt-review-form-body form') !== null`)
	a.Type(".bt-review input[name=title]", "Loved the trains")
	// The rating is drawn as stars over the radios: a click on the fourth
	// star fills four, and the radios keep the keyboard (arrows move).
	a.Click(".bt-review .bt-rating label:nth-of-type(4)")
	stars := `qa('.bt-rating label').map((l) => getComputedStyle(l, '::before').content).join('')`
	a.Wait("four stars of five", stars+` === '"★""★""★""★""☆"'`)
	a.Key(kb.ArrowRight)
	a.Wait("arrow right: five stars", `q('.bt-review input[name=rating]:checked').value === '5' && `+stars+` === '"★""★""★""★""★"'`)
	a.Type(".bt-review textarea[name=body]", "Fast, clean and **on time**.")
	a.Click(".bt-review button[type=submit]")
	a.Wait("link to the new review", `q('.bt-review-done a') && /^\/countries\/japan\/reviews\/u-\d+\/$/.test(q('.bt-review-done a').getAttribute('href'))`)
	href := Eval[string](a, `document.querySelector('.bt-review-done a').getAttribute('href')`)
	harness.WaitFor(t, 30*time.Second, "reader review page "+href, func() error {
		return pageContains(dep.Site+href, "Loved the trains")
	})

	t.Log("log out")
	a.Click(".bt-logout")
	a.Wait("logged out", `q('.bt-account .bt-login') !== null && q('.bt-like-button').getAttribute('aria-pressed') === 'false'`)
	a.NoExceptions()

	t.Log("a second reader sees the counts and the thread")
	b := NewTab(t, browser, initScripts...)
	b.Open(tip)
	b.Wait("counts", likeState+` === 'false/1' && q('.bt-comment-count').textContent === '2'`)
	b.Wait("thread", commentText+`.includes('First comment') && `+commentText+`.includes('`+xssMarker+`')`)
	b.Open(dep.Site + "/countries/japan/tips/")
	b.Wait("list counts", `(it => it && it.querySelector('.bt-item-likes').textContent === '1' && it.querySelector('.bt-item-comments').textContent === '2')(qa('.bt-item').find((e) => e.dataset.page === '`+tipID+`'))`)

	t.Log("the static list is rebuilt with the new counts")
	harness.WaitFor(t, 30*time.Second, "rebuilt /countries/japan/tips/", func() error {
		body, err := get(dep.Site + "/countries/japan/tips/")
		if err != nil {
			return err
		}
		if n := harness.ListedLikes(body, tipID); n != "1" {
			return fmt.Errorf("like count baked into the list: %q, want 1", n)
		}
		return nil
	})

	t.Log("rate-limited login")
	limited := false
	for i := 0; i < 15 && !limited; i++ {
		status := postLogin(t, dep.API, "mallory", "wrong password")
		t.Logf("failed login %d: %d", i+1, status)
		switch status {
		case http.StatusTooManyRequests:
			limited = true
		case http.StatusUnauthorized:
		default:
			t.Fatalf("failed login %d: status %d", i+1, status)
		}
	}
	if !limited {
		t.Fatal("15 failed logins from one IP were never rate limited")
	}
	// The buckets refill continuously (10 per minute): the loop's last 429
	// may have come with 0.95 of a token left, so the next attempt can pass.
	// Failing in the dialog spends what refilled until the limit shows.
	b.Click(".bt-account .bt-login")
	b.Type("#bt-f-login", "mallory")
	b.Type("#bt-f-password", "wrong password")
	for i := 0; ; i++ {
		Eval[bool](b, `(q('.bt-dialog .bt-form-error').textContent = '', true)`)
		b.Click(".bt-dialog button[type=submit]")
		b.Wait("an answer to the login", `q('.bt-dialog .bt-form-error').textContent !== '' && !q('.bt-dialog button[type=submit]').disabled`)
		if strings.Contains(b.Text(".bt-dialog .bt-form-error"), "Too many attempts") {
			break
		}
		if i == 5 {
			t.Fatalf("no rate limit message after %d more failed logins: %q", i+1, b.Text(".bt-dialog .bt-form-error"))
		}
	}
	if msg := b.Text(".bt-dialog .bt-form-error"); !regexp.MustCompile(`\d+ seconds`).MatchString(msg) {
		t.Errorf("rate limit message %q does not say how long to wait (Retry-After)", msg)
	}
	b.NoExceptions()
}

// assertInert checks the rendered comments, after a positive control
// proves that a handler injected the same way would have fired by now (or
// that the page's CSP blocked it).
func assertInert(t *testing.T, tab *Tab) {
	t.Helper()
	Eval[bool](tab, `(() => {
	  window.__control = 0;
	  document.addEventListener('securitypolicyviolation', () => { window.__cspBlocked = true; });
	  const d = document.createElement('div');
	  d.innerHTML = '<img src="x-control-' + Date.now() + '" onerror="window.__control = 1">';
	  document.body.append(d);
	  return true;
	})()`)
	tab.Wait("control handler (or CSP report)", `window.__control === 1 || window.__cspBlocked === true`)
	if problems := Eval[[]string](tab, inertCheck); len(problems) > 0 {
		t.Errorf("hostile comment is not inert:\n%s", strings.Join(problems, "\n"))
	}
}

func get(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(b), nil
}

func pageContains(url, want string) error {
	body, err := get(url)
	if err != nil {
		return err
	}
	if !strings.Contains(body, want) {
		return fmt.Errorf("%s does not contain %q", url, want)
	}
	return nil
}

func postLogin(tb testing.TB, api, login, password string) int {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	resp, err := http.Post(api+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
