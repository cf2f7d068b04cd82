package e2e

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// TestNginxConfig runs deploy/nginx.conf in Debian's nginx in front of a
// real `beforetrip api` and a site built by `beforetrip build`, and checks
// what the config promises: caching, gzip, security headers, the 404 page,
// dotfile denial and the /api/ proxy. It is long because every case runs
// against the one build, api and nginx it starts: a start per case would
// multiply its time.
func TestNginxConfig(t *testing.T) {
	harness.MustNginx(t)
	apiPort := harness.FreePort(t)
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:0",
		TrustedProxies: []string{"127.0.0.1"}})
	site.Build(t)
	api := site.StartAPI(t, apiPort)
	base := harness.StartNginx(t, site.Out, apiPort)

	css := fingerprinted(t, site.Out, "css", "main")
	js := fingerprinted(t, site.Out, "js", "widget")
	img, _ := filepath.Glob(filepath.Join(site.Out, "media", "*.svg"))
	if len(img) != 1 {
		t.Fatalf("want the country cover in img/, got %v", img)
	}
	trips, _ := filepath.Glob(filepath.Join(site.Out, "offline", "japan.*.json"))
	if len(trips) != 1 {
		t.Fatalf("want japan's offline list in offline/, got %v", trips)
	}
	notFound, err := os.ReadFile(filepath.Join(site.Out, "404.html"))
	if err != nil {
		t.Fatal(err)
	}

	security := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "DENY",
	}
	tests := []struct {
		name        string
		path        string
		header      map[string]string // request headers
		status      int
		want        map[string]string // response headers, exact
		contains    map[string]string // response headers, substring
		body        string            // substring of the (decoded) body
		notBody     string
		noSecHeader bool
	}{
		{name: "home", path: "/", status: 200,
			want:     map[string]string{"Cache-Control": "public, max-age=0, must-revalidate", "Content-Type": "text/html; charset=utf-8"},
			contains: map[string]string{"Content-Security-Policy": "frame-ancestors 'none'"},
			body:     `name="bt-api"`},
		{name: "csp allows only self", path: "/", status: 200,
			contains: map[string]string{"Content-Security-Policy": "script-src 'self';"}},
		{name: "country page", path: "/countries/japan/", status: 200, body: "bt-like"},
		{name: "korean slug", path: "/countries/south-korea/tips/%EA%B5%90%ED%86%B5%EC%B9%B4%EB%93%9C/", status: 200},
		{name: "fingerprinted css cached forever", path: css, status: 200,
			want: map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}, contains: map[string]string{"Content-Type": "text/css"}},
		{name: "fingerprinted js cached forever", path: js, status: 200,
			want: map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}, contains: map[string]string{"Content-Type": "javascript"}},
		{name: "content image cached forever", path: "/media/" + filepath.Base(img[0]), status: 200,
			want: map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}, contains: map[string]string{"Content-Type": "image/svg+xml"}},
		// Offline reading: the worker is asked for on every check, so a new
		// build's worker is found at once; the lists it names never change.
		{name: "service worker never cached", path: "/sw.js", status: 200,
			want: map[string]string{"Cache-Control": "no-cache"}, contains: map[string]string{"Content-Type": "javascript"}, body: "var BT = "},
		{name: "offline list cached forever", path: "/offline/" + filepath.Base(trips[0]), status: 200,
			want: map[string]string{"Cache-Control": "public, max-age=31536000, immutable"}, contains: map[string]string{"Content-Type": "application/json"}},
		{name: "web app manifest", path: "/manifest.webmanifest", status: 200,
			want:     map[string]string{"Cache-Control": "public, max-age=0, must-revalidate", "Content-Type": "application/manifest+json; charset=utf-8"},
			contains: map[string]string{"Content-Security-Policy": "default-src 'self'"}, body: `"theme_color"`},
		{name: "feed short cache", path: "/feed.xml", status: 200, want: map[string]string{"Cache-Control": "public, max-age=300"}},
		{name: "gzip", path: "/", header: map[string]string{"Accept-Encoding": "gzip"}, status: 200,
			want: map[string]string{"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}, body: "<html"},
		{name: "gzip js", path: js, header: map[string]string{"Accept-Encoding": "gzip"}, status: 200,
			want: map[string]string{"Content-Encoding": "gzip"}, body: "bt-api"},
		{name: "404 page", path: "/no/such/page/", status: 404, body: string(notFound)},
		{name: "a folder without a page is the 404 page, not nginx's 403", path: "/css/", status: 404, body: string(notFound)},
		{name: "no favicon is not an error", path: "/favicon.ico", status: 204},
		{name: "manifest denied", path: "/" + ".beforetrip-pages.json", status: 404, notBody: `"pages"`},
		{name: "any dotfile denied", path: "/countries/.hidden", status: 404},
		{name: "api proxied", path: "/api/healthz", status: 200, contains: map[string]string{"X-Request-Id": ""}},
		{name: "unknown api path is the API's JSON 404", path: "/api/no-such-thing", status: 404,
			contains: map[string]string{"Content-Type": "application/json"}, body: `"not_found"`},
		{name: "api counts", path: "/api/pages?ids=countries/japan", status: 200, body: `"countries/japan"`},
		{name: "api counts of 100 long IDs", path: "/api/pages?ids=" + longIDs(100), status: 200, body: `"pages"`},
		// Issue 12: nginx replaced the API's CSP with the site's.
		{name: "api keeps its own CSP", path: "/api/healthz", status: 200,
			want: map[string]string{"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip, no redirects
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body := readBody(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, tt.status, body)
			}
			for k, v := range tt.want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for k, v := range tt.contains {
				if got := resp.Header.Get(k); got == "" || !strings.Contains(got, v) {
					t.Errorf("%s = %q, want it to contain %q", k, got, v)
				}
			}
			for k, v := range security {
				if k == "Referrer-Policy" && strings.HasPrefix(tt.path, "/api/") {
					v = "no-referrer" // the API's own headers pass through
				}
				if got := resp.Header.Values(k); len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want once %q", k, got, v)
				}
			}
			if tt.body != "" && !strings.Contains(body, tt.body) {
				t.Errorf("body does not contain %q: %.300s", tt.body, body)
			}
			if tt.notBody != "" && strings.Contains(body, tt.notBody) {
				t.Errorf("body contains %q", tt.notBody)
			}
		})
	}

	// Without an API origin the page may connect to itself only, and
	// images come from the site (reader images on other hosts are links).
	t.Run("csp directives", func(t *testing.T) {
		resp, err := http.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for name, want := range map[string]string{"connect-src": "'self'", "img-src": "'self' data:",
			"script-src": "'self'", "default-src": "'self'"} {
			if got := cspDirective(csp, name); got != want {
				t.Errorf("%s = %q, want %q (CSP %q)", name, got, want, csp)
			}
		}
	})

	t.Run("redirect to slash is relative", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/countries/japan", nil)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/countries/japan/" {
			t.Errorf("got %d Location %q, want 301 /countries/japan/", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("revalidation", func(t *testing.T) {
		resp, err := http.Get(base + "/countries/japan/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		req, _ := http.NewRequest("GET", base+"/countries/japan/", nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusNotModified {
			t.Errorf("conditional GET: status %d, want 304", resp2.StatusCode)
		}
	})

	// nginx overwrites a forged X-Forwarded-For with the real peer, and the
	// API (trusting 127.0.0.1) logs that peer, not the forged address.
	t.Run("forwarded for", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/api/healthz", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.66")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		rid := resp.Header.Get("X-Request-Id")
		if rid == "" {
			t.Fatal("no X-Request-ID from the API")
		}
		var line string
		harness.WaitFor(t, 5*time.Second, "API log line of "+rid, func() error {
			for _, l := range strings.Split(api.Log(), "\n") {
				if strings.Contains(l, rid) {
					line = l
					return nil
				}
			}
			return errNotYet
		})
		if strings.Contains(line, "203.0.113.66") || !strings.Contains(line, "127.0.0.1") {
			t.Errorf("API log line %q: want client ip 127.0.0.1, not the forged one", line)
		}
	})
}

// tinySite returns a public folder with just an index.html.
func tinySite(tb testing.TB) string {
	tb.Helper()
	public := tb.TempDir()
	if err := os.WriteFile(filepath.Join(public, "index.html"), []byte("<!doctype html><title>x</title>"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return public
}

// cspDirective returns the value of the named directive of a
// Content-Security-Policy, spaces normalized, or "" when it is absent.
func cspDirective(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == name {
			return strings.Join(f[1:], " ")
		}
	}
	return ""
}

// fingerprinted returns the URL path of public/<dir>/<name>.<hash>.<dir>.
func fingerprinted(tb testing.TB, public, dir, name string) string {
	tb.Helper()
	re := regexp.MustCompile(`^` + name + `\.[0-9a-f]{8,}\.` + dir + `$`)
	entries, err := os.ReadDir(filepath.Join(public, dir))
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if re.MatchString(e.Name()) {
			return "/" + dir + "/" + e.Name()
		}
	}
	tb.Fatalf("no fingerprinted %s.<hash>.%s in %s/%s", name, dir, public, dir)
	return ""
}

func readBody(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			tb.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// longIDs returns n distinct percent-encoded Korean page IDs joined by
// commas: about 6 KB for 100, the most the widget puts in one URL.
func longIDs(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = url.QueryEscape(fmt.Sprintf("countries/south-korea/tips/교통카드-%d", i))
	}
	return strings.Join(ids, ",")
}
