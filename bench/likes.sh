#!/usr/bin/env bash
# Durable likes while rebuilds run in the same process (issue 20: likes
# >= 5k/s while a count rebuild runs, p99 < 20 ms).
#
#   bench/likes.sh                         # 1000-page site, 64 conns, 10 s, 2 rounds
#   PAGES=10000 REPS=3 DURATION=10s bench/likes.sh
#   BIN=/tmp/old/beforetrip bench/likes.sh # another binary
#   COUNTS_DEBOUNCE=1s COUNTS_MAX_WAIT=5s bench/likes.sh  # count rebuilds at the shipped pace
#
# Two `beforetrip api` processes (rate limits off, request log on as
# shipped, each with a copy of the built site as its output and a copy of
# one data folder holding USERS accounts) serve three kinds of round, in
# turn, each on pages its store has no likes on yet. Every request of
# bench/wrk/likes.lua is a change of state (PUT/DELETE /api/likes, fsync'd):
#   quiet   server A, rebuild.debounce and max_wait of an hour: no rebuild
#           runs (the baseline);
#   counts  server B, debounce COUNTS_DEBOUNCE (100ms) and max_wait
#           COUNTS_MAX_WAIT (250ms): the likes themselves start the count
#           rebuilds (counts, /popular/, lists re-rendered), one after
#           another, as a like storm does on a live site;
#   full    server A while SIGHUP every 0.2 s keeps full builds (config,
#           content and theme read again, every page rendered) running back
#           to back: harsher than the issue asks.
# Each round prints wrk's likes/s and p99 (what clients see), the builds of
# that kind that ran during it and the share of its time one ran (from the
# server's "live: built" lines: a counts round that shows no rebuilds
# measured nothing), and from the request log the server-side likes/s and
# p99 while such a build ran and while none did.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
USERS=${USERS:-100}
REPS=${REPS:-2}
WINDOW=${WINDOW:-200} # fresh pages per wrk run: USERS x WINDOW (user, page) pairs
COUNTS_DEBOUNCE=${COUNTS_DEBOUNCE:-100ms}
COUNTS_MAX_WAIT=${COUNTS_MAX_WAIT:-250ms}
bench_init
if ((2 * REPS * WINDOW > PAGES)); then
	echo "bench/likes.sh: $REPS rounds of 2 x $WINDOW fresh pages need more than $PAGES pages" >&2
	exit 1
fi

WORK=$(mktemp -d "$OUT/likes.XXXXXX")
PIDS=()
HUP=
cleanup() {
	[ -n "$HUP" ] && kill "$HUP" 2>/dev/null && wait "$HUP" 2>/dev/null
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
# start_api NAME DEBOUNCE MAX_WAIT: `beforetrip api` over $WORK/NAME (its
# data, public and log) on a free port; sets PID_NAME, URL_NAME, LOG_NAME
# and waits until it serves (after its first build).
start_api() {
	local name=$1 port
	port=$(free_port)
	[ -d "$WORK/$name/public" ] || { mkdir -p "$WORK/$name" && cp -a "$SITE/public" "$WORK/$name/public"; }
	BEFORETRIP_JWT_SECRET=$SECRET BEFORETRIP_API_LIMITS=off \
		BEFORETRIP_REBUILD_DEBOUNCE=$2 BEFORETRIP_REBUILD_MAX_WAIT=$3 \
		"$BIN" api --config "$SITE/config.yaml" --addr "127.0.0.1:$port" \
		--data "$WORK/$name/data" --out "$WORK/$name/public" >>"$WORK/$name/log" 2>&1 &
	PIDS+=($!)
	printf -v "PID_$name" '%s' $!
	printf -v "URL_$name" 'http://127.0.0.1:%s' "$port"
	printf -v "LOG_$name" '%s' "$WORK/$name/log"
	wait_healthy "$name" "http://127.0.0.1:$port" $! "$WORK/$name/log" 300
}

# The accounts are registered once (password hashing is slow) on A, whose
# data folder B then starts from: the same users and tokens on both.
start_api a 1h 1h
"$OUT/load" --manifest "$MANIFEST" --dump-ids "$WORK/ids.txt"
echo "registering $USERS accounts..." >&2
"$OUT/load" --url "$URL_a" --manifest "$MANIFEST" --users "$USERS" --prefix likes --dump-tokens "$WORK/tokens.txt" --timeout 60s
kill "$PID_a"
wait "$PID_a" 2>/dev/null || true
mkdir -p "$WORK/b"
cp -a "$WORK/a/data" "$WORK/b/data"
start_api a 1h 1h
start_api b "$COUNTS_DEBOUNCE" "$COUNTS_MAX_WAIT"

# built_count LOG: how many builds the server has logged so far.
built_count() { grep -c '"live: built"' "$1" || true; }

# settle LOG waits until the server has finished no build for 1.5 s: the
# last build a round started must not compete with the next round.
settle() {
	local n
	for ((i = 0; i < 400; i++)); do
		n=$(built_count "$1")
		sleep 1.5
		[ "$(built_count "$1")" != "$n" ] || return 0
	done
}

# likes_round URL WINDOW: one wrk run of likes on pages of that window.
likes_round() {
	wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/likes.lua "$1" -- \
		"$WORK/tokens.txt" "$WORK/ids.txt" $(($2 * WINDOW + 1)) "$WINDOW" 2 | wrk_figures
}

# hangups PID sends SIGHUP every 0.2 s: the worker coalesces them, so full
# builds follow one another for as long as it runs.
hangups() {
	while kill -HUP "$1" 2>/dev/null; do sleep 0.2; done
}

# measure URL LOG KIND WINDOW [HANGUPS]: one round (stopping the hangups
# process, if any, when wrk ends); prints its row's figures, "likes/s p99
# errors requests" (wrk) then like_split's.
measure() {
	local from to fig
	from=$(day_seconds)
	fig=$(likes_round "$1" "$4")
	to=$(day_seconds)
	[ -z "${5:-}" ] || kill "$5" 2>/dev/null || true
	settle "$2"
	echo "$fig $(like_split "$2" "$3" "$from" "$to")"
}

LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
quiet=() counts=() full=()
for ((r = 0; r < REPS; r++)); do
	echo "likes, no rebuild, round $((r + 1))/$REPS..." >&2
	quiet+=("$(measure "$URL_a" "$LOG_a" incremental $((2 * r)))")
	echo "likes starting count rebuilds, round $((r + 1))/$REPS..." >&2
	counts+=("$(measure "$URL_b" "$LOG_b" incremental "$r")")
	echo "likes while full builds run, round $((r + 1))/$REPS..." >&2
	hangups "$PID_a" &
	HUP=$!
	sleep 0.5 # the first build has begun
	full+=("$(measure "$URL_a" "$LOG_a" full $((2 * r + 1)) "$HUP")")
	wait "$HUP" 2>/dev/null || true
	HUP=
done
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

echo
echo "Durable likes, $PAGES-page site, $(nproc) CPUs, wrk -t2 -c$CONNS -d$DURATION, $USERS users x $WINDOW fresh pages per run," \
	"count rebuilds at debounce $COUNTS_DEBOUNCE / max_wait $COUNTS_MAX_WAIT, $(date -u +%Y-%m-%dT%H:%MZ)," \
	"load average before $LOAD_BEFORE, after $LOAD_AFTER:"
echo
echo "| round | rebuilds | likes/s | p99 ms | errors | builds | time with one running | server side with one: likes/s, p99 ms | without: likes/s, p99 ms |"
echo "|---|---|---:|---:|---:|---:|---:|---|---|"
row() {
	local a p e _n used cover nr rrate rp nq qrate qp
	read -r a p e _n used cover nr rrate rp nq qrate qp <<<"$3"
	echo "| $1 | $2 | $a | $p | $e | $used | $cover % | $rrate, $rp | $qrate, $qp |"
}
for ((r = 0; r < REPS; r++)); do
	row $((r + 1)) none "${quiet[$r]}"
	row $((r + 1)) "counts (like-triggered)" "${counts[$r]}"
	row $((r + 1)) "full (SIGHUP)" "${full[$r]}"
done
echo
q=$(median_of 1 "${quiet[@]}") c=$(median_of 1 "${counts[@]}") f=$(median_of 1 "${full[@]}")
awk -v q="$q" -v c="$c" -v f="$f" -v qp="$(median_of 2 "${quiet[@]}")" -v cp="$(median_of 2 "${counts[@]}")" -v fp="$(median_of 2 "${full[@]}")" 'BEGIN {
	printf "medians (wrk): no rebuild %d likes/s, p99 %s ms; count rebuilds %d likes/s, p99 %s ms (%.2fx); full builds %d likes/s, p99 %s ms (%.2fx)\n",
		q, qp, c, cp, (q > 0 ? c / q : 0), f, fp, (q > 0 ? f / q : 0)
	print "target: >= 5000 likes/s and p99 < 20 ms while a count rebuild runs"
}'
