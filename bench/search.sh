#!/usr/bin/env bash
# Search benchmark: our static index vs Pagefind 1.6.0 on the same
# generated site, in the same run.
#
#   bench/search.sh                  # 10k pages, 3 runs of each timing
#   PAGES=1000 RUNS=5 bench/search.sh
#
# Generates bench/out/search-<n>/ (gitignored), installs pagefind@1.6.0 with
# npm into bench/out/pagefind/ (never committed), then prints:
#   - `beforetrip build` cold (empty public/): wall, user, sys (median of RUNS);
#   - Pagefind indexing the same public/ (median of RUNS);
#   - index size on disk: public/search vs Pagefind's index + fragments
#     (its UI scripts and styles left out) and its whole output;
#   - first-query transfer and requests, and Korean particle recall, both
#     engines run in node on the files (bench/search-bench.mjs);
#   - the first query in headless Chromium against nginx, both engines:
#     time from the last keystroke to the results in the page (median, p95
#     of RENDER_RUNS, default 5), requests and bytes (e2e TestSearchRenderBench);
#   - the one-file edit at this size, index update included
#     (BenchmarkRebuildOneFile in bench/build_bench_test.go).
# The machine may be shared: compare ratios within one run.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PAGES=${PAGES:-10000}
RUNS=${RUNS:-3}
OUT=$ROOT/bench/out
SITE=$OUT/search-$PAGES
PF=$OUT/pagefind/node_modules/@pagefind/linux-x64/bin/pagefind_extended

[ -x /usr/bin/time ] || { echo "bench/search.sh: /usr/bin/time missing (apt-get install -y time)" >&2; exit 1; }
command -v node >/dev/null || { echo "bench/search.sh: node missing" >&2; exit 1; }
mkdir -p "$OUT"
go build -o "$OUT/beforetrip" ./cmd/beforetrip
if [ ! -x "$PF" ]; then
	mkdir -p "$OUT/pagefind"
	(cd "$OUT/pagefind" && npm init -y >/dev/null && npm install --no-audit --no-fund pagefind@1.6.0 >&2)
fi
"$PF" --version >&2
[ -f "$SITE/config.yaml" ] || go run ./bench/gensite --pages "$PAGES" --out "$SITE" >&2

# timed CMD...: prints "wall user sys" (seconds) of CMD.
timed() {
	/usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" "$@" >"$OUT/last.log" 2>&1 || {
		echo "bench/search.sh: command failed: $*" >&2
		tail -20 "$OUT/last.log" >&2
		exit 1
	}
	cat "$OUT/time.txt"
}

# median: the median line of stdin's numbers (per column, by the first).
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }

echo "== full build (cold), $PAGES pages: wall user sys"
for _ in $(seq "$RUNS"); do
	rm -rf "$SITE/public"
	timed "$OUT/beforetrip" build --config "$SITE/config.yaml"
done | tee /dev/stderr | median | sed 's/^/median: /'

echo "== Pagefind indexing the same public/: wall user sys"
for _ in $(seq "$RUNS"); do
	rm -rf "$OUT/pagefind-out"
	timed "$PF" --site "$SITE/public" --output-path "$OUT/pagefind-out"
done | tee /dev/stderr | median | sed 's/^/median: /'

bytes() { du -s --apparent-size -B1 "$@" | awk '{s+=$1} END {print s}'; }
echo "== index on disk (bytes)"
echo "ours public/search: $(bytes "$SITE/public/search") in $(find "$SITE/public/search" -type f | wc -l) files"
echo "pagefind index+fragments+meta+wasm: $(bytes "$OUT/pagefind-out/index" "$OUT/pagefind-out/fragment" "$OUT"/pagefind-out/*.pf_meta "$OUT"/pagefind-out/wasm.*)"
echo "pagefind whole output: $(bytes "$OUT/pagefind-out") in $(find "$OUT/pagefind-out" -type f | wc -l) files"

echo "== first query and Korean particle recall (bench/search-bench.mjs)"
node bench/search-bench.mjs "$SITE/public" "$OUT/pagefind-out" "$SITE/content" >"$OUT/search-bench.json"
node -e '
const d = require(process.argv[1]);
for (const w of ["ours", "pagefind"]) {
  for (const [q, v] of Object.entries(d[w].transfer)) console.log(w, JSON.stringify(q), "requests", v.requests, "bytes", v.bytes, "results", v.total);
  const r = Object.values(d[w].recall);
  const pages = r.reduce((a, x) => a + x.pages, 0), found = r.reduce((a, x) => a + x.found, 0);
  console.log(w, "particle recall:", r.length, "nouns,", found, "of", pages, "pages =", (100 * found / pages).toFixed(2) + "%");
}' "$OUT/search-bench.json"

echo "== first query in Chromium against nginx: render after the last keystroke, requests, bytes (e2e TestSearchRenderBench)"
BEFORETRIP_SEARCH_BENCH=$SITE/public BEFORETRIP_SEARCH_BENCH_PAGEFIND=$OUT/pagefind-out BEFORETRIP_SEARCH_BENCH_RUNS=${RENDER_RUNS:-5} \
	go test ./e2e -run TestSearchRenderBench -count=1 -v -timeout 30m | grep 'render median'

if [ "$PAGES" -ge 10000 ]; then
	echo "== one-file edit at 10k, index update included"
	go test ./bench -run '^$' -bench 'BenchmarkRebuildOneFile/pages=10000' -benchtime 10x -timeout 30m | grep -E '^Benchmark'
fi
