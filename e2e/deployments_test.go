package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestJourneyServe runs the journey against `beforetrip serve`: site and
// API on one port.
func TestJourneyServe(t *testing.T) {
	browser := NewBrowser(t)
	port := harness.FreePort(t)
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
	harness.MustNginx(t)
	browser := NewBrowser(t)
	apiPort := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080",
		TrustedProxies: []string{"127.0.0.1"}})
	site.Build(t)
	site.StartAPI(t, apiPort)
	base := harness.StartNginx(t, site.Out, apiPort)
	journey(t, browser, deployment{Site: base, API: base})
}

// TestJourneyCrossOrigin runs the journey with the pages on one origin and
// the API on another:
//   - cross-site: pages on http://127.0.0.1:A (a plain static file server),
//     API on http://localhost:B. The cookies are third-party: SameSite=None;
//     Secure (Chromium treats http://localhost as a secure context), and the
//     page cannot read the API's bt_csrf cookie, so the CSRF token comes from
//     the response header.
//   - same-site: pages and API on 127.0.0.1, different ports (like
//     www.example.com and api.example.com): first-party Lax cookies, the
//     setup docs/deploy.md recommends.
//   - cross-site-nginx: as cross-site, but the pages come from Debian's
//     nginx with deploy/nginx.conf and its $bt_api_origin set to the API's
//     origin, so the production Content-Security-Policy (connect-src 'self'
//     and the API origin only) is in force while the browser talks to the
//     API directly, not through nginx's /api/ proxy. Any CSP violation in
//     the journey's tabs fails the test.
func TestJourneyCrossOrigin(t *testing.T) {
	tests := []struct {
		name, apiHost string
		crossSite     bool
		nginx         bool
	}{
		{"cross-site", "localhost", true, false},
		{"same-site", "127.0.0.1", false, false},
		{"cross-site-nginx", "localhost", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.nginx {
				harness.MustNginx(t)
			}
			browser := NewBrowser(t)
			apiPort, sitePort := harness.FreePort(t), harness.FreePort(t)
			siteOrigin := fmt.Sprintf("http://127.0.0.1:%d", sitePort)
			apiOrigin := fmt.Sprintf("http://%s:%d", tt.apiHost, apiPort)
			site := NewSite(t, SiteOptions{BaseURL: siteOrigin + "/", APIAddr: "127.0.0.1:8080",
				APIOrigin: apiOrigin, CORSOrigins: []string{siteOrigin}, CrossSite: tt.crossSite})
			site.Build(t)
			site.StartAPI(t, apiPort)
			var initScripts []string
			if tt.nginx {
				startNginxSite(t, site.Out, sitePort, apiPort, apiOrigin)
				assertCSPInForce(t, browser, siteOrigin, apiOrigin, apiPort)
				initScripts = append(initScripts, failOnCSPViolation)
			} else {
				serveStatic(t, site.Out, sitePort)
			}
			journey(t, browser, deployment{Site: siteOrigin, API: fmt.Sprintf("http://127.0.0.1:%d", apiPort)}, initScripts...)
		})
	}
}

// startNginxSite serves public with deploy/nginx.conf on 127.0.0.1:sitePort,
// its $bt_api_origin set to apiOrigin and its /api/ upstream the API on
// apiPort. The site's origin goes into the site's config (base_url,
// api.cors_origins) before nginx starts, and StartNginx picks its own port:
// the server gets a second listen on sitePort, with everything else the same.
func startNginxSite(tb testing.TB, public string, sitePort, apiPort int, apiOrigin string) {
	tb.Helper()
	harness.StartNginx(tb, public, apiPort,
		[2]string{`set $bt_api_origin "";`, `set $bt_api_origin "` + apiOrigin + `";`},
		[2]string{"server_name _;", fmt.Sprintf("server_name _; listen 127.0.0.1:%d;", sitePort)})
	// StartNginx waited for its own port; both listen in the same process,
	// but check the site's port too.
	harness.WaitFor(tb, 10*time.Second, "nginx on "+strconv.Itoa(sitePort), func() error {
		_, err := get(fmt.Sprintf("http://127.0.0.1:%d/", sitePort))
		return err
	})
}

// assertCSPInForce checks that the pages the journey opens carry exactly one
// Content-Security-Policy whose connect-src is the site itself and the API
// origin, and that Chromium enforces it: from the site, the API answers on
// apiOrigin, while the same API under another origin (127.0.0.1 instead of
// localhost), which its CORS setup would let through, is blocked by
// connect-src before any request is sent.
func assertCSPInForce(t *testing.T, browser context.Context, siteOrigin, apiOrigin string, apiPort int) {
	t.Helper()
	for _, path := range []string{"/", tipPath, "/countries/japan/"} {
		resp, err := http.Get(siteOrigin + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		csps := resp.Header.Values("Content-Security-Policy")
		if len(csps) != 1 {
			t.Fatalf("GET %s: Content-Security-Policy = %q, want exactly one", path, csps)
		}
		if got, want := cspDirective(csps[0], "connect-src"), "'self' "+apiOrigin; got != want {
			t.Fatalf("GET %s: connect-src = %q, want %q (CSP %q)", path, got, want, csps[0])
		}
		if got := cspDirective(csps[0], "script-src"); got != "'self'" {
			t.Fatalf("GET %s: script-src = %q, want 'self'", path, got)
		}
	}
	tab := NewTab(t, browser)
	tab.Open(siteOrigin + tipPath)
	other := fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	Eval[bool](tab, `(() => {
	  window.__csp = [];
	  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));
	  fetch('`+apiOrigin+`/api/healthz').then((r) => 'status ' + r.status, (e) => 'error ' + e).then((v) => { window.__allowed = v; });
	  fetch('`+other+`/api/healthz').then((r) => 'status ' + r.status, (e) => 'error ' + e).then((v) => { window.__blocked = v; });
	  return true;
	})()`)
	tab.Wait("both fetches settled", `window.__allowed !== undefined && window.__blocked !== undefined`)
	if got := Eval[string](tab, `window.__allowed`); got != "status 200" {
		t.Errorf("fetch %s/api/healthz from the site: %s, want status 200", apiOrigin, got)
	}
	if got := Eval[string](tab, `window.__blocked`); !strings.HasPrefix(got, "error ") {
		t.Errorf("fetch %s/api/healthz from the site: %s, want blocked by connect-src", other, got)
	}
	tab.Wait("the connect-src violation reported", `window.__csp.some((v) => v.startsWith('connect-src `+other+`'))`)
	if got := Eval[[]string](tab, `window.__csp`); len(got) != 1 {
		t.Errorf("CSP violations %q, want only the blocked fetch", got)
	}
	tab.NoExceptions()
}

// failOnCSPViolation is an init script that turns every CSP violation into
// an uncaught exception, which the journey's NoExceptions reports, except
// script-src-attr: assertInert's control injects an inline onerror handler
// on purpose, and takes the CSP blocking it as proof enough.
const failOnCSPViolation = `document.addEventListener('securitypolicyviolation', (e) => {
  if (e.effectiveDirective === 'script-src-attr') return;
  throw new Error('CSP violation: ' + e.effectiveDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`
