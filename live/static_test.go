package live_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/live"
	"github.com/gofiber/fiber/v2"
)

func TestStatic(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                 "<p>home</p>",
		"404.html":                   "<p>not here</p>",
		"countries/japan/index.html": "<p>japan</p>",
		"tags/맛집/index.html":         "<p>맛집</p>",
		"feed.xml":                   "<feed/>",
		"popular.json":               `{"items":[]}`,
		"css/main.1a2b.css":          "body{}",
		"js/widget.3c4d.js":          "1",
		".beforetrip-pages.json":     `{"pages":[]}`,
		"empty/.keep":                "",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/*", live.Static(dir))
	base := MustServe(t, app, nil)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	tests := []struct {
		path, wantType, wantBody string
		wantStatus               int
	}{
		{"/", "text/html; charset=utf-8", "<p>home</p>", 200},
		{"/countries/japan/", "text/html; charset=utf-8", "<p>japan</p>", 200},
		{"/countries/japan/index.html", "text/html; charset=utf-8", "<p>japan</p>", 200},
		{"/tags/%EB%A7%9B%EC%A7%91/", "text/html; charset=utf-8", "<p>맛집</p>", 200},
		{"/feed.xml", "application/xml; charset=utf-8", "<feed/>", 200},
		{"/popular.json", "application/json", `{"items":[]}`, 200},
		{"/css/main.1a2b.css", "text/css; charset=utf-8", "body{}", 200},
		{"/js/widget.3c4d.js", "text/javascript; charset=utf-8", "1", 200},
		{"/.beforetrip-pages.json", "text/html; charset=utf-8", "<p>not here</p>", 404},
		{"/empty/.keep", "text/html; charset=utf-8", "<p>not here</p>", 404},
		{"/empty/", "text/html; charset=utf-8", "<p>not here</p>", 404}, // no listing
		{"/nope/", "text/html; charset=utf-8", "<p>not here</p>", 404},
		{"/countries/../../../etc/passwd", "text/html; charset=utf-8", "<p>not here</p>", 404},
		{"/countries/japan", "", "", 301},
		{"/favicon.ico", "", "", 204}, // none built: no 404 per page, as nginx
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := client.Get(base + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == 204 {
				if len(body) != 0 {
					t.Errorf("body %q, want none", body)
				}
				return
			}
			if tt.wantStatus == 301 {
				if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, tt.path+"/") {
					t.Errorf("Location %q, want %s/", loc, tt.path)
				}
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("content type %q, want %q", got, tt.wantType)
			}
			if string(body) != tt.wantBody {
				t.Errorf("body %q, want %q", body, tt.wantBody)
			}
		})
	}
}

func TestStaticNotBuiltYet(t *testing.T) {
	tests := []struct {
		name     string
		opts     []live.StaticOption
		wantType string
		want     string
	}{
		{"plain", nil, "text/plain; charset=utf-8", "404 page not found"},
		{"live reload", []live.StaticOption{live.WithLiveReload()}, "text/html; charset=utf-8", `<script src="/_live/reload.js"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := fiber.New(fiber.Config{DisableStartupMessage: true})
			app.Get("/*", live.Static(t.TempDir(), tt.opts...)) // empty: no 404.html
			base := MustServe(t, app, nil)
			resp, err := http.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != tt.wantType || !strings.Contains(string(body), tt.want) {
				t.Errorf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
}
