package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
)

// deploy/nginx.conf's optional setups, each in front of an upstream that
// echoes the request headers it got: the widget's API on another origin,
// and HTTPS as certbot would turn it on.

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
