package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness/chromium"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// NewBrowser starts headless Chromium (chromium.Start, skipped when it is
// absent) in a 1280x900 window and returns its context; every Tab made
// from it shares the process. opts override the defaults (e.g. a
// phone-sized chromedp.WindowSize).
func NewBrowser(tb testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	tb.Helper()
	return chromium.Start(tb, append([]chromedp.ExecAllocatorOption{chromedp.WindowSize(1280, 900)}, opts...)...)
}

// Tab is one page in its own browser context (its own cookies and
// storage: one reader). It records uncaught JavaScript exceptions.
type Tab struct {
	tb  testing.TB
	ctx context.Context

	mu         sync.Mutex
	exceptions []string
}

// NewTab opens a tab in a new browser context of browser. Each init
// script runs in every document the tab loads, before the page's scripts.
func NewTab(tb testing.TB, browser context.Context, initScripts ...string) *Tab {
	tb.Helper()
	return newTab(tb, browser, []chromedp.ContextOption{chromedp.WithNewBrowserContext()}, initScripts)
}

// NewDefaultTab opens a tab in the browser's default context (a regular
// profile, where Chromium allows third-party cookies; new browser contexts
// are incognito-like and block them). Only one reader may use it.
func NewDefaultTab(tb testing.TB, browser context.Context, initScripts ...string) *Tab {
	tb.Helper()
	return newTab(tb, browser, nil, initScripts)
}

func newTab(tb testing.TB, browser context.Context, opts []chromedp.ContextOption, initScripts []string) *Tab {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(browser, opts...)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		tb.Fatalf("new tab: %v", err)
	}
	for _, src := range initScripts {
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
			cancel()
			tb.Fatalf("new tab: init script: %v", err)
		}
	}
	tab := &Tab{tb: tb, ctx: ctx}
	msgs := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException {
				tab.mu.Lock()
				tab.exceptions = append(tab.exceptions, m.Text)
				tab.mu.Unlock()
			}
		}
	}()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
	return tab
}

// Do runs actions with a time limit and fails the test (showing what the
// page shows) on error.
func (t *Tab) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 45*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.tb.Fatalf("%s: %v\n%s", what, err, t.debug())
	}
}

// withQ wraps a JavaScript expression so that it may use q(sel) and
// qa(sel) for document.querySelector and querySelectorAll (as an array).
func withQ(expr string) string {
	return `(() => { const q = (s) => document.querySelector(s); const qa = (s) => [...document.querySelectorAll(s)]; return (` + expr + `); })()`
}

// Wait polls the JavaScript expression (see withQ) until it is truthy (30 s
// at most).
func (t *Tab) Wait(what, expr string) {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 40*time.Second)
	defer cancel()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](withQ(expr),
			chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		// A poll that started while the page was still navigating may
		// find its JavaScript context gone (CDP error -32000, "Cannot find
		// context with specified id" or "Inspected target navigated or
		// closed"): poll again in the new document.
		if err != nil && navigatedAway(err) && time.Now().Before(deadline) {
			continue
		}
		if err != nil {
			t.tb.Fatalf("wait for %s (%s): %v\n%s", what, expr, err, t.debug())
		}
		return
	}
}

// navigatedAway tells whether err says the page's JavaScript context went
// away under a running evaluation (a navigation), not that it failed.
func navigatedAway(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// Eval evaluates expr (see withQ) and returns its value.
func Eval[T any](t *Tab, expr string) T {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](withQ(expr)))
	if err != nil {
		t.tb.Fatalf("eval %s: %v\n%s", expr, err, t.debug())
	}
	return v
}

// Text returns the trimmed textContent of the first element matching sel,
// "" if there is none.
func (t *Tab) Text(sel string) string {
	t.tb.Helper()
	return Eval[string](t, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent.trim()`, sel))
}

// Open navigates to url and waits until the widget has rendered the
// account box (it always does, logged in or not).
func (t *Tab) Open(url string) {
	t.tb.Helper()
	t.Do("open "+url, chromedp.Navigate(url))
	t.Wait("the widget", `document.querySelector('.bt-account button') !== null`)
}

// Type replaces the value of the field sel by typing text into it: once
// the field exists and takes the focus, each character is sent as key
// events. Not chromedp.SendKeys: in chromedp v0.23.0 it reads the node's
// attributes without the node's lock while DOM events update them, and
// the search box changes its attributes as one types (the race detector
// failed TestSearchKorean on it in CI).
func (t *Tab) Type(sel, text string) {
	t.tb.Helper()
	t.Wait(sel+" emptied and focused", fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.value = ''; e.focus(); return document.activeElement === e; })()`, sel))
	t.Do("type into "+sel, chromedp.KeyEvent(text))
}

// Paste replaces the value of the field sel by inserting text in one step,
// as pasting does (CDP Input.insertText). Type sends three key events per
// character: the journey's hostile comment took over 45 s that way on a
// loaded machine.
func (t *Tab) Paste(sel, text string) {
	t.tb.Helper()
	if !Eval[bool](t, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.value = ''; e.focus(); return document.activeElement === e; })()`, sel)) {
		t.tb.Fatalf("paste into %s: no such element, or it takes no focus\n%s", sel, t.debug())
	}
	ctx, cancel := context.WithTimeout(t.ctx, 45*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		t.tb.Fatalf("paste into %s: %v\n%s", sel, err, t.debug())
	}
}

// Click clicks the first element matching sel.
func (t *Tab) Click(sel string) {
	t.tb.Helper()
	t.Do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// Key sends one key (e.g. kb.Escape) to the focused element.
func (t *Tab) Key(key string) {
	t.tb.Helper()
	t.Do("key", chromedp.KeyEvent(key))
}

// NoExceptions fails if the page threw uncaught JavaScript exceptions.
func (t *Tab) NoExceptions() {
	t.tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.exceptions) > 0 {
		t.tb.Errorf("uncaught JavaScript exceptions:\n%s", strings.Join(t.exceptions, "\n"))
	}
}

func (t *Tab) debug() string {
	ctx, cancel := context.WithTimeout(t.ctx, 2*time.Second)
	defer cancel()
	page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" +
		"status: " + ((document.getElementById('bt-status') || {}).textContent || '') + "\n" +
		document.body.innerText.slice(0, 3000)`))
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("exceptions: %v\npage: %s", t.exceptions, page)
}
