package build

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// attackSite is a minimal valid site; tests add hostile files to it.
var attackSite = map[string]string{
	"_index.md": "---\ntitle: Home\n---\nHello.\n",
	"countries/japan/_index.md": "---\nname: Japan\nnative_name: 日本\nflag: \"🇯🇵\"\ncontinent: Asia\ncapital: Tokyo\n" +
		"languages: [Japanese]\ncurrency: {code: JPY, name: Japanese yen, symbol: \"¥\"}\ntimezone: UTC+9\n" +
		"plugs: [A, B]\nvoltage: 100 V\nvisa: free\nemergency: {police: \"110\", ambulance: \"119\"}\n" +
		"tipping: no\nsim: eSIM\ntap_water: safe\ndriving_side: left\n---\nJapan.\n",
	"countries/japan/tips/ok.md": "---\ntitle: OK\ndate: 2025-01-01\n---\nFine.\n",
}

// mustAttackSite writes attackSite plus extra into root/content and
// returns a Builder writing to root/out.
func mustAttackSite(tb testing.TB, root string, extra map[string]string) *Builder {
	tb.Helper()
	for name, data := range attackSite {
		mustWrite(tb, filepath.Join(root, "content", filepath.FromSlash(name)), data)
	}
	for name, data := range extra {
		mustWrite(tb, filepath.Join(root, "content", filepath.FromSlash(name)), data)
	}
	b, err := New(Config{ContentDir: filepath.Join(root, "content"), ThemeDir: filepath.Join("..", "themes", "default"),
		OutDir: filepath.Join(root, "out")})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustWrite(tb testing.TB, path, data string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// filesOutside lists every file under root that is not under content/ or out/.
func filesOutside(tb testing.TB, root string) []string {
	tb.Helper()
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && (rel == "content" || rel == "out" || rel == "outside") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			found = append(found, rel)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return found
}

// TestAttackContentPaths builds sites with hostile slugs and folder names:
// each build fails naming the file, and nothing is written anywhere.
func TestAttackContentPaths(t *testing.T) {
	tests := []struct {
		name, file, data, wantFile string
	}{
		{"dot-dot slug", "countries/japan/tips/a.md", "---\ntitle: A\ndate: 2025-01-01\nslug: ../../../escape\n---\n", "content/countries/japan/tips/a.md"},
		{"slash slug", "countries/japan/tips/b.md", "---\ntitle: B\ndate: 2025-01-01\nslug: a/../../b\n---\n", "content/countries/japan/tips/b.md"},
		{"backslash slug", "countries/japan/tips/c.md", "---\ntitle: C\ndate: 2025-01-01\nslug: '..\\..\\c'\n---\n", "content/countries/japan/tips/c.md"},
		{"absolute slug", "countries/japan/tips/d.md", "---\ntitle: D\ndate: 2025-01-01\nslug: /etc/cron.d/x\n---\n", "content/countries/japan/tips/d.md"},
		{"NUL slug", "countries/japan/tips/e.md", "---\ntitle: E\ndate: 2025-01-01\nslug: \"e\\0\"\n---\n", "content/countries/japan/tips/e.md"},
		{"dot slug", "countries/japan/tips/f.md", "---\ntitle: F\ndate: 2025-01-01\nslug: .\n---\n", "content/countries/japan/tips/f.md"},
		{"RTL override folder", "countries/ja\u202epan/tips/g.md", "---\ntitle: G\ndate: 2025-01-01\n---\n", "content/countries/ja\u202epan/tips/g.md"},
		{"zero-width folder", "countries/ja\u200dpan/_index.md", attackSite["countries/japan/_index.md"], "content/countries/ja\u200dpan/_index.md"},
		{"percent-encoded dots", "countries/%2e%2e/tips/h.md", "---\ntitle: H\ndate: 2025-01-01\n---\n", "content/countries/%2e%2e/tips/h.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			b := mustAttackSite(t, root, map[string]string{tt.file: tt.data})
			_, err := b.Build(context.Background())
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Build = %v, want content errors", err)
			}
			if !strings.Contains(err.Error(), tt.wantFile) {
				t.Fatalf("errors do not name %s:\n%v", tt.wantFile, err)
			}
			if out := filesOutside(t, root); len(out) > 0 {
				t.Fatalf("written outside content/ and out/: %v", out)
			}
			if entries, _ := os.ReadDir(filepath.Join(root, "out")); len(entries) > 0 {
				t.Fatalf("a failed build wrote %d entries into out/", len(entries))
			}
		})
	}
}

// TestAttackSymlinks puts symlinks in content/ that point outside it: a
// folder and a file. The build may refuse them or skip them, but nothing
// from outside the content folder may be published, and nothing is
// written outside out/.
func TestAttackSymlinks(t *testing.T) {
	const secret = "TOP-SECRET-OUTSIDE-CONTENT"
	outsideTip := "---\ntitle: " + secret + "\ndate: 2025-01-01\n---\n" + secret + "\n"
	tests := []struct{ name, link, target string }{
		{"file", "countries/japan/tips/leak.md", "outside/leak.md"},
		{"folder", "countries/japan/reviews", "outside/reviews"},
	}
	t.Run("link inside content is followed", func(t *testing.T) {
		root := t.TempDir()
		b := mustAttackSite(t, root, nil)
		if err := os.Symlink("ok.md", filepath.Join(root, "content", "countries", "japan", "tips", "alias.md")); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			b := mustAttackSite(t, root, nil)
			mustWrite(t, filepath.Join(root, "outside", "leak.md"), outsideTip)
			mustWrite(t, filepath.Join(root, "outside", "reviews", "leak.md"), strings.Replace(outsideTip, "---\n", "---\nrating: 5\n", 1))
			if err := os.Symlink(filepath.Join(root, filepath.FromSlash(tt.target)),
				filepath.Join(root, "content", filepath.FromSlash(tt.link))); err != nil {
				t.Fatal(err)
			}
			_, err := b.Build(context.Background())
			t.Logf("Build with a %s symlink: %v", tt.name, err)
			if out := filesOutside(t, root); len(out) > 0 {
				t.Fatalf("written outside content/ and out/: %v", out)
			}
			_ = filepath.WalkDir(filepath.Join(root, "out"), func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if data, _ := os.ReadFile(p); strings.Contains(string(data), secret) {
						t.Errorf("%s publishes a file from outside content/", p)
					}
				}
				return nil
			})
		})
	}
}

// TestAttackSymlinkRebuild links a folder to outside content/ after a
// first build and hands the file under it to Rebuild, as the watcher
// would: nothing from outside may be published.
func TestAttackSymlinkRebuild(t *testing.T) {
	const secret = "TOP-SECRET-OUTSIDE-CONTENT"
	root := t.TempDir()
	b := mustAttackSite(t, root, nil)
	if _, err := b.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, "outside", "reviews", "leak.md"),
		"---\ntitle: "+secret+"\ndate: 2025-01-01\nrating: 5\n---\n"+secret+"\n")
	link := filepath.Join(root, "content", "countries", "japan", "reviews")
	if err := os.Symlink(filepath.Join(root, "outside", "reviews"), link); err != nil {
		t.Fatal(err)
	}
	_, err := b.Rebuild(context.Background(), Changes{Files: []string{filepath.Join(link, "leak.md")}})
	if err == nil || !strings.Contains(err.Error(), "content/countries/japan/reviews/leak.md") {
		t.Fatalf("Rebuild = %v, want an error naming the linked file", err)
	}
	_ = filepath.WalkDir(filepath.Join(root, "out"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); strings.Contains(string(data), secret) {
				t.Errorf("%s publishes a file from outside content/", p)
			}
		}
		return nil
	})
}

// TestAttackYAMLBomb loads front matter built as a "billion laughs": nine
// levels of anchors and aliases that would expand to 9^9 strings. The
// loader must refuse it, naming the file, quickly and in little memory.
func TestAttackYAMLBomb(t *testing.T) {
	var fm strings.Builder
	fm.WriteString("---\ntitle: bomb\ndate: 2025-01-01\na0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i < 9; i++ {
		p := "*a" + string(rune('0'+i-1))
		fm.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat(p+",", 8) + p + "]\n")
	}
	fm.WriteString("tags: *a8\n---\nboom\n")
	tests := []struct{ name, data string }{
		{"anchors and aliases", fm.String()},
		{"deep nesting", "---\ntitle: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n---\n"},
		{"many nodes", "---\ntags: [" + strings.Repeat("a,", 30000) + "a]\n---\n"},
		{"huge front matter", "---\ntitle: x\nsummary: " + strings.Repeat("x", 1<<20) + "\n---\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			b := mustAttackSite(t, root, map[string]string{"countries/japan/tips/bomb.md": tt.data})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := b.Check(context.Background())
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			grown := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %v, allocated %d KiB in %v", tt.name, err, grown>>10, elapsed)
			if err == nil || !strings.Contains(err.Error(), "content/countries/japan/tips/bomb.md") {
				t.Fatalf("Check = %v, want an error naming the file", err)
			}
			if grown > 100<<20 {
				t.Fatalf("allocated %d MiB, want < 100 MiB", grown>>20)
			}
			if elapsed > 10*time.Second {
				t.Fatalf("took %v", elapsed)
			}
		})
	}
}

// TestAttackTableBomb loads a tip whose body is a GFM table with a wide
// header and many empty rows: GFM pads every row to the header's width,
// so cells grow with the square of the file size (a 20 KB file allocated
// 3.2 GB, a 40 KB one 12.8 GB). A contributor's pull request built in CI
// must not exhaust the builder's memory.
func TestAttackTableBomb(t *testing.T) {
	const n = 6000
	head := "|" + strings.Repeat("a|", n/8) + "\n|" + strings.Repeat("-|", n/8) + "\n"
	body := head + strings.Repeat("|\n", (n-len(head))/2)
	root := t.TempDir()
	b := mustAttackSite(t, root, map[string]string{"countries/japan/tips/bomb.md": "---\ntitle: B\ndate: 2025-01-01\n---\n" + body})
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := b.Check(context.Background())
	runtime.ReadMemStats(&after)
	grown := after.TotalAlloc - before.TotalAlloc
	t.Logf("Check: %v; allocated %d MiB", err, grown>>20)
	if grown > 100<<20 {
		t.Fatalf("a %d-byte table allocated %d MiB, want < 100 MiB", len(body), grown>>20)
	}
}
