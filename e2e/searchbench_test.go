package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beforetrip/beforetrip/test/harness"
	"github.com/chromedp/chromedp"
)

// pagefindPage is a results box driven by Pagefind's JS API as search.js
// drives ours: the query runs 40 ms after the last keystroke, the first
// six results' data are loaded and shown as text, then the same
// performance measure is recorded.
const pagefindPage = `<!doctype html><meta charset="utf-8"><title>Pagefind</title>
<input id="q" type="search" autocomplete="off"><p id="status"></p><ol id="r"></ol>
<script type="module">
const q = document.getElementById('q'), list = document.getElementById('r');
let pf = null, timer = 0, last = 0, seq = 0;
async function engine() {
  if (!pf) pf = import('/pagefind/pagefind.js').then(async (m) => { await m.options({basePath: '/pagefind/'}); await m.init(); window.pfReady = true; return m; });
  return pf;
}
q.addEventListener('focus', engine);
q.addEventListener('input', (e) => {
  last = e.timeStamp;
  clearTimeout(timer);
  timer = setTimeout(async () => {
    const my = ++seq, text = q.value.trim(), m = await engine();
    const s = await m.search(text);
    const data = await Promise.all(s.results.slice(0, 6).map((r) => r.data()));
    if (my !== seq) return;
    list.replaceChildren(...data.map((d) => {
      const li = document.createElement('li');
      li.textContent = d.meta.title + ' ' + d.excerpt.replace(/<[^>]*>/g, '');
      return li;
    }));
    document.getElementById('status').textContent = s.results.length;
    list.dataset.q = text;
    performance.measure('bt-search', {start: last, end: performance.now(), detail: text});
  }, 40);
});
</script>`

// TestSearchRenderBench measures, in Chromium against nginx, the first
// query of a reader on a built site, ours and Pagefind's: requests and
// bytes from the moment the box is used, and the time from the last
// keystroke to the results in the page (the bt-search measure). It runs
// only when BEFORETRIP_SEARCH_BENCH names the site's public/ folder and
// BEFORETRIP_SEARCH_BENCH_PAGEFIND Pagefind's output for it (bench/search.sh
// sets both); BEFORETRIP_SEARCH_BENCH_RUNS runs per query (default 5),
// BEFORETRIP_SEARCH_BENCH_ENGINES which engines (default "ours pagefind";
// "ours" alone for an A/B of two search.js builds).
func TestSearchRenderBench(t *testing.T) {
	public, pfOut := os.Getenv("BEFORETRIP_SEARCH_BENCH"), os.Getenv("BEFORETRIP_SEARCH_BENCH_PAGEFIND")
	if public == "" || pfOut == "" {
		t.Skip("BEFORETRIP_SEARCH_BENCH and BEFORETRIP_SEARCH_BENCH_PAGEFIND unset")
	}
	runs, _ := strconv.Atoi(os.Getenv("BEFORETRIP_SEARCH_BENCH_RUNS"))
	runs = max(runs, 1)
	if os.Getenv("BEFORETRIP_SEARCH_BENCH_RUNS") == "" {
		runs = 5
	}
	root := benchRoot(t, public, pfOut)
	// Requests and bytes come from nginx's log: Pagefind fetches from a
	// worker, which the page's resource timing does not see. Pagefind
	// needs WebAssembly and an inline module, which the site's CSP
	// forbids: both engines are served without it.
	accessLog := filepath.Join(t.TempDir(), "access.log")
	base := harness.StartNginx(t, root, harness.FreePort(t), [2]string{"add_header Content-Security-Policy $bt_csp always;", ""},
		[2]string{"limit_conn bt_conn 64;", "limit_conn bt_conn 64; access_log " + accessLog + " beforetrip;"})
	browser := NewBrowser(t)
	queries := []string{"visa", "tipping", "japan rail pass", "sim card", "교통카드", "일본"}
	type sample struct {
		ms       float64
		requests int
		bytes    int
	}
	engines := strings.Fields(os.Getenv("BEFORETRIP_SEARCH_BENCH_ENGINES"))
	if len(engines) == 0 {
		engines = []string{"ours", "pagefind"}
	}
	for _, engine := range engines {
		for _, query := range queries {
			var got []sample
			for run := range runs {
				t.Run(fmt.Sprintf("%s/%s/%d", engine, query, run), func(t *testing.T) {
					tab := NewTab(t, browser)
					box := "form.bt-search input"
					var logged int
					if engine == "ours" {
						openSearchable(t, tab, base+"/countries/")
						logged = len(searchRequests(t, accessLog))
						tab.Key("/")
						tab.Wait("search.js", searchLoaded+` && performance.getEntriesByType('resource').some(e => e.name.endsWith('/search/index.json') && e.responseEnd > 0)`)
					} else {
						box = "#q"
						tab.Do("open the Pagefind page", chromedp.Navigate(base+"/pf-bench/"))
						logged = len(searchRequests(t, accessLog))
						Eval[bool](tab, `(q('#q').focus(), q('#q').dispatchEvent(new Event('focus')), true)`)
						tab.Wait("pagefind ready", `window.pfReady === true`)
					}
					tab.Type(box, query)
					tab.Wait("results", fmt.Sprintf(`performance.getEntriesByName('bt-search').some(m => m.detail === %q)`, query))
					ms := Eval[float64](tab, fmt.Sprintf(`performance.getEntriesByName('bt-search').filter(m => m.detail === %q).pop().duration`, query))
					reqs := searchRequests(t, accessLog)[logged:]
					bytes := 0
					for _, r := range reqs {
						bytes += r
					}
					got = append(got, sample{ms, len(reqs), bytes})
				})
			}
			if len(got) == 0 {
				continue
			}
			ms := make([]float64, len(got))
			for i, s := range got {
				ms[i] = s.ms
			}
			slices.Sort(ms)
			t.Logf("%-8s %-16q render median %.1f ms, p95 %.1f ms (n=%d); requests %d; bytes %.1f KB",
				engine, query, ms[len(ms)/2], ms[min(len(ms)-1, (len(ms)*95+99)/100-1)], len(ms), got[0].requests, float64(got[0].bytes)/1024)
		}
	}
}

// searchRequests returns the body bytes nginx sent for each request of a
// search engine's files (search.js, /search/, /pagefind/) so far.
func searchRequests(t *testing.T, accessLog string) []int {
	t.Helper()
	data, err := os.ReadFile(accessLog)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []int
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		i := slices.IndexFunc(f, func(s string) bool { return strings.HasPrefix(s, "HTTP/") })
		if i < 1 || i+2 >= len(f) {
			continue
		}
		path := f[i-1]
		if !strings.HasPrefix(path, "/search/") && !strings.HasPrefix(path, "/js/search.") && !strings.HasPrefix(path, "/pagefind/") {
			continue
		}
		n, _ := strconv.Atoi(f[i+2])
		out = append(out, n)
	}
	return out
}

// benchRoot is a folder serving public/ with Pagefind's output at
// /pagefind/ and its results page at /pf-bench/ (symbolic links: nothing
// is copied).
func benchRoot(t *testing.T, public, pfOut string) string {
	t.Helper()
	root := t.TempDir()
	public, err := filepath.Abs(public)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(public)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Symlink(filepath.Join(public, e.Name()), filepath.Join(root, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs(pfOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(root, "pagefind")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "pf-bench"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pf-bench", "index.html"), []byte(strings.TrimSpace(pagefindPage)), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}
