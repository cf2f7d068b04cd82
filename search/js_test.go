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

// TestJSMergeRanks: search.js's merge (typed arrays, one sort of packed
// keys) ranks random posting lists as the plain definition does: the
// pages holding the most terms, by the sum of their fields' weights, then
// newest, then ref.
func TestJSMergeRanks(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	abs, _ := filepath.Abs(scriptPath)
	prog := `const s = require(process.argv[1]), W = [1, 3, 9, 27, 81];
let seed = 7;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
function plain(lists) {
  const by = new Map();
  lists.forEach((l) => l.refs.forEach((r, i) => {
    const h = by.get(r) || {ref: r, n: 0, score: 0, day: 0};
    h.n++; h.score += W[l.metas[i] & 7]; h.day = Math.max(h.day, Math.floor(l.metas[i] / 8));
    by.set(r, h);
  }));
  const hs = [...by.values()], most = Math.max(1, ...hs.map((h) => h.n));
  return hs.filter((h) => h.n === most).sort((a, b) => b.score - a.score || b.day - a.day || a.ref - b.ref).map((h) => h.ref);
}
let bad = 0;
for (let c = 0; c < 2000; c++) {
  const lists = [];
  for (let k = 1 + rnd(4); k > 0; k--) {
    const refs = [...new Set(Array.from({length: rnd(60)}, () => rnd(200) * 21474836))].sort((a, b) => a - b);
    lists.push({refs: Float64Array.from(refs), metas: Float64Array.from(refs, () => rnd(5) + 8 * (rnd(3) ? rnd(40) : 1 << 20))});
  }
  const got = Array.from(s.merge(lists)), want = plain(lists);
  if (JSON.stringify(got) !== JSON.stringify(want)) { bad++; if (bad < 3) console.log(JSON.stringify({got, want})); }
}
console.log('bad', bad);`
	out, err := exec.Command(node, "-e", prog, abs).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(out)), "bad 0") {
		t.Errorf("merge differs from the plain ranking:\n%s", out)
	}
}
