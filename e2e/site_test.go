package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/beforetrip/beforetrip/test/harness"
	"go.yaml.in/yaml/v3"
)

// SiteOptions are the config.yaml settings a test varies.
type SiteOptions struct {
	BaseURL         string
	APIAddr         string
	APIOrigin       string   // api.origin: "" = same origin
	CORSOrigins     []string // api.cors_origins
	TrustedProxies  []string // api.trusted_proxies
	CrossSite       bool     // cookies SameSite=None; Secure (widget on another site)
	Language        string   // "" = en
	ContentLanguage string   // content_language: "" = Language
	OwnContent      bool     // a copy of the content the test may edit
	Moderation      string   // comments.moderation: "" = post
	SMTPURL         string   // mail.smtp_url: "" = .eml files in data/outbox
	Content         string   // "" = e2e/testdata/site/content
}

// Site is a test site: testdata/site/content with the repo's theme, and
// fresh data and output folders.
type Site struct {
	Config, Content, Data, Out string
}

// NewSite writes a config.yaml for testdata/site in a temp folder.
func NewSite(tb testing.TB, o SiteOptions) *Site {
	tb.Helper()
	dir := tb.TempDir()
	s := &Site{
		Config:  filepath.Join(dir, "config.yaml"),
		Content: filepath.Join(repoRoot, "e2e", "testdata", "site", "content"),
		Data:    filepath.Join(dir, "data"),
		Out:     filepath.Join(dir, "public"),
	}
	if o.OwnContent {
		s.Content = filepath.Join(dir, "content")
		if err := os.CopyFS(s.Content, os.DirFS(filepath.Join(repoRoot, "e2e", "testdata", "site", "content"))); err != nil {
			tb.Fatal(err)
		}
	}
	if o.Content != "" {
		s.Content = o.Content
	}
	sameSite, secure := "Lax", false
	if o.Language == "" {
		o.Language = "en"
	}
	if o.Moderation == "" {
		o.Moderation = "post"
	}
	if o.CrossSite {
		sameSite, secure = "None", true
	}
	cfg := map[string]any{
		"title":            "beforetrip e2e",
		"base_url":         o.BaseURL,
		"language":         o.Language,
		"content_language": o.ContentLanguage,
		"content_dir":      s.Content,
		"theme_dir":        filepath.Join(repoRoot, "themes", "default"),
		"out_dir":          s.Out,
		"data_dir":         s.Data,
		"api": map[string]any{
			"addr":            o.APIAddr,
			"origin":          o.APIOrigin,
			"cors_origins":    nonNil(o.CORSOrigins),
			"trusted_proxies": nonNil(o.TrustedProxies),
			"limits":          "on",
			"cookies":         map[string]any{"secure": secure, "same_site": sameSite, "domain": ""},
		},
		"comments": map[string]any{"moderation": o.Moderation},
		"mail":     map[string]any{"smtp_url": o.SMTPURL},
		// Short waits: the tests look for rebuilt pages.
		"rebuild": map[string]any{"debounce": "100ms", "max_wait": "500ms"},
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(s.Config, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Build runs `beforetrip build` for the site.
func (s *Site) Build(tb testing.TB) {
	tb.Helper()
	RunBinary(tb, "build", "--config", s.Config, "--out", s.Out)
}

// StartServe runs `beforetrip serve` (site + API on one port) and waits
// until it answers; it returns the site's base URL.
func (s *Site) StartServe(tb testing.TB, port int) string {
	tb.Helper()
	base, _ := s.StartServeProc(tb, port)
	return base
}

// StartServeProc is StartServe that also returns the process.
func (s *Site) StartServeProc(tb testing.TB, port int) (string, *harness.Proc) {
	tb.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	p := harness.StartProc(tb, harness.MustBinary(tb), nil, "serve", "--config", s.Config,
		"--addr", addr, "--data", s.Data, "--out", s.Out)
	base := "http://" + addr
	p.WaitHTTP(tb, base+"/api/healthz", 60*time.Second)
	return base, p
}

// StartAPI runs `beforetrip api` on 127.0.0.1:port and waits until it
// answers.
func (s *Site) StartAPI(tb testing.TB, port int) *harness.Proc {
	tb.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	p := harness.StartProc(tb, harness.MustBinary(tb), []string{"BEFORETRIP_JWT_SECRET=" + testJWTSecret},
		"api", "--config", s.Config, "--addr", addr, "--data", s.Data, "--out", s.Out)
	p.WaitHTTP(tb, "http://"+addr+"/api/healthz", 60*time.Second)
	return p
}
