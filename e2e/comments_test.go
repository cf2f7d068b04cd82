package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestCommentPaging loads a thread over two pages of results: the newest
// page holds a reply whose parent is on the next page. The reply shows
// first on its own, then moves under its parent when "More comments"
// loads it; top-level comments stay newest first.
func TestCommentPaging(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080"})
	site.StartServe(t, port)
	token := bearer(t, base, "pager")
	post := func(body string, parent uint64) uint64 {
		req := map[string]any{"page": tipID, "body": body}
		if parent != 0 {
			req["parent_id"] = parent
		}
		var r struct {
			Comment struct {
				ID uint64 `json:"id"`
			} `json:"comment"`
		}
		if err := json.Unmarshal(apiCall(t, base, token, "POST", "/api/comments", req, http.StatusCreated), &r); err != nil {
			t.Fatal(err)
		}
		return r.Comment.ID
	}
	parent := post("the oldest comment", 0)
	for i := 1; i <= 55; i++ {
		post("comment "+strconv.Itoa(i), 0)
	}
	reply := post("a late reply to the oldest", parent)

	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	tab.Wait("first page", `qa('.bt-comment').length === 50 && q('.bt-more button') !== null`)
	if got := tab.Text(".bt-comment-list > .bt-comment:first-child .bt-comment-body"); got != "a late reply to the oldest" {
		t.Errorf("first shown %q, want the reply (newest) on its own while its parent is not loaded", got)
	}
	tab.Click(".bt-more button")
	tab.Wait("second page, focus on its first comment", `qa('.bt-comment').length === 57 && q('.bt-more button') === null && document.activeElement.matches('.bt-comment-article')`)
	if !Eval[bool](tab, fmt.Sprintf(`q('#comment-%d > .bt-replies > #comment-%d') !== null`, parent, reply)) {
		t.Error("the reply did not move under its parent")
	}
	order := Eval[[]string](tab, `qa('.bt-comment-list > .bt-comment > article .bt-comment-body').map((e) => e.textContent.trim())`)
	if len(order) != 56 || order[0] != "comment 55" || order[54] != "comment 1" || order[55] != "the oldest comment" {
		t.Errorf("top-level order: %d comments, first %q, last %q; want 56, newest first", len(order), first(order), last(order))
	}
	if got := tab.Text(".bt-comment-count"); got != "57" {
		t.Errorf("comment count %q, want 57", got)
	}
	tab.NoExceptions()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// TestOthersCommentsReadOnly shows a reader's thread to another reader:
// they may reply to anyone's comment but see edit and delete only on their
// own, and Report only on others'.
func TestOthersCommentsReadOnly(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080"})
	site.StartServe(t, port)
	token := bearer(t, base, "first")
	apiCall(t, base, token, "POST", "/api/comments", map[string]any{"page": tipID, "body": "written by first"}, http.StatusCreated)

	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + tipPath)
	registerInWidget(tab, "second")
	tab.Type(".bt-composer textarea", "written by second")
	tab.Click(".bt-composer button[type=submit]")
	tab.Wait("both comments", `qa('.bt-comment').length === 2`)

	// acts lists the actions offered on the comment whose body is text.
	acts := func(text string) string {
		return Eval[string](tab, `(() => { const li = qa('.bt-comment').find((e) => e.querySelector('.bt-comment-body').textContent.includes('`+text+`'));
  return li ? [...li.querySelectorAll('.bt-comment-actions button')].map((b) => b.dataset.act).join(',') : 'missing'; })()`)
	}
	check := func(when string) {
		t.Helper()
		if got := acts("written by first"); got != "reply,report" {
			t.Errorf("%s: actions on another reader's comment %q, want reply,report", when, got)
		}
		if got := acts("written by second"); got != "reply,edit,delete" {
			t.Errorf("%s: actions on the reader's own comment %q, want reply,edit,delete", when, got)
		}
	}
	check("after posting")
	tab.Open(base + tipPath)
	tab.Wait("thread loaded for the logged-in reader", `q('.bt-account-name') !== null && qa('.bt-comment').length === 2`)
	check("after reload")
	tab.NoExceptions()
}

// TestCommentDatesInSiteLanguage: a Korean tip in the English site is
// lang=ko, but its comments' dates are the site's, as the page's own date
// is: English relative time and an English exact time on hover (they took
// <html lang> and came out in Korean).
func TestCommentDatesInSiteLanguage(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080", Content: filepath.Join(repoRoot, "content")})
	site.StartServe(t, port)
	token := bearer(t, base, "dater")
	apiCall(t, base, token, "POST", "/api/comments", map[string]any{"page": koTip, "body": "수고하셨습니다"}, http.StatusCreated)

	tab := NewTab(t, browser, `delete window.EventSource;`)
	tab.Open(base + "/" + koTip + "/")
	tab.Wait("the comment", `qa('.bt-comment time').length === 1`)
	if lang := Eval[string](tab, `document.documentElement.lang`); lang != "ko" {
		t.Fatalf("the Korean tip's <html lang> = %q, want ko", lang)
	}
	when := Eval[[]string](tab, `[q('.bt-comment time').textContent, q('.bt-comment time').title]`)
	hangul := regexp.MustCompile(`\p{Hangul}`)
	if hangul.MatchString(when[0]) || hangul.MatchString(when[1]) || !regexp.MustCompile(`\d{4}`).MatchString(when[1]) {
		t.Errorf("comment date %q, on hover %q: want English (the site's language) with the exact time", when[0], when[1])
	}
	tab.NoExceptions()
}
