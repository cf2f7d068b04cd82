#!/usr/bin/env bash
# Durable likes with and without a rebuild running in the same process
# (issue 20: likes >= 5k/s while a rebuild runs, p99 < 20 ms).
#
#   bench/likes.sh                         # 1000-page site, 64 conns, 10 s, 2 rounds
#   PAGES=10000 REPS=3 DURATION=10s bench/likes.sh
#   BIN=/tmp/old/beforetrip bench/likes.sh # another binary
#
# Starts `beforetrip api` (rate limits off, fresh data folder, a copy of the
# built site as its output) with rebuild.debounce and max_wait of an hour,
# so likes alone never start a rebuild. Each round then runs wrk with
# bench/wrk/likes.lua (PUT/DELETE /api/likes, every request a change of
# state, fsync'd) twice: "quiet", no build running, and "rebuild", while
# SIGHUP every 0.2 s keeps full builds of the site (config, content and
# theme read again, every page rendered; the heaviest rebuild there is)
# running back to back in the API's process. Each round likes fresh pages.
# Prints both, their ratio, and how much of each rebuild window a build
# covered (from the server's "live: built" log lines).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=$ROOT/bench/out
PAGES=${PAGES:-1000}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
USERS=${USERS:-100}
REPS=${REPS:-2}
WINDOW=${WINDOW:-200} # fresh pages per wrk run: USERS x WINDOW (user, page) pairs
PORT=${PORT:-18082}
SITE=${SITE:-$OUT/$PAGES}

mkdir -p "$OUT"
BIN=${BIN:-$OUT/beforetrip}
echo "building binaries..." >&2
if [ "$BIN" = "$OUT/beforetrip" ]; then go build -o "$BIN" ./cmd/beforetrip; fi
go build -o "$OUT/gensite" ./bench/gensite
go build -o "$OUT/load" ./bench/load
if [ ! -f "$SITE/public/.beforetrip-pages.json" ]; then
	echo "generating and building $PAGES pages..." >&2
	"$OUT/gensite" --pages "$PAGES" --out "$SITE" >&2
	"$BIN" build --config "$SITE/config.yaml" >&2
fi
if ((2 * REPS * WINDOW > PAGES)); then
	echo "bench/likes.sh: $REPS rounds of 2 x $WINDOW fresh pages need more than $PAGES pages" >&2
	exit 1
fi

WORK=$(mktemp -d "$OUT/likes.XXXXXX")
SERVER=
HUP=
cleanup() {
	[ -n "$HUP" ] && kill "$HUP" 2>/dev/null && wait "$HUP" 2>/dev/null
	if [ -n "$SERVER" ]; then
		kill "$SERVER" 2>/dev/null || true
		wait "$SERVER" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

cp -a "$SITE/public" "$WORK/public"
LOG=$WORK/server.log
: >"$LOG"
URL=http://127.0.0.1:$PORT
BEFORETRIP_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n') BEFORETRIP_API_LIMITS=off \
	BEFORETRIP_REBUILD_DEBOUNCE=1h BEFORETRIP_REBUILD_MAX_WAIT=1h \
	"$BIN" api --config "$SITE/config.yaml" --addr "127.0.0.1:$PORT" \
	--data "$WORK/data" --out "$WORK/public" >"$LOG" 2>&1 &
SERVER=$!

# built_count: how many builds the server has logged so far.
built_count() { grep -c '"live: built"' "$LOG" || true; }

# The first full build at start must be over before any round.
for ((i = 0; i < 1800; i++)); do
	[ "$(built_count)" -ge 1 ] && curl -fsS "$URL/api/healthz" >/dev/null 2>&1 && break
	kill -0 "$SERVER" 2>/dev/null || { echo "bench/likes.sh: beforetrip api exited:" >&2; cat "$LOG" >&2; exit 1; }
	sleep 0.1
done
[ "$(built_count)" -ge 1 ] || { echo "bench/likes.sh: no first build after 180 s" >&2; exit 1; }

"$OUT/load" --manifest "$SITE/public/.beforetrip-pages.json" --dump-ids "$WORK/ids.txt"
echo "registering $USERS accounts..." >&2
"$OUT/load" --url "$URL" --manifest "$SITE/public/.beforetrip-pages.json" --users "$USERS" --prefix likes --dump-tokens "$WORK/tokens.txt" --timeout 60s

# wrk_figures reads wrk --latency output and prints "req/s p99_ms errors".
wrk_figures() {
	awk '
		function ms(v) {
			if (v ~ /us$/) return v * 0.001
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		/Requests\/sec:/ { rps = $2 }
		$1 == "99%" { p99 = ms($2) }
		/Non-2xx|Socket errors/ { err = 1 }
		END { printf "%.0f %.2f %d\n", rps, p99, err }'
}

# likes_round WINDOW: one wrk run of likes on pages of that window.
likes_round() {
	wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/likes.lua "$URL" -- \
		"$WORK/tokens.txt" "$WORK/ids.txt" $(($1 * WINDOW + 1)) "$WINDOW" 2 | wrk_figures
}

# hangups sends SIGHUP every 0.2 s: the worker coalesces them, so full
# builds follow one another for as long as it runs.
hangups() {
	while kill -HUP "$SERVER" 2>/dev/null; do sleep 0.2; done
}

# coverage FROM TO: the share of [FROM, TO] (epoch seconds) with a build
# running, from the "live: built" lines (end time and duration).
coverage() {
	awk -v from="$1" -v to="$2" '
		/"live: built"/ {
			match($0, /"time":"[^"]+"/); t = substr($0, RSTART + 8, RLENGTH - 9)
			cmd = "date -d \"" t "\" +%s.%N"; cmd | getline e; close(cmd)
			match($0, /"ms":[0-9]+/); s = e - substr($0, RSTART + 5, RLENGTH - 5) / 1000
			lo = s > from ? s : from; hi = e < to ? e : to
			if (hi > lo) { cov += hi - lo; n++ }
		}
		END { printf "%.0f%% (%d builds)", 100 * cov / (to - from), n }' "$LOG"
}

LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
quiet=() rebuild=() covers=()
w=0
for ((r = 1; r <= REPS; r++)); do
	echo "likes, no build running, round $r/$REPS..." >&2
	quiet+=("$(likes_round $w)")
	w=$((w + 1))

	echo "likes, full builds running, round $r/$REPS..." >&2
	hangups &
	HUP=$!
	sleep 0.5 # the first build has begun
	from=$(date +%s.%N)
	rebuild+=("$(likes_round $w)")
	to=$(date +%s.%N)
	w=$((w + 1))
	kill "$HUP"
	wait "$HUP" 2>/dev/null || true
	HUP=
	# Let the last build end (its log line gives the coverage) before the
	# next quiet round.
	n=$(built_count)
	for ((i = 0; i < 1800; i++)); do
		sleep 0.5
		[ "$(built_count)" -gt "$n" ] || break
		n=$(built_count)
	done
	covers+=("$(coverage "$from" "$to")")
done
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

median_of() {
	local col=$1
	shift
	printf '%s\n' "$@" | awk -v c="$col" '{ print $c }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

echo
echo "Durable likes, $PAGES-page site, $(nproc) CPUs, wrk -t2 -c$CONNS -d$DURATION, $USERS users x $WINDOW fresh pages per run," \
	"$(date -u +%Y-%m-%dT%H:%MZ), load average before $LOAD_BEFORE, after $LOAD_AFTER:"
echo
echo "| round | quiet: likes/s | p99 ms | errors | full builds running: likes/s | p99 ms | errors | build coverage |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for ((r = 0; r < REPS; r++)); do
	read -r qa qp qe <<<"${quiet[$r]}"
	read -r ra rp re <<<"${rebuild[$r]}"
	echo "| $((r + 1)) | $qa | $qp | $qe | $ra | $rp | $re | ${covers[$r]} |"
done
qa=$(median_of 1 "${quiet[@]}") ra=$(median_of 1 "${rebuild[@]}")
echo
awk -v q="$qa" -v r="$ra" -v qp="$(median_of 2 "${quiet[@]}")" -v rp="$(median_of 2 "${rebuild[@]}")" 'BEGIN {
	printf "medians: quiet %d likes/s (p99 %s ms), with full builds %d likes/s (p99 %s ms); rebuild/quiet %.2fx (target: >= 5000 likes/s, p99 < 20 ms with a rebuild)\n", q, qp, r, rp, (q > 0 ? r / q : 0) }'
