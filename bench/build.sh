#!/usr/bin/env bash
# Full-build benchmark: beforetrip vs Hugo on the same generated content.
#
#   bench/build.sh                 # 1k and 10k pages, 3 runs each, median shown
#   SIZES="1000 10000 20000" RUNS=5 bench/build.sh
#   SIZES=10000 IMAGES=1000 TOOLS=beforetrip bench/build.sh   # 1,000 of them with a cover photo
#   OUT=/dev/shm/bench SIZES=10000 bench/build.sh   # sites and outputs on a tmpfs
#
# Generates sites into bench/out/<n>/ (gitignored; $OUT/<n> with OUT set:
# on a shared VM's disk the kernel's file creation swings several-fold
# between runs, a tmpfs takes it out of both tools' figures), builds the binary once,
# and times `beforetrip build` cold (empty public/ and caches), warm with
# --no-cache (nothing changed, everything rendered again) and restart
# (nothing changed, the render cache of the previous run: a new process)
# with /usr/bin/time -v: wall clock, user and system CPU, and max RSS. A cold
# build also starts without the image cache; a warm one must resize nothing
# (the script fails if its summary says it resized images). When `hugo`
# is on PATH, the same content is built with Hugo (bench/out/<n>/hugo). The
# machine may be shared: compare ratios within one run, not across runs.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${OUT:-$ROOT/bench/out}
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
IMAGES=${IMAGES:-0} # page bundles with a generated cover photo (bench/gensite --images)
TOOLS=${TOOLS:-"beforetrip hugo"} # which builders to time

[ -x /usr/bin/time ] || { echo "bench/build.sh: /usr/bin/time missing (apt-get install -y time)" >&2; exit 1; }
mkdir -p "$OUT"

has() { [[ " $TOOLS " == *" $1 "* ]]; }
echo "building binaries..." >&2
go build -o "$OUT/gensite" ./bench/gensite
if has beforetrip; then go build -o "$OUT/beforetrip" ./cmd/beforetrip; fi
HUGO=
if has hugo; then HUGO=$(command -v hugo || true); fi
[ -n "$HUGO" ] || has beforetrip || { echo "bench/build.sh: nothing to time (TOOLS=$TOOLS, hugo on PATH?)" >&2; exit 1; }

# measure NAME DIR CMD...: runs CMD under /usr/bin/time -v and prints
# "wall user sys rss_mb" (seconds, seconds, seconds, MiB). CMD's own output goes to
# $OUT/last.log so a failure can be shown.
measure() {
	local tf=$OUT/time.txt
	if ! /usr/bin/time -v -o "$tf" "$@" >"$OUT/last.log" 2>&1; then
		echo "bench/build.sh: command failed: $*" >&2
		tail -20 "$OUT/last.log" >&2
		exit 1
	fi
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
		/User time/ { u = $2 } /System time/ { s = $2 }
		/Maximum resident set size/ { r = $2 }
		END { printf "%.2f %.2f %.2f %.0f\n", w, u, s, r / 1024 }' "$tf"
}

# median CMD...: runs measure RUNS times and prints the run with the median
# wall time. prepare (a shell function name in $PREPARE) runs before each.
median() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		[ -n "${PREPARE:-}" ] && $PREPARE
		measure "$@"
	done | sort -n | awk -v n="$RUNS" '{ l[NR] = $0 } END { print l[int((n + 1) / 2)] }'
}

rows=()
notes=()
declare -A WALL CPU RSS # "tool/kind/pages" → median run's wall s, user+sys s, MiB
# timed TOOL PAGES BUILD PREPARE CMD...: adds the median run of CMD as a row.
timed() {
	local tool=$1 pages=$2 kind=$3 prep=$4 w u s r
	shift 4
	echo "$tool $kind x$RUNS..." >&2
	read -r w u s r < <(PREPARE=$prep median "$@") || true
	[ -n "${w:-}" ] || { echo "bench/build.sh: $tool $kind failed" >&2; exit 1; }
	rows+=("| $tool | $pages | $kind | $w s | $u s | $s s | $r MiB |")
	WALL[$tool/$kind/$pages]=$w
	CPU[$tool/$kind/$pages]=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
	RSS[$tool/$kind/$pages]=$r
}

# ratio A B: A/B to two decimals ("-" when either is missing).
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
ratios=()

for n in $SIZES; do
	site=$OUT/$n
	echo "generating $n pages into $site..." >&2
	"$OUT/gensite" --pages "$n" --images "$IMAGES" --out "$site" --seed "$SEED" --hugo >&2
	pages=$( (find "$site/content" -name '*.md' | wc -l) )

	built=-
	if has beforetrip; then
		# cold: empty output folder, empty image and render caches.
		clean_bt() { rm -rf "$site/public" "$site/data/cache"; }
		timed beforetrip "$pages" cold clean_bt "$OUT/beforetrip" build --config "$site/config.yaml"
		notes+=("- $n pages, cold: $(grep -h 'images resized' "$OUT/last.log" || echo 'no images resized')")
		# warm without the render cache: a new process renders every page
		# again over an unchanged output folder (what restarts cost before).
		timed beforetrip "$pages" "warm --no-cache" "" "$OUT/beforetrip" build --no-cache --config "$site/config.yaml"
		# restart: a new process over unchanged content with the render
		# cache of the previous build (deploys, CI keeping data/, serve restarts).
		timed beforetrip "$pages" restart "" "$OUT/beforetrip" build --config "$site/config.yaml"
		notes+=("- $n pages, restart: $(grep -h 'from the render cache' "$OUT/last.log")")
		if grep -q 'images resized' "$OUT/last.log"; then
			echo "bench/build.sh: the warm build resized images: $(grep -h 'images resized' "$OUT/last.log")" >&2
			exit 1
		fi
		built=$(find "$site/public" -name '*.html' | wc -l)
	fi

	if [ -n "$HUGO" ]; then
		clean_hugo() { rm -rf "$site/public-hugo" "$site/hugo/resources"; }
		timed hugo "$pages" cold clean_hugo "$HUGO" --source "$site/hugo" --quiet
		timed hugo "$pages" warm "" "$HUGO" --source "$site/hugo" --quiet
		hbuilt=$(find "$site/public-hugo" -name '*.html' | wc -l)
		notes+=("- $n pages: HTML files written: beforetrip $built, Hugo $hbuilt")
		for k in cold "warm --no-cache" restart; do
			ratios+=("| $n | beforetrip $k | $(ratio "${WALL[beforetrip/$k/$pages]:-}" "${WALL[hugo/cold/$pages]}") | $(ratio "${WALL[beforetrip/$k/$pages]:-}" "${WALL[hugo/warm/$pages]}") | $(ratio "${CPU[beforetrip/$k/$pages]:-}" "${CPU[hugo/cold/$pages]}") | $(ratio "${RSS[beforetrip/$k/$pages]:-}" "${RSS[hugo/cold/$pages]}") |")
		done
	fi
done

echo
echo "Full builds, median of $RUNS runs ($(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)):"
echo
echo "| tool | source files | build | wall | user | sys | max RSS |"
echo "|---|---:|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
printf '%s\n' "${notes[@]}"
if [ ${#ratios[@]} -gt 0 ]; then
	echo
	echo "Ratios to Hugo in this run (issue 20 targets: cold wall ≤ 0.2× Hugo, restart wall ≤ 0.1×, RSS ≤ 0.1×):"
	echo
	echo "| pages | build | wall / Hugo cold | wall / Hugo warm | CPU / Hugo cold | RSS / Hugo cold |"
	echo "|---:|---|---:|---:|---:|---:|"
	printf '%s\n' "${ratios[@]}"
fi
