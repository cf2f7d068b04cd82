package e2e

import (
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
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
// content, the checklist (every passport's entry rule in a <details>, the
// select that needs the script hidden) and the lists' baked counts are there, the like
// button stays hidden, the page shows no counts of its own (the widget
// fills them in), the comments section explains itself and the review form
// section (a heading over an empty box without the widget) is not shown.
func TestReadableWithoutJavaScript(t *testing.T) {
	browser := NewBrowser(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080"})
	site.Build(t)
	base := serveStatic(t, site.Out, harness.FreePort(t))
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
		{tipPath, `q('.bt-like-count').textContent === '' && q('.bt-comment-count').textContent === ''`},
		{tipPath, `q('#comments').innerText.includes('JavaScript')`},
		{tipPath, `q('.bt-account').children.length === 0 && q('.bt-comments-body').children.length === 0`},
		{"/countries/japan/", `q('.checklist').innerText.includes('Tokyo') && q('.checklist').innerText.includes('110')`},
		{"/countries/japan/", `getComputedStyle(q('.passport-pick')).visibility === 'hidden' && qa('.entry-all [data-passport]').length === 5 && q('.entry-picked').innerText.includes('Other passports')`},
		{"/countries/japan/", `(q('.entry-all').open = true, q('.entry-all').innerText.includes('UK citizens may apply in Japan to extend to 6 months'))`},
		{"/countries/japan/", `q('.bt-review-form') !== null && q('.bt-review-form').offsetParent === null && !document.body.innerText.includes('Write a review')`},
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
