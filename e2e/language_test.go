package e2e

import (
	"fmt"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestKoreanWidget builds the site in Korean: the widget speaks it.
func TestKoreanWidget(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
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
