package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(tb testing.TB, body string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestLoadConfigShipped(t *testing.T) {
	c, err := loadConfig("../../config.yaml", true)
	if err != nil {
		t.Fatalf("shipped config.yaml: %v", err)
	}
	if c.Server.Addr != "127.0.0.1:1313" || c.API.Cookies.SameSite != "Lax" || c.API.Cookies.Secure || !c.LimitsOn() {
		t.Errorf("shipped config = %+v, want serve on 127.0.0.1:1313, Lax, not Secure, limits on", c)
	}
}

func TestLoadConfigEnvOverrides(t *testing.T) {
	path := writeConfig(t, "language: en\napi:\n  limits: \"on\"\n")
	t.Setenv("BEFORETRIP_API_LIMITS", "off")
	t.Setenv("BEFORETRIP_API_COOKIES_SECURE", "true")
	t.Setenv("BEFORETRIP_API_CORS_ORIGINS", "https://a.example, https://b.example")
	t.Setenv("BEFORETRIP_REBUILD_DEBOUNCE", "250ms")
	t.Setenv("BEFORETRIP_REBUILD_MAX_WAIT", "2s")
	t.Setenv("BEFORETRIP_LANGUAGE", "ko")
	t.Setenv("BEFORETRIP_API_READ_LIMIT", "600")
	t.Setenv("BEFORETRIP_JWT_SECRET", strings.Repeat("k", 32))
	c, err := loadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.LimitsOn() {
		t.Error("BEFORETRIP_API_LIMITS=off did not switch limits off")
	}
	if !c.API.Cookies.Secure {
		t.Error("BEFORETRIP_API_COOKIES_SECURE=true ignored")
	}
	if got := strings.Join(c.API.CORSOrigins, " "); got != "https://a.example https://b.example" {
		t.Errorf("cors origins = %q", got)
	}
	if c.Rebuild.Debounce != 250*time.Millisecond || c.Rebuild.MaxWait != 2*time.Second || c.Language != "ko" || len(c.JWTSecret) != 32 {
		t.Errorf("debounce %v, max wait %v, language %q, secret %d bytes", c.Rebuild.Debounce, c.Rebuild.MaxWait, c.Language, len(c.JWTSecret))
	}
	if c.API.ReadLimit != 600 || c.API.IPv6Prefix != 64 {
		t.Errorf("read limit %d, IPv6 prefix %d; want 600 and the default 64", c.API.ReadLimit, c.API.IPv6Prefix)
	}
	if c.Path("content") != filepath.Join(filepath.Dir(path), "content") {
		t.Errorf("Path resolves %q, want it beside the config file", c.Path("content"))
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", "titel: x\n", "field titel not found"},
		{"samesite none without secure", "api:\n  cookies:\n    same_site: None\n", "SameSite=None needs Secure"},
		{"wildcard cors", "api:\n  cors_origins: [\"*\"]\n", "cannot be combined with credentials"},
		{"bad language", "language: fr\n", "want en or ko"},
		{"bad content language", "content_language: \"English\"\n", "content_language \"English\""},
		{"bad moderation", "comments:\n  moderation: later\n", "want post or pre"},
		{"zero hide after reports", "comments:\n  hide_after_reports: 0\n", "hide_after_reports: hide after 0 reports: want at least 1"},
		{"negative edit window", "comments:\n  edit_window: -1m\n", "edit_window: edit window -1m0s: want a positive duration"},
		{"bad review moderation", "reviews:\n  moderation: later\n", "reviews.moderation: moderation \"later\": want post or pre"},
		{"bad yaml", "title: [\n", "config"},
		{"debounce past max wait", "rebuild:\n  debounce: 10s\n  max_wait: 5s\n", "debounce <= max_wait"},
		{"zero debounce", "rebuild:\n  debounce: 0s\n", "debounce <= max_wait"},
		{"zero read limit", "api:\n  read_limit: 0\n", "api.read_limit 0"},
		{"IPv6 prefix too long", "api:\n  ipv6_prefix: 129\n", "api.ipv6_prefix 129"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(writeConfig(t, tt.body), true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadConfig(%q) = %v, want error containing %q", tt.body, err, tt.want)
			}
		})
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "missing.yaml"), true); err == nil {
		t.Error("an explicit missing config file was accepted")
	}
	if _, err := loadConfig(filepath.Join(t.TempDir(), "config.yaml"), false); err != nil {
		t.Errorf("a missing default config.yaml must fall back to defaults: %v", err)
	}
}
