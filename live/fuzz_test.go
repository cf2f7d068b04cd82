package live_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/live"
	"github.com/gofiber/fiber/v2"
)

// Markers that must never appear in a response: a file next to the site
// folder and the page manifest inside it.
const (
	fuzzSecret   = "SECRET-b7e2c41f-outside-the-site"
	fuzzManifest = "MANIFEST-5d21e8a0-never-served"
	fuzzLinked   = "LINKED-9a04f3c7-through-a-symlink"
)

// staticSeeds are ordinary and hostile request targets for FuzzStatic (more
// are in testdata/fuzz/FuzzStatic/).
var staticSeeds = []string{
	"/", "/index.html", "/countries/japan/", "/countries/japan", "/css/main.css", "/404.html",
	"/tags/%EB%A7%9B%EC%A7%91/", "/tags/%EB%A7%9B%EC%A7%91", "/tags/맛집/index.html", "/favicon.ico",
	"/nope", "/countries?x=1", "/../secret.txt", "/%2e%2e/secret.txt", "/.beforetrip-pages.json",
	"/escape/", "/leak.html",
}

// mustFuzzSite writes a small built site into root/site, a secret next to
// it and, in root/linked, a page that symlinks inside the site point to. It
// returns the site folder and every body a 200 may carry.
func mustFuzzSite(tb testing.TB) (site string, servable map[string]bool) {
	tb.Helper()
	root := tb.TempDir()
	site = filepath.Join(root, "site")
	files := map[string]string{
		"site/index.html":                 "<p>home</p>",
		"site/404.html":                   "<p>not here</p>",
		"site/countries/japan/index.html": "<p>japan</p>",
		"site/tags/맛집/index.html":         "<p>맛집</p>",
		"site/css/main.css":               "body{}",
		"site/.beforetrip-pages.json":     `{"pages":["` + fuzzManifest + `"]}`,
		"site/countries/.hidden.html":     fuzzManifest,
		"secret.txt":                      fuzzSecret,
		"linked/index.html":               fuzzLinked,
		"linked/page.html":                fuzzLinked,
	}
	servable = map[string]bool{}
	for name, data := range files {
		MustWrite(tb, filepath.Join(root, filepath.FromSlash(name)), data)
		if strings.HasPrefix(name, "site/") && !strings.Contains(data, fuzzManifest) {
			servable[data] = true
		}
	}
	// Static follows symlinks, as nginx does by default: the output folder
	// is trusted (SECURITY.md). So the links point at a folder holding no
	// secret, and what they reach counts as servable.
	for link, target := range map[string]string{"escape": "../linked", "leak.html": "../linked/page.html"} {
		if err := os.Symlink(target, filepath.Join(site, link)); err != nil {
			tb.Fatal(err)
		}
	}
	servable[fuzzLinked] = true
	return site, servable
}

// newStaticApp mounts Static as `beforetrip serve` does: after the API, on
// an app with the API's request parsing settings.
func newStaticApp(site string) *fiber.App {
	app := fiber.New(fiber.Config{Immutable: true, ReadBufferSize: 16 << 10, DisableStartupMessage: true})
	app.Get("/*", live.Static(site, live.WithLiveReload()))
	return app
}

// rawRequest makes a request whose request line carries target byte for
// byte: DumpRequest, which app.Test uses, writes RequestURI unmodified.
func rawRequest(target string) *http.Request {
	return &http.Request{
		Method: http.MethodGet, URL: &url.URL{Opaque: target}, RequestURI: target, Host: "example.com",
		Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
}

// FuzzStatic sends raw request targets to the static handler over a real
// (in-memory) connection, against a site folder with a secret next to it
// and a hidden manifest inside. Nothing outside the site (but what its
// symlinks point to) is ever read: the secret and the manifest never appear
// in a response, a 200 carries the bytes of one site file, a redirect stays
// on this host, and nothing answers 5xx. Static only reads, so nothing is
// written either.
func FuzzStatic(f *testing.F) {
	for _, s := range staticSeeds {
		f.Add(s)
	}
	site, servable := mustFuzzSite(f)
	app := newStaticApp(site)
	f.Fuzz(func(t *testing.T, target string) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n") {
			return // cannot be a request line's target
		}
		res, err := app.Test(rawRequest(target), -1)
		if err != nil {
			return // fasthttp refused the request (a 400); it never reached Static
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("GET %q: read body: %v", target, err)
		}
		for _, m := range []string{fuzzSecret, fuzzManifest} {
			if strings.Contains(string(body), m) {
				t.Fatalf("GET %q: status %d served %q", target, res.StatusCode, m)
			}
		}
		switch res.StatusCode {
		case http.StatusOK:
			if !servable[string(body)] {
				t.Fatalf("GET %q: 200 with %q, not a site file", target, body)
			}
		case http.StatusMovedPermanently:
			loc := res.Header.Get("Location")
			u, err := url.Parse(strings.ReplaceAll(loc, `\`, "/")) // as a browser reads it
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Fatalf("GET %q: Location %q leaves the site", target, loc)
			}
		case http.StatusNoContent, http.StatusNotModified, http.StatusBadRequest, http.StatusNotFound,
			http.StatusMethodNotAllowed, http.StatusRequestURITooLong, http.StatusRequestHeaderFieldsTooLarge:
		default:
			t.Fatalf("GET %q: status %d %q", target, res.StatusCode, body)
		}
	})
}

// TestFuzzStaticRawTarget checks FuzzStatic's premise: the target reaches
// the server exactly as fuzzed, not cleaned or escaped by net/http.
func TestFuzzStaticRawTarget(t *testing.T) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", func(c *fiber.Ctx) error { return c.Send(c.Context().RequestURI()) })
	for _, target := range []string{"//secret.txt", "/../secret.txt", "/%2e%2e%2fsecret.txt", `/a\..\b`, "/tags/맛집/", "/a%00b?x=%zz#f"} {
		res, err := app.Test(rawRequest(target), -1)
		if err != nil {
			t.Fatalf("GET %q: %v", target, err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(got) != target {
			t.Errorf("server saw %q, want %q", got, target)
		}
	}
	// fasthttp (since 1.70) refuses raw control bytes in the target before
	// any handler runs; FuzzStatic treats that as a 400 that never reached
	// Static.
	if res, err := app.Test(rawRequest("/a\x00b\x7f"), -1); err == nil {
		res.Body.Close()
		t.Errorf("a target with raw control bytes reached the handler (status %d)", res.StatusCode)
	}
}
