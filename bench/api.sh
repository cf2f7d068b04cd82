#!/usr/bin/env bash
# API throughput benchmark: GET /api/pages (20 IDs) and durable PUT /api/likes.
#
#   bench/api.sh                      # site of 1000 pages, 64 conns, 10 s each
#   PAGES=10000 CONNS=64 DURATION=10s USERS=100 bench/api.sh
#   BIN=/tmp/old/beforetrip ONLY=likes bench/api.sh   # another binary; likes only
#   REPS=5 DURATION=5s ONLY=reads bench/api.sh          # read ratio vs nginx only
#
# Builds the generated site (bench/out/<PAGES>, via bench/build.sh's layout)
# if needed, starts `beforetrip api` on a free port with a fresh data folder,
# rate limits off (BEFORETRIP_API_LIMITS=off) and a random JWT secret, runs
# bench/load for reads and likes (and wrk for reads when installed), stops
# the server and prints a Markdown table. The load generator runs on the
# same machine and competes with the server for CPU.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
USERS=${USERS:-100}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
NGINX=${NGINX:-/usr/sbin/nginx} # absent: no nginx comparison
REPS=${REPS:-3}                 # wrk rounds (API, then nginx) for the read ratio
ONLY=${ONLY:-}
bench_init # PAGES, SITE (another generated site), BIN (another binary)

DATA=$(mktemp -d "$OUT/api-data.XXXXXX")
LOG=$OUT/api-server.log
SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
BEFORETRIP_JWT_SECRET=$SECRET BEFORETRIP_API_LIMITS=off \
	"$BIN" api --config "$SITE/config.yaml" --addr "127.0.0.1:$PORT" \
	--data "$DATA" --out "$SITE/public" >"$LOG" 2>&1 &
SERVER=$!
NGINX_PID=
NGX=
cleanup() {
	kill "$SERVER" 2>/dev/null || true
	wait "$SERVER" 2>/dev/null || true
	if [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
	fi
	rm -rf "$DATA" "$NGX"
}
trap cleanup EXIT

URL=http://127.0.0.1:$PORT
wait_healthy "beforetrip api" "$URL" "$SERVER" "$LOG" 30

# cpu_ticks PID...: the user+system CPU ticks the processes used so far.
cpu_ticks() {
	local t=0 p
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$t"
}

# wrk_round URL PID... runs one wrk round against URL (its output kept in
# $OUT/wrk-round.txt) and prints "req/s p99_ms errors cpu_us": cpu_us is the server's
# CPU time (of PIDs) per request, the figure that moves least with the
# load of a shared machine.
wrk_round() {
	local url=$1 before after
	shift
	before=$(cpu_ticks "$@")
	wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/pages.lua "$url" -- "$OUT/ids.txt" 20 >"$OUT/wrk-round.txt"
	after=$(cpu_ticks "$@")
	wrk_figures <"$OUT/wrk-round.txt" | awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
		'{ printf "%s %s %s %.0f\n", $1, $2, $3, ($4 > 0 ? t / hz * 1e6 / $4 : 0) }'
}

# start_nginx serves one API answer for 20 IDs at /api/pages on NGINX_PORT,
# with an access log as deploy/nginx.conf has.
start_nginx() {
	NGX=$(mktemp -d "$OUT/nginx.XXXXXX")
	curl -fsS "$URL/api/pages?ids=$(head -20 "$OUT/ids.txt" | paste -sd,)" >"$NGX/pages.json"
	cat >"$NGX/nginx.conf" <<-CONF
		worker_processes auto;
		error_log $NGX/error.log;
		pid $NGX/nginx.pid;
		events { worker_connections 1024; }
		http {
			access_log $NGX/access.log;
			client_body_temp_path $NGX; proxy_temp_path $NGX; fastcgi_temp_path $NGX;
			uwsgi_temp_path $NGX; scgi_temp_path $NGX;
			server {
				listen 127.0.0.1:$NGINX_PORT;
				root $NGX;
				location = /api/pages { default_type application/json; try_files /pages.json =404; }
			}
		}
	CONF
	"$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -g 'daemon off;' &
	NGINX_PID=$!
	for ((i = 0; i < 50; i++)); do
		curl -fsS "http://127.0.0.1:$NGINX_PORT/api/pages" >/dev/null 2>&1 && return
		sleep 0.1
	done
	echo "bench/api.sh: nginx did not start" >&2
	cat "$NGX/error.log" >&2
	exit 1
}

# ratio_line prints the API and nginx medians, the ratio and each round.
ratio_line() {
	local a n ap np
	a=$(median_of 1 "${api_runs[@]}")
	ap=$(median_of 2 "${api_runs[@]}")
	printf 'API: %s req/s, p99 %s ms (median of %d rounds: %s)' "$a" "$ap" "$REPS" "$(printf '%s; ' "${api_runs[@]}")"
	[ ${#nginx_runs[@]} -gt 0 ] || return 0
	n=$(median_of 1 "${nginx_runs[@]}")
	np=$(median_of 2 "${nginx_runs[@]}")
	printf '\nnginx, same JSON as a static file: %s req/s, p99 %s ms (rounds: %s)' "$n" "$np" "$(printf '%s; ' "${nginx_runs[@]}")"
	awk -v a="$a" -v n="$n" 'BEGIN { printf "\nratio API/nginx: %.2fx (target >= 0.5x)", a / n }'
	awk -v a="$(median_of 4 "${api_runs[@]}")" -v n="$(median_of 4 "${nginx_runs[@]}")" \
		'BEGIN { printf "\nserver CPU per request (medians): API %d us, nginx %d us; nginx/API %.2fx", a, n, (a > 0 ? n / a : 0) }'
}

rows=()
if [ "$ONLY" != likes ]; then
	echo "GET /api/pages..." >&2
	rows+=("$("$OUT/load" --url "$URL" --mode pages --conns "$CONNS" --duration "$DURATION" --manifest "$MANIFEST" --md)")
fi

# wrk before the likes: a likes burst makes the rebuild worker re-render
# every page whose count changed, which would compete with the reads.
# Each of REPS rounds runs wrk against the API and then against nginx
# serving one 20-ID answer of the API as a static file (same size, same
# client, same moment of a shared machine); the ratio is of the medians.
WRK=
RATIO=
if [ "$ONLY" != likes ] && command -v wrk >/dev/null; then
	"$OUT/load" --manifest "$MANIFEST" --dump-ids "$OUT/ids.txt"
	NGINX_URL=
	if [ -x "$NGINX" ]; then
		start_nginx
		NGINX_URL=http://127.0.0.1:$NGINX_PORT
	fi
	api_runs=() nginx_runs=()
	for ((r = 1; r <= REPS; r++)); do
		echo "wrk GET /api/pages, round $r/$REPS..." >&2
		api_runs+=("$(wrk_round "$URL" "$SERVER")")
		WRK=$(cat "$OUT/wrk-round.txt")
		if [ -n "$NGINX_URL" ]; then
			echo "wrk nginx, same JSON, round $r/$REPS..." >&2
			nginx_runs+=("$(wrk_round "$NGINX_URL" "$NGINX_PID" $(pgrep -P "$NGINX_PID"))")
		fi
	done
	RATIO=$(ratio_line)
fi

REBUILDS=
SPLIT=
if [ "$ONLY" != reads ]; then
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

	# Server-side like rates and latencies (from the request log) split by
	# whether an incremental rebuild was running when the request ended.
	read -r used cover nr rrate rp nq qrate qp <<<"$(like_split "$LOG" incremental)"
	SPLIT="server side: with an incremental rebuild running ($used rebuilds, $cover % of the time) $nr likes, $rrate/s, p99 $rp ms; without one $nq likes, $qrate/s, p99 $qp ms"
fi

echo
echo "API on $PAGES-page site, $(nproc) CPUs, load generator on the same machine ($(date -u +%Y-%m-%dT%H:%MZ)):"
echo
echo "| request | conns | duration | req/s | p50 | p90 | p99 | max | errors |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
if [ -n "$REBUILDS" ]; then
	echo
	echo "Rebuild worker: $REBUILDS."
	echo
	echo "Likes, $SPLIT."
fi
if [ -n "$RATIO" ]; then
	echo
	echo "wrk -t2 -c$CONNS -d$DURATION, GET /api/pages (20 IDs), anonymous, request log on; rounds as \"req/s p99_ms errors server_cpu_us_per_request\":"
	echo
	echo "$RATIO"
fi
if [ -n "$WRK" ]; then
	echo
	echo "wrk, GET /api/pages (20 IDs), last round:"
	echo
	echo '```'
	echo "$WRK"
	echo '```'
fi
