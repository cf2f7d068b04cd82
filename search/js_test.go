package search

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
