#!/usr/bin/env bash
# API throughput benchmark: GET /api/pages (20 IDs) and durable PUT /api/likes.
#
#   bench/api.sh                      # site of 1000 pages, 64 conns, 10 s each
#   PAGES=10000 CONNS=64 DURATION=10s USERS=100 bench/api.sh
#   BIN=/tmp/old/beforetrip ONLY=likes bench/api.sh   # another binary; likes only
#
# Builds the generated site (bench/out/<PAGES>, via bench/build.sh's layout)
# if needed, starts `beforetrip api` on a free port with a fresh data folder,
# rate limits off (BEFORETRIP_API_LIMITS=off) and a random JWT secret, runs
# bench/load for reads and likes (and wrk for reads when installed), stops
# the server and prints a Markdown table. The load generator runs on the
# same machine and competes with the server for CPU.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/bench/out
PAGES=${PAGES:-1000}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
USERS=${USERS:-100}
PORT=${PORT:-18080}
SITE=${SITE:-$OUT/$PAGES} # another generated site (e.g. one whose config names a fixed theme)

mkdir -p "$OUT"
BIN=${BIN:-$OUT/beforetrip}
ONLY=${ONLY:-}
echo "building binaries..." >&2
if [ "$BIN" = "$OUT/beforetrip" ]; then go build -o "$BIN" ./cmd/beforetrip; fi
go build -o "$OUT/gensite" ./bench/gensite
go build -o "$OUT/load" ./bench/load

if [ ! -f "$SITE/public/.beforetrip-pages.json" ]; then
	echo "generating and building $PAGES pages..." >&2
	"$OUT/gensite" --pages "$PAGES" --out "$SITE" >&2
	"$BIN" build --config "$SITE/config.yaml" >&2
fi
MANIFEST=$SITE/public/.beforetrip-pages.json

DATA=$(mktemp -d "$OUT/api-data.XXXXXX")
LOG=$OUT/api-server.log
SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
BEFORETRIP_JWT_SECRET=$SECRET BEFORETRIP_API_LIMITS=off \
	"$BIN" api --config "$SITE/config.yaml" --addr "127.0.0.1:$PORT" \
	--data "$DATA" --out "$SITE/public" >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
	kill "$SERVER" 2>/dev/null || true
	wait "$SERVER" 2>/dev/null || true
	rm -rf "$DATA"
}
trap cleanup EXIT

URL=http://127.0.0.1:$PORT
# Wait for the health check (the server exits on a bad config: show its log).
for ((i = 0; i < 300; i++)); do
	if curl -fsS "$URL/api/healthz" >/dev/null 2>&1; then break; fi
	if ! kill -0 "$SERVER" 2>/dev/null; then
		echo "bench/api.sh: beforetrip api exited:" >&2
		cat "$LOG" >&2
		exit 1
	fi
	sleep 0.1
done
curl -fsS "$URL/api/healthz" >/dev/null || { echo "bench/api.sh: API not healthy after 30 s" >&2; cat "$LOG" >&2; exit 1; }

rows=()
if [ "$ONLY" != likes ]; then
	echo "GET /api/pages..." >&2
	rows+=("$("$OUT/load" --url "$URL" --mode pages --conns "$CONNS" --duration "$DURATION" --manifest "$MANIFEST" --md)")
fi

# wrk before the likes: a likes burst makes the rebuild worker re-render
# every page whose count changed, which would compete with the reads.
WRK=
if [ "$ONLY" != likes ] && command -v wrk >/dev/null; then
	"$OUT/load" --manifest "$MANIFEST" --dump-ids "$OUT/ids.txt"
	echo "wrk GET /api/pages..." >&2
	WRK=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/pages.lua "$URL" -- "$OUT/ids.txt" 20)
fi

echo "PUT /api/likes..." >&2
rows+=("$("$OUT/load" --url "$URL" --mode likes --conns "$CONNS" --duration "$DURATION" --manifest "$MANIFEST" --users "$USERS" --md)")

# The rebuilds the likes caused (the API process runs the rebuild worker,
# debounced by rebuild.debounce/max_wait): wait up to 60 s for the first.
for ((i = 0; i < 120; i++)); do
	grep '"live: built"' "$LOG" | grep -q '"full":false' && break
	sleep 0.5
done
REBUILDS=$(awk '/"live: built"/ && !/"full":true/ {
		n++
		if (match($0, /"written":[0-9]+/)) w += substr($0, RSTART + 10, RLENGTH - 10)
		if (match($0, /"ms":[0-9]+/)) ms += substr($0, RSTART + 5, RLENGTH - 5)
	}
	END { printf "%d incremental rebuilds after the likes, %d files written, %.1f s spent rebuilding", n, w, ms / 1000 }' "$LOG")

# Server-side like latencies (from the request log) split by whether an
# incremental rebuild was running when the request ended.
SPLIT=$(awk '
	function secs(line,   t) {
		match(line, /"time":"[0-9-]+T[0-9:.]+/)
		t = substr(line, RSTART + 19, RLENGTH - 19)
		split(t, p, ":")
		return p[1] * 3600 + p[2] * 60 + p[3]
	}
	function num(line, key,   v) {
		if (!match(line, "\"" key "\":[0-9]+")) return 0
		v = substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
		return v + 0
	}
	/"live: built"/ && !/"full":true/ { e = secs($0); nb++; bs[nb] = e - num($0, "ms") / 1000; be[nb] = e; next }
	/"method":"PUT"/ && /"path":"\/api\/likes"/ { n++; t[n] = secs($0); d[n] = num($0, "duration") / 1e6 }
	END {
		first = t[1]; last = t[1]
		for (i = 1; i <= n; i++) {
			if (t[i] < first) first = t[i]
			if (t[i] > last) last = t[i]
			in_b = 0
			for (j = 1; j <= nb; j++) if (t[i] >= bs[j] && t[i] <= be[j]) in_b = 1
			if (in_b) r[++nr] = d[i]; else q[++nq] = d[i]
		}
		# Seconds of the like run spent with a rebuild running.
		for (j = 1; j <= nb; j++) {
			lo = bs[j] > first ? bs[j] : first
			hi = be[j] < last ? be[j] : last
			if (hi > lo) rt += hi - lo
		}
		qt = last - first - rt
		printf "%d %.0f %.1f %d %.0f %.1f\n", nq, (qt > 0 ? nq / qt : 0), qt, nr, (rt > 0 ? nr / rt : 0), rt
		for (i = 1; i <= nq; i++) print "q", q[i]
		for (i = 1; i <= nr; i++) print "r", r[i]
	}' "$LOG" | {
	read -r nq qrate qt nr rrate rt
	lat=$(cat)
	pct() { printf '%s\n' "$lat" | awk -v k="$1" '$1 == k { print $2 }' | sort -n | awk -v p="$2" '{ a[NR] = $1 } END { if (NR) printf "%.1f", a[int((NR - 1) * p) + 1]; else printf "-" }'; }
	printf 'server side: %s s without a rebuild running: %d likes (%s/s, p50 %s ms, p99 %s ms); %s s with one: %d likes (%s/s, p50 %s ms, p99 %s ms)' \
		"$qt" "$nq" "$qrate" "$(pct q 0.5)" "$(pct q 0.99)" "$rt" "$nr" "$rrate" "$(pct r 0.5)" "$(pct r 0.99)"
})

echo
echo "API on $PAGES-page site, $(nproc) CPUs, load generator on the same machine ($(date -u +%Y-%m-%dT%H:%MZ)):"
echo
echo "| request | conns | duration | req/s | p50 | p90 | p99 | max | errors |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Rebuild worker: $REBUILDS."
echo
echo "Likes, $SPLIT."
if [ -n "$WRK" ]; then
	echo
	echo "wrk, GET /api/pages (20 IDs):"
	echo
	echo '```'
	echo "$WRK"
	echo '```'
fi
