package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// MustBuildSite copies the builder's fixture site and the default theme
// into a temp folder with a config.yaml naming them; it returns the folder.
func MustBuildSite(tb testing.TB) string {
	tb.Helper()
	root := tb.TempDir()
	MustCopyTree(tb, "../../build/testdata/site/content", filepath.Join(root, "content"))
	MustCopyTree(tb, "../../themes/default", filepath.Join(root, "themes/default"))
	cfg := "title: CLI test\nbase_url: https://example.org/\n"
	if err := os.WriteFile(filepath.Join(root, "config.yaml"), []byte(cfg), 0o644); err != nil {
		tb.Fatal(err)
	}
	return root
}

func runCLI(tb testing.TB, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	var o, e bytes.Buffer
	err = Main(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

func TestBuildCommand(t *testing.T) {
	root := MustBuildSite(t)
	cfg := filepath.Join(root, "config.yaml")
	out, _, err := runCLI(t, "build", "--config", cfg)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	for _, want := range []string{"tip", "country", "total", "written", "Built in"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "public/countries/japan/index.html")); err != nil {
		t.Errorf("public/ not written next to the config: %v", err)
	}
	out, _, err = runCLI(t, "build", "--config", cfg)
	if err != nil || !strings.Contains(out, " 0 written") {
		t.Errorf("second build: %v\n%s", err, out)
	}
	other := filepath.Join(t.TempDir(), "site")
	if _, _, err := runCLI(t, "build", "--config", cfg, "--out", other, "--drafts"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(other, "countries/japan/tips/draft/index.html")); err != nil {
		t.Errorf("--out/--drafts not honoured: %v", err)
	}
}

func TestCheckCommand(t *testing.T) {
	root := MustBuildSite(t)
	cfg := filepath.Join(root, "config.yaml")
	out, _, err := runCLI(t, "check", "--config", cfg)
	if err != nil || !strings.HasPrefix(out, "ok:") {
		t.Fatalf("check of a valid site: %v\n%s", err, out)
	}
	bad := "---\ntitle: [x]\ndate: 2025-01-01\nrating: 9\n---\n"
	if err := os.WriteFile(filepath.Join(root, "content/countries/japan/reviews/bad.md"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI(t, "check", "--config", cfg)
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("check of a broken site: err %v, want exit 1", err)
	}
	want := "content/countries/japan/reviews/bad.md:2: field title: must be a single value, not a list\n" +
		"content/countries/japan/reviews/bad.md:4: field rating: must be 1 to 5, got 9\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Errorf("check wrote public/: %v", err)
	}
	if _, _, err := runCLI(t, "build", "--config", cfg); err == nil || exitCode(err) != 1 {
		t.Errorf("build of a broken site: %v, want exit 1", err)
	}
	if _, err := os.Stat(filepath.Join(root, "public/index.html")); !os.IsNotExist(err) {
		t.Errorf("failed build wrote public/: %v", err)
	}
}

func TestNewCommand(t *testing.T) {
	root := MustBuildSite(t)
	cfg := filepath.Join(root, "config.yaml")
	tests := []struct {
		name     string
		args     []string
		file     string // created
		wantErr  string
		wantCode int
	}{
		{"tip", []string{"new", "tip", "japan", "onsen-etiquette", "--config", cfg}, "content/countries/japan/tips/onsen-etiquette.md", "", 0},
		{"korean review", []string{"new", "--config", cfg, "review", "south-korea", "부산-시장"}, "content/countries/south-korea/reviews/부산-시장.md", "", 0},
		{"exists", []string{"new", "tip", "japan", "jr-pass", "--config", cfg}, "", "already exists", 1},
		{"unknown country", []string{"new", "tip", "atlantis", "x", "--config", cfg}, "", `unknown country "atlantis"`, 1},
		{"bad slug", []string{"new", "tip", "japan", "Bad Slug", "--config", cfg}, "", `bad slug "Bad Slug"`, 2},
		{"reserved slug", []string{"new", "review", "japan", "u-12", "--config", cfg}, "", `must not start with "u-"`, 2},
		{"bad kind", []string{"new", "post", "japan", "x", "--config", cfg}, "", "usage: beforetrip new tip|review COUNTRY SLUG", 2},
		{"path country", []string{"new", "tip", "../japan", "x", "--config", cfg}, "", `bad country "../japan"`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runCLI(t, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exitCode(err) != tt.wantCode {
					t.Fatalf("err = %v (exit %d), want %q (exit %d)", err, exitCode(err), tt.wantErr, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(root, tt.file)); err != nil {
				t.Fatal(err)
			}
			// A new user must learn that the file is a draft, and how to
			// see and publish it.
			slug := strings.TrimSuffix(filepath.Base(tt.file), ".md")
			for _, want := range []string{"It is a draft", "beforetrip serve --drafts", "/" + slug + "/", `delete the line "draft: true"`} {
				if !strings.Contains(stdout, want) {
					t.Errorf("new printed %q, want %q", stdout, want)
				}
			}
		})
	}
	// The scaffolds are valid drafts: check passes, and they build with --drafts.
	if _, _, err := runCLI(t, "check", "--config", cfg); err != nil {
		t.Fatalf("check after new: %v", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, _, err := runCLI(t, "build", "--config", cfg, "--drafts", "--out", out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "countries/south-korea/reviews/부산-시장/index.html")); err != nil {
		t.Errorf("scaffolded review not built: %v", err)
	}
}

// TestBuildScheduled: a tip dated next year is reported as scheduled and
// not written; --future writes it.
func TestBuildScheduled(t *testing.T) {
	root := MustBuildSite(t)
	cfg := filepath.Join(root, "config.yaml")
	tip := "---\ntitle: Next year\ndate: 2999-01-01\n---\nLater.\n"
	if err := os.WriteFile(filepath.Join(root, "content/countries/japan/tips/next.md"), []byte(tip), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "build", "--config", cfg)
	if err != nil || !strings.Contains(out, "1 scheduled") {
		t.Fatalf("build: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "public/countries/japan/tips/next/index.html")); err == nil {
		t.Error("a scheduled tip was written")
	}
	out, _, err = runCLI(t, "build", "--config", cfg, "--future")
	if err != nil || strings.Contains(out, "scheduled") {
		t.Fatalf("build --future: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "public/countries/japan/tips/next/index.html")); err != nil {
		t.Errorf("--future did not write the tip: %v", err)
	}
}

// TestBuildRenderCache: a second build takes the tips and reviews from
// the render cache in the data folder; --no-cache renders them all again.
func TestBuildRenderCache(t *testing.T) {
	root := MustBuildSite(t)
	cfg := filepath.Join(root, "config.yaml")
	if out, _, err := runCLI(t, "build", "--config", cfg); err != nil || !strings.Contains(out, "; 0 pages from the render cache") {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(root, "data/cache/render/pages.bin")); err != nil {
		t.Fatalf("render cache not in the data folder: %v", err)
	}
	out, _, err := runCLI(t, "build", "--config", cfg)
	if err != nil || !strings.Contains(out, " 0 written") || strings.Contains(out, "; 0 pages from the render cache") {
		t.Errorf("second build: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "build", "--config", cfg, "--no-cache")
	if err != nil || !strings.Contains(out, " 0 written") || !strings.Contains(out, "; 0 pages from the render cache") {
		t.Errorf("--no-cache: %v\n%s", err, out)
	}
}
