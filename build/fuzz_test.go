package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip"
)

// fuzzPlaces are where FuzzLoadFile puts the fuzzed file, one per kind.
var fuzzPlaces = []string{
	"_index.md",
	"countries/japan/_index.md",
	"countries/japan/tips/fuzz.md",
	"countries/japan/reviews/fuzz.md",
}

// frontMatterSeeds are ordinary and hostile content files.
var frontMatterSeeds = []string{
	"---\ntitle: Home\n---\nHello.\n",
	"---\ntitle: Is the JR Pass still worth it?\ndate: 2025-03-01\ntags: [Rail, 돈]\nauthor: Mina\n---\n\n## Prices\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nx[^1]\n\n[^1]: note\n",
	"---\ntitle: Capsule\ndate: 2025-02-15\nrating: 4\n---\nSmall but ~~bad~~ fine.\n",
	"---\nname: Japan\nnative_name: 日本\nflag: \"🇯🇵\"\ncontinent: Asia\ncapital: Tokyo\nlanguages: [Japanese]\n" +
		"currency: {code: JPY, name: Japanese yen, symbol: \"¥\"}\ntimezone: UTC+9\nplugs: [A, B]\nvoltage: 100 V\n" +
		"visa: free\nemergency: {police: \"110\", ambulance: \"119\"}\ntipping: no\nsim: eSIM\ntap_water: safe\ndriving_side: left\n---\nBody\n",
	"---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\n",
	"---\ntitle: x\ndate: 2025-01-01\nslug: ../../../../tmp/escape\n---\n",
	"---\ntitle: x\ndate: 2025-01-01\nslug: \"a/b\"\n---\n",
	"---\ntitle: [1, 2]\ndate: not a date\nrating: 9\nweight: x\ndraft: maybe\ntags: {a: b}\n---\n",
	"---\ntitle: x\n", "---\n---\n", "no front matter", "", "\xef\xbb\xbf---\r\ntitle: crlf\r\n---\r\n",
	"---\n- a list\n---\n", "---\n!!binary AAAA: x\n---\n", "---\ntitle: \"\\x00\"\n---\n",
	"---\n" + strings.Repeat("[", 5000) + "\n---\n", "---\ntitle: x\n---\n<script>alert(1)</script>\n",
}

// FuzzLoadFile feeds arbitrary bytes to the builder's loader as each kind
// of content file. It must never panic; every problem must name the file
// (as "content/<path>") and a line inside it; a loaded page must have a
// valid page ID under its place.
func FuzzLoadFile(f *testing.F) {
	for _, s := range frontMatterSeeds {
		for i := range fuzzPlaces {
			f.Add(uint8(i), []byte(s))
		}
	}
	root, err := os.MkdirTemp("", "fuzzload")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(root) })
	content := filepath.Join(root, "content")
	for _, p := range fuzzPlaces {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(content, filepath.FromSlash(p))), 0o755); err != nil {
			f.Fatal(err)
		}
	}
	b, err := New(Config{ContentDir: content, ThemeDir: filepath.Join(root, "theme"), OutDir: filepath.Join(root, "out")})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		rel := fuzzPlaces[int(which)%len(fuzzPlaces)]
		path := filepath.Join(content, filepath.FromSlash(rel))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		page, errs := b.loadFile(path)
		lines := yamlLines(data)
		for _, e := range errs {
			if e.File != "content/"+rel {
				t.Fatalf("error %q names file %q, want content/%s", e, e.File, rel)
			}
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("error %q has line %d; the file has %d lines", e, e.Line, lines)
			}
			if e.Msg == "" {
				t.Fatalf("error without message: %#v", e)
			}
		}
		if page == nil {
			if len(errs) == 0 {
				t.Fatalf("no page and no error for %q", data)
			}
			return
		}
		if len(errs) > 0 {
			t.Fatalf("page and errors for %q: %v", data, errs)
		}
		if !beforetrip.ValidPageID(page.ID) || !strings.HasPrefix(page.ID+"/", strings.TrimSuffix(strings.TrimSuffix(rel, "_index.md"), "fuzz.md")) {
			t.Fatalf("page ID %q of %s is not a valid ID under its folder", page.ID, rel)
		}
	})
}

// yamlLines counts lines the way yaml.v3 numbers them: CR, LF, CRLF, NEL,
// LS and PS each end a line.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	n := 1
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}

// FuzzOutPath checks the builder's output paths: every path safeOutPath
// accepts (it guards paths read back from .beforetrip-outputs.json, which
// the builder may delete) stays inside the output folder, and every valid
// page ID (and page 2 of a list with that ID) maps to an accepted path.
func FuzzOutPath(f *testing.F) {
	for _, s := range []string{"index.html", "countries/japan/index.html", "../x", "a/../../x", "/etc/passwd",
		"a//b", "./a", "..", "a/..", `..\x`, "countries/교통카드", "a/\x00/b", ""} {
		f.Add(s)
	}
	dir := filepath.FromSlash("/srv/out")
	f.Fuzz(func(t *testing.T, p string) {
		if safeOutPath(p) {
			// "." (the folder itself) passes safeOutPath; removing it fails
			// harmlessly (not empty), so only escapes count here.
			full := filepath.Join(dir, filepath.FromSlash(p))
			if full != dir && !strings.HasPrefix(full, dir+string(filepath.Separator)) {
				t.Fatalf("safeOutPath(%q) accepted a path outside the output folder: %s", p, full)
			}
		}
		if beforetrip.ValidPageID(p) {
			outs := []string{pagePath(p)}
			if p != "" { // lists (the paginated pages) all have non-empty IDs
				outs = append(outs, pagePath(pagerID(p, 2)))
			}
			for _, out := range outs {
				if !safeOutPath(out) {
					t.Fatalf("valid page ID %q maps to refused output path %q", p, out)
				}
			}
		}
	})
}
