package main

import (
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
	"github.com/beforetrip/beforetrip/bench/sitegen"
	"github.com/beforetrip/beforetrip/build"
)

// MustGenerate writes a site of n pages with seed into a new temp folder.
func MustGenerate(tb testing.TB, n int, seed uint64) string {
	tb.Helper()
	dir := tb.TempDir()
	o := sitegen.Options{Pages: n, Out: dir, Seed: seed, Hugo: true, Theme: MustTheme(tb)}
	if err := sitegen.Generate(o); err != nil {
		tb.Fatalf("generate: %v", err)
	}
	return dir
}

// MustTheme returns the repository's themes/default.
func MustTheme(tb testing.TB) string {
	tb.Helper()
	root, err := sitegen.ModuleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(root, "themes", "default")
}

// MustTree returns every file under dir (slash paths) with its SHA-256.
func MustTree(tb testing.TB, dir string) map[string][32]byte {
	tb.Helper()
	tree := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		tree[filepath.ToSlash(rel)] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return tree
}

func TestGenerateDeterministic(t *testing.T) {
	a := MustTree(t, MustGenerate(t, 200, 7))
	b := MustTree(t, MustGenerate(t, 200, 7))
	if len(a) != len(b) {
		t.Fatalf("same seed: %d files, then %d", len(a), len(b))
	}
	for name, sum := range a {
		if b[name] != sum {
			t.Errorf("same seed: %s differs", name)
		}
	}
	c := MustTree(t, MustGenerate(t, 200, 8))
	same := 0
	for name, sum := range a {
		if strings.HasSuffix(name, ".md") && c[name] == sum {
			same++
		}
	}
	if same > 1 { // only the fixed home page may match
		t.Errorf("different seeds: %d identical content files, want at most 1", same)
	}
}

func TestGenerateShape(t *testing.T) {
	const n = 400
	dir := MustGenerate(t, n, 1)
	tree := MustTree(t, dir)
	var tips, reviews, countries int
	for name := range tree {
		switch {
		case strings.HasSuffix(name, "/_index.md") && strings.HasPrefix(name, "content/countries/"):
			countries++
		case strings.Contains(name, "/tips/"):
			tips++
		case strings.Contains(name, "/reviews/"):
			reviews++
		}
	}
	if countries != 50 {
		t.Errorf("countries = %d, want 50", countries)
	}
	if tips+reviews != n {
		t.Errorf("tips+reviews = %d, want %d", tips+reviews, n)
	}
	if reviews < n/6 || reviews > n/3 {
		t.Errorf("reviews = %d of %d, want about a quarter", reviews, n)
	}
	for _, name := range []string{"config.yaml", "content/_index.md", "hugo/hugo.toml", "hugo/layouts/page.html"} {
		if _, ok := tree[name]; !ok {
			t.Errorf("missing %s", name)
		}
	}
}

func TestRunFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"no out", []string{"--pages", "3"}, true},
		{"negative", []string{"--pages", "-1", "--out", dir}, true},
		{"more images than pages", []string{"--pages", "3", "--images", "4", "--out", dir}, true},
		{"ok", []string{"--pages", "3", "--out", dir, "--seed", "9"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			err := run(tt.args, &out, &errOut)
			if (err != nil) != tt.wantErr {
				t.Fatalf("run(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
			}
		})
	}
	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "theme_dir: " + strconv.Quote(MustTheme(t)); !strings.Contains(string(data), want) {
		t.Errorf("config.yaml = %s, want it to contain %s", data, want)
	}
}

// TestGeneratedSiteChecks builds a generated site in memory with the real
// builder and theme: every generated page must be valid content.
func TestGeneratedSiteChecks(t *testing.T) {
	const n = 50
	dir := MustGenerate(t, n, 1)
	bl, err := build.New(build.Config{
		ContentDir: filepath.Join(dir, "content"),
		ThemeDir:   MustTheme(t),
		OutDir:     filepath.Join(dir, "public"),
		BaseURL:    "http://127.0.0.1:1313/",
		Language:   "en",
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := bl.Check(context.Background())
	if err != nil {
		t.Fatalf("Check of a generated site: %v", err)
	}
	kinds := map[string]int{
		beforetrip.KindHome:    1,
		beforetrip.KindCountry: sitegen.Countries,
	}
	for kind, want := range kinds {
		if got := res.Kinds[kind]; got != want {
			t.Errorf("Kinds[%s] = %d, want %d", kind, got, want)
		}
	}
	if got := res.Kinds[beforetrip.KindTip] + res.Kinds[beforetrip.KindReview]; got != n {
		t.Errorf("tips + reviews = %d, want %d (kinds %v)", got, n, res.Kinds)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Errorf("Check wrote %s (stat error %v)", filepath.Join(dir, "public"), err)
	}
}

// TestGeneratedImages: --images makes that many page bundles with a cover
// photo, byte-identical for the same seed; the real builder resizes them
// on a cold build and none on a warm one (the bench's warm figure).
func TestGeneratedImages(t *testing.T) {
	gen := func() string {
		dir := t.TempDir()
		o := sitegen.Options{Pages: 12, Images: 3, Out: dir, Seed: 5, Theme: MustTheme(t)}
		if err := sitegen.Generate(o); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir := gen()
	a, b := MustTree(t, dir), MustTree(t, gen())
	var photos []string
	for name, sum := range a {
		if b[name] != sum {
			t.Errorf("same seed: %s differs", name)
		}
		if strings.HasSuffix(name, "/photo.jpg") {
			photos = append(photos, name)
			if _, ok := a[strings.TrimSuffix(name, "photo.jpg")+"index.md"]; !ok {
				t.Errorf("%s has no index.md beside it", name)
			}
		}
	}
	if len(photos) != 3 {
		t.Fatalf("photos = %v, want 3", photos)
	}
	cfg := build.Config{ContentDir: filepath.Join(dir, "content"), ThemeDir: MustTheme(t),
		OutDir: filepath.Join(dir, "public"), CacheDir: filepath.Join(dir, "cache"),
		BaseURL: "http://127.0.0.1:1313/", Language: "en"}
	for i, want := range []int{3, 0} {
		bl, err := build.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := bl.Build(context.Background())
		if err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
		if res.Resized != want {
			t.Errorf("build %d resized %d images, want %d", i+1, res.Resized, want)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "public", strings.TrimSuffix(strings.TrimPrefix(photos[0], "content/"), "photo.jpg"), "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `1600w" sizes=`) || !strings.Contains(string(page), `alt="A generated landscape for `) {
		t.Errorf("%s: no responsive cover with alt text", photos[0])
	}
}
