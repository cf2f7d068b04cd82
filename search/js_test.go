package search

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// scriptPath is the theme's search script, the query side of this package.
var scriptPath = filepath.Join("..", "themes", "default", "static", "js", "search.js")

// TestJSAnalysisMatchesGo runs search.js's analysis in node on a table of
// inputs and on every line of the shipped sample site and of the site
// generator's word pools, and requires the same terms as Terms: a query
// typed in the browser must become the terms the builder indexed.
func TestJSAnalysisMatchesGo(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	inputs := []string{
		"Visas and tipping in Việt Nam, café", "교통카드를 샀어요. 일본에서 KTX를 탔다", "日本語のテキスト 東京駅",
		"don’t U.S. 3.5 1,000 10:30 e-SIM rock'n'roll", "ภาษาไทย สวัสดี", "Ångström ﬁsh ＡＢＣ", "généralement communication",
		"skies dying herrings succeeded generously", "cries ties gaps kiwis hoping hopping hopped luxuriating",
		"yelling sayings eyeing bye y'all", "'quoted' ...dots... -dash- _under_score_", "Ⅻ ½ ²³ ١٢٣",
		"ＫＴＸ를 타세요", "São Paulo Zürich Kraków", "İstanbul ΣΊΣΥΦΟΣ",
	}
	for _, glob := range []string{"../content/*/*.md", "../content/*/*/*.md", "../content/*/*/*/*.md", "../bench/sitegen/words.go"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, strings.Split(string(b), "\n")...)
		}
	}
	if len(inputs) < 500 {
		t.Fatalf("only %d inputs: the sample site moved?", len(inputs))
	}
	in, _ := json.Marshal(inputs)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.json"), in, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(scriptPath)
	prog := `const s = require(process.argv[1]); const fs = require('fs');
const inputs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
process.stdout.write(JSON.stringify(inputs.map(s.terms)));`
	cmd := exec.Command(node, "-e", prog, abs, filepath.Join(dir, "in.json"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got [][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, s := range inputs {
		want := Terms(s)
		if len(want) == 0 {
			want = nil
		}
		if len(got[i]) == 0 {
			got[i] = nil
		}
		if !slices.Equal(got[i], want) {
			bad++
			if bad <= 10 {
				t.Errorf("%q:\n go %q\n js %q", s, want, got[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d inputs differ", bad, len(inputs))
	}
}

// TestJSPrefetch: while the reader types, search.js fetches the term
// shards of the terms typed in full (in both the text before and after a
// keystroke), and no shard of a word still being typed.
func TestJSPrefetch(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	const shards = 1024
	cases := []struct {
		before, text string
		want         []string
	}{
		{"sim", "sim ", []string{"sim"}},
		{"sim ", "sim c", []string{"sim"}},
		{"vis", "visa", nil},
		{"japan ra", "japan rai", []string{"japan"}},
		{"교통카", "교통카드", []string{"교통", "통카"}},
		{"", "교통카드", nil},
	}
	abs, _ := filepath.Abs(scriptPath)
	for _, c := range cases {
		prog := `const s = require(process.argv[1]), got = [];
const get = async (u) => {
  got.push(u);
  if (u.endsWith('index.json')) return {ok: true, json: async () => ({terms: 'aaaaaaaa'.repeat(` + strconv.Itoa(shards) + `), docs: 'aaaaaaaa'})};
  return {ok: false, status: 404};
};
const e = new s.Engine('/search/', get);
e.prefetch(process.argv[2], process.argv[3]).then(() => new Promise((r) => setTimeout(r, 10))).then(() => process.stdout.write(JSON.stringify(got)));`
		out, err := exec.Command(node, "-e", prog, abs, c.before, c.text).Output()
		if err != nil {
			t.Fatalf("node: %v", err)
		}
		var got []string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		var want []string
		if c.want != nil {
			want = append(want, "/search/index.json")
		}
		for _, term := range c.want {
			h := fnv.New32a()
			h.Write([]byte(term))
			want = append(want, fmt.Sprintf("/search/t/%d.aaaaaaaa.bin", h.Sum32()%shards))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q -> %q: fetched %q, want %q", c.before, c.text, got, want)
		}
	}
}
