package e2e

import (
	"fmt"
	"testing"
)

// TestJourneyServe runs the journey against `beforetrip serve`: site and
// API on one port.
func TestJourneyServe(t *testing.T) {
	browser := NewBrowser(t)
	port := FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	site := NewSite(t, SiteOptions{BaseURL: base + "/", APIAddr: "127.0.0.1:8080"})
	site.StartServe(t, port)
	// serve's live reload reloads a tab whenever a build rewrites its page,
	// and every reader review rebuilds its country page: a reload in the middle of
	// a step would lose what the reader is typing. Live reload has its own
	// tests (package live); here the page never opens its event stream.
	journey(t, browser, deployment{Site: base, API: base}, `delete window.EventSource;`)
}

// TestJourneyNginx runs the journey against production: Debian's nginx
// with deploy/nginx.conf serving a site built by `beforetrip build` and
// proxying /api/ to `beforetrip api`, which rebuilds the site.
func TestJourneyNginx(t *testing.T) {
	MustNginx(t)
	browser := NewBrowser(t)
	apiPort := FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080",
		TrustedProxies: []string{"127.0.0.1"}})
	site.Build(t)
	site.StartAPI(t, apiPort)
	base := StartNginx(t, site.Out, apiPort)
	journey(t, browser, deployment{Site: base, API: base})
}

// TestJourneyCrossOrigin runs the journey with the pages on one origin (a
// plain static file server) and the API on another:
//   - cross-site: pages on http://127.0.0.1:A, API on http://localhost:B.
//     The cookies are third-party: SameSite=None; Secure (Chromium treats
//     http://localhost as a secure context), and the page cannot read the
//     API's bt_csrf cookie, so the CSRF token comes from the response header.
//   - same-site: pages and API on 127.0.0.1, different ports (like
//     www.example.com and api.example.com): first-party Lax cookies, the
//     setup docs/deploy.md recommends.
func TestJourneyCrossOrigin(t *testing.T) {
	tests := []struct {
		name, apiHost string
		crossSite     bool
	}{
		{"cross-site", "localhost", true},
		{"same-site", "127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			browser := NewBrowser(t)
			apiPort, sitePort := FreePort(t), FreePort(t)
			siteOrigin := fmt.Sprintf("http://127.0.0.1:%d", sitePort)
			apiOrigin := fmt.Sprintf("http://%s:%d", tt.apiHost, apiPort)
			site := NewSite(t, SiteOptions{BaseURL: siteOrigin + "/", APIAddr: "127.0.0.1:8080",
				APIOrigin: apiOrigin, CORSOrigins: []string{siteOrigin}, CrossSite: tt.crossSite})
			site.Build(t)
			site.StartAPI(t, apiPort)
			serveStatic(t, site.Out, sitePort)
			journey(t, browser, deployment{Site: siteOrigin, API: fmt.Sprintf("http://127.0.0.1:%d", apiPort)})
		})
	}
}
