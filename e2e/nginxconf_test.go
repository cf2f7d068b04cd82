package e2e

import (
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
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

// TestNginxAPIOrigin runs deploy/nginx.conf with $bt_api_origin set, as for
// a widget whose API is on another origin, in front of an upstream that
// echoes the request headers it got: the CSP lets pages connect to exactly
// their own origin and the API's, and /api/ requests reach the upstream
// with nginx's X-Forwarded-* headers, not the client's.
func TestNginxAPIOrigin(t *testing.T) {
	harness.MustNginx(t)
	const apiOrigin = "https://api.example.com"
	public, apiPort := tinySite(t), echoUpstream(t)
	base := harness.StartNginx(t, public, apiPort,
		[2]string{`set $bt_api_origin "";`, `set $bt_api_origin "` + apiOrigin + `";`})

	for _, path := range []string{"/", "/no/such/page"} {
		t.Run("csp "+path, func(t *testing.T) {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			csps := resp.Header.Values("Content-Security-Policy")
			if len(csps) != 1 {
				t.Fatalf("Content-Security-Policy = %q, want exactly one", csps)
			}
			if got, want := cspDirective(csps[0], "connect-src"), "'self' "+apiOrigin; got != want {
				t.Errorf("connect-src = %q, want %q (CSP %q)", got, want, csps[0])
			}
			if got, want := cspDirective(csps[0], "img-src"), "'self' data:"; got != want {
				t.Errorf("img-src = %q, want %q", got, want)
			}
		})
	}

	// The API's answers keep the API's own CSP (the upstream's here).
	t.Run("csp /api/healthz", func(t *testing.T) {
		resp, err := http.Get(base + "/api/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csps := resp.Header.Values("Content-Security-Policy"); len(csps) != 1 || csps[0] != "default-src 'none'" {
			t.Fatalf("Content-Security-Policy = %q, want the upstream's only", csps)
		}
	})

	t.Run("forwarded headers", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/api/pages?ids=x", nil)
		// Forged by the client: nginx must overwrite them all.
		req.Header.Set("X-Forwarded-For", "203.0.113.66")
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Real-IP", "203.0.113.66")
		req.Header.Set("X-Request-ID", "forged")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		got := decodeHeader(t, resp)
		rid := got.Values("X-Request-Id")
		if len(rid) != 1 || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(rid[0]) {
			t.Errorf("upstream X-Request-ID = %q, want one nginx $request_id", rid)
		}
		for k, want := range map[string]string{
			"X-Forwarded-Proto": "http", // $scheme of the client's connection to nginx
			"X-Forwarded-For":   "127.0.0.1",
			"X-Real-Ip":         "127.0.0.1",
			"Host":              "127.0.0.1", // $host: the name, without the port
		} {
			if v := got.Values(k); len(v) != 1 || v[0] != want {
				t.Errorf("upstream %s = %q, want %q", k, v, want)
			}
		}
	})
}

// TestNginxHTTPS turns on the "#https" lines of deploy/nginx.conf, with a
// self-signed certificate in place of certbot's: HTTPS serves the site over
// HTTP/2 with HSTS and tells the API X-Forwarded-Proto: https, and plain
// HTTP redirects to it except for certbot's challenges.
func TestNginxHTTPS(t *testing.T) {
	harness.MustNginx(t)
	conf, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	tlsPort := harness.FreePort(t)
	cert, key, pool := selfSigned(t)
	replace := [][2]string{
		{"#https listen 443 ssl http2;", fmt.Sprintf("listen 127.0.0.1:%d ssl http2;", tlsPort)},
		{"#https ssl_certificate     /etc/letsencrypt/live/example.com/fullchain.pem;", "ssl_certificate " + cert + ";"},
		{"#https ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;", "ssl_certificate_key " + key + ";"},
		{"#https ssl_protocols", "ssl_protocols"},
		{"#https ssl_session_cache", "ssl_session_cache"},
		{"#https add_header Strict-Transport-Security", "add_header Strict-Transport-Security"},
		{"#https if ($bt_to_https)", "if ($bt_to_https)"},
	}
	// Every "#https" line is turned on: a new one needs a line above.
	if n := regexp.MustCompile(`(?m)^\s*#https `).FindAll(conf, -1); len(n) != len(replace) {
		t.Fatalf("deploy/nginx.conf has %d #https lines, the test turns on %d", len(n), len(replace))
	}
	base := harness.StartNginx(t, tinySite(t), echoUpstream(t), replace...)
	tlsBase := fmt.Sprintf("https://127.0.0.1:%d", tlsPort)
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	get := func(t *testing.T, url string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	t.Run("http redirects", func(t *testing.T) {
		resp := get(t, base+"/countries/?a=1")
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || loc != "https://127.0.0.1/countries/?a=1" {
			t.Errorf("got %d Location %q, want 301 https://127.0.0.1/countries/?a=1", resp.StatusCode, loc)
		}
	})
	t.Run("certbot challenge stays on http", func(t *testing.T) {
		if resp := get(t, base+"/.well-known/acme-challenge/no-such-token"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404 from the webroot (not a redirect)", resp.StatusCode)
		}
	})
	t.Run("https page", func(t *testing.T) {
		resp := get(t, tlsBase+"/")
		if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 {
			t.Errorf("got %d over %s, want 200 over HTTP/2", resp.StatusCode, resp.Proto)
		}
		if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("Strict-Transport-Security = %q", got)
		}
		if got := cspDirective(resp.Header.Get("Content-Security-Policy"), "connect-src"); got != "'self'" {
			t.Errorf("connect-src = %q, want 'self'", got)
		}
	})
	t.Run("https api", func(t *testing.T) {
		resp := get(t, tlsBase+"/api/healthz", "X-Forwarded-Proto", "http")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if got := decodeHeader(t, resp).Values("X-Forwarded-Proto"); len(got) != 1 || got[0] != "https" {
			t.Errorf("upstream X-Forwarded-Proto = %q, want https", got)
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

// echoUpstream starts an HTTP server that answers every request with the
// request's headers as JSON (Host included), and returns its port.
func echoUpstream(tb testing.TB) int {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Security-Policy", "default-src 'none'") // kept by nginx for /api/
		h := r.Header.Clone()
		h.Set("Host", r.Host)
		_ = json.NewEncoder(w).Encode(h)
	}))
	tb.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

// decodeHeader reads the headers echoed by echoUpstream.
func decodeHeader(tb testing.TB, resp *http.Response) http.Header {
	tb.Helper()
	var h http.Header
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		tb.Fatalf("echoed headers: %v", err)
	}
	return h
}

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files
// and returns their paths and a pool that trusts the certificate.
func selfSigned(tb testing.TB) (cert, key string, pool *x509.CertPool) {
	tb.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	cert, key = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(cert, certPEM, 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		tb.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return cert, key, pool
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
