package e2e

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/beforetrip/beforetrip/bench/sitegen"
	"github.com/beforetrip/beforetrip/test/harness"
)

// TestSearchFirstQueryRequests: on a generated site of 600 pages (64 term
// shards, 64 doc shards) served by nginx, a reader's first query costs at
// most five requests from the moment the box is used: search.js,
// index.json and the term shards of its terms, whose records show the
// results without a doc shard.
func TestSearchFirstQueryRequests(t *testing.T) {
	harness.MustNginx(t)
	browser := NewBrowser(t)
	dir := t.TempDir()
	if err := sitegen.Generate(sitegen.Options{Pages: 600, Out: dir, Seed: 1, Theme: filepath.Join(repoRoot, "themes", "default")}); err != nil {
		t.Fatal(err)
	}
	site := NewSite(t, SiteOptions{BaseURL: "http://127.0.0.1/", APIAddr: "127.0.0.1:8080", Content: filepath.Join(dir, "content")})
	site.Build(t)
	base := harness.StartNginx(t, site.Out, harness.FreePort(t))
	for _, query := range []string{"visa", "street food", "교통카드", "travel insurance"} {
		tab := NewTab(t, browser) // a new browser context: nothing cached
		openSearchable(t, tab, base+"/countries/")
		Eval[bool](tab, `(window.btStart = performance.now(), true)`)
		tab.Paste("form.bt-search input", query)
		tab.Wait("results for "+query, dropShows(query))
		var got []string
		if err := json.Unmarshal([]byte(Eval[string](tab, `JSON.stringify(performance.getEntriesByType('resource').filter(e => e.startTime >= window.btStart).map(e => new URL(e.name).pathname))`)), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) > 5 || len(got) < 3 {
			t.Errorf("%q: %d requests %v, want 3 to 5 (search.js, index.json, term shards)", query, len(got), got)
		}
		for _, p := range got {
			if m, _ := filepath.Match("/search/d/*", p); m {
				t.Errorf("%q fetched doc shard %s: the term shards should carry its first results", query, p)
			}
		}
		tab.NoExceptions()
	}
}
