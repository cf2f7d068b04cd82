# Shared pieces of the whole-program benchmarks (bench/api.sh,
# bench/likes.sh, bench/scale.sh). Sourced, not run:
#
#   source "$(dirname "$0")/lib.sh"
#   bench_init            # cd to the repository, build, generate the site
#
# Variables bench_init reads: PAGES (1000), SITE (bench/out/<PAGES>), BIN
# (bench/out/beforetrip, built from this tree; set it to measure another
# binary, which is then not rebuilt). It sets ROOT, OUT, PAGES, SITE, BIN
# and MANIFEST.

# bench_init goes to the repository root, builds the binaries and, when
# bench/out/<PAGES> has no built site yet, generates and builds it.
bench_init() {
	cd "$(dirname "${BASH_SOURCE[0]}")/.."
	ROOT=$(pwd)
	OUT=$ROOT/bench/out
	PAGES=${PAGES:-1000}
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
	MANIFEST=$SITE/public/.beforetrip-pages.json
}

# free_port prints a loopback port nothing listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# wait_healthy NAME URL PID LOG [SECONDS]: waits until the API at URL
# answers its health check (a server answers once its first build is
# over); exits with the server's log when PID dies or SECONDS (120) pass.
wait_healthy() {
	local name=$1 url=$2 pid=$3 log=$4 secs=${5:-120} i
	for ((i = 0; i < secs * 10; i++)); do
		curl -fsS "$url/api/healthz" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || { echo "bench: $name exited:" >&2; cat "$log" >&2; exit 1; }
		sleep 0.1
	done
	echo "bench: $name not healthy after $secs s" >&2
	cat "$log" >&2
	exit 1
}

# wrk_figures reads wrk --latency output and prints "req/s p99_ms errors
# requests" (errors: non-2xx answers plus socket errors).
wrk_figures() {
	awk '
		function ms(v) {
			if (v ~ /us$/) return v * 0.001
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		/Requests\/sec:/ { rps = $2 }
		/ requests in / { n = $1 }
		$1 == "99%" { p99 = ms($2) }
		/Non-2xx/ { err += $NF }
		/Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
		END { printf "%.0f %.2f %d %d\n", rps, p99, err, n }'
}

# median_of COL RUNS...: the median of column COL of whitespace-separated
# runs (of an even number: the mean of the middle two).
median_of() {
	local col=$1
	shift
	printf '%s\n' "$@" | awk -v c="$col" '{ print $c }' | sort -g |
		awk '{ a[NR] = $1 } END { m = int((NR + 1) / 2); v = NR % 2 ? a[m] : (a[m] + a[m + 1]) / 2; printf "%.6g\n", v }'
}

# sum_of COL RUNS...: the sum of column COL.
sum_of() {
	local col=$1
	shift
	printf '%s\n' "$@" | awk -v c="$col" '{ s += $c } END { print s + 0 }'
}

# day_seconds prints the time of day in seconds (UTC, as the server's log
# has it), for like_split's FROM and TO.
day_seconds() { date -u +%H:%M:%S.%N | awk -F: '{ printf "%.3f\n", $1 * 3600 + $2 * 60 + $3 }'; }

# like_split LOG KIND [FROM TO] splits the likes and unlikes a server
# logged (its request log, as shipped) by whether a build of KIND (full or
# incremental, from the "live: built" lines) was running when each
# answered, for the likes answered between FROM and TO (day_seconds; all
# when absent). It prints "builds cover_pct with_n with_rate with_p99
# without_n without_rate without_p99": the builds that overlapped the
# likes, the share of the time one ran, and per side the likes, likes/s and
# server-side p99 in ms ("-" for a side with none). Times are read as
# seconds of the day: a run over midnight is not split correctly.
like_split() {
	local log=$1 kind=$2 from=${3:--1} to=${4:-1e9}
	awk -v kind="$kind" -v from="$from" -v to="$to" '
		function secs(line,   t, p) {
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
		/"live: built"/ && (kind == "full") == /"full":true/ { e = secs($0); nb++; bs[nb] = e - num($0, "ms") / 1000; be[nb] = e; next }
		/"path":"\/api\/likes"/ && /"method":"(PUT|DELETE)"/ {
			s = secs($0)
			if (s >= from && s <= to) { n++; t[n] = s; d[n] = num($0, "duration") / 1e6 }
		}
		END {
			if (n == 0) { print "S 0 0 0 0 0 0"; exit }
			first = t[1]; last = t[1]
			for (i = 1; i <= n; i++) {
				if (t[i] < first) first = t[i]
				if (t[i] > last) last = t[i]
			}
			for (j = 1; j <= nb; j++) {
				lo = bs[j] > first ? bs[j] : first
				hi = be[j] < last ? be[j] : last
				if (hi > lo) { rt += hi - lo; used++ }
			}
			for (i = 1; i <= n; i++) {
				in_b = 0
				for (j = 1; j <= nb; j++) if (t[i] >= bs[j] && t[i] <= be[j]) { in_b = 1; break }
				if (in_b) { nr++; print "r", d[i] } else { nq++; print "q", d[i] }
			}
			qt = last - first - rt
			printf "S %d %.0f %d %.0f %d %.0f\n", used + 0, (last > first ? 100 * rt / (last - first) : 0),
				nr + 0, (rt > 0 ? nr / rt : 0), nq + 0, (qt > 0 ? nq / qt : 0)
		}' "$log" | {
		local lat sum
		lat=$(cat)
		sum=$(printf '%s\n' "$lat" | awk '$1 == "S" { print $2, $3, $4, $5, $6, $7 }')
		pct() { printf '%s\n' "$lat" | awk -v k="$1" '$1 == k { print $2 }' | sort -g | awk '{ a[NR] = $1 } END { if (NR) printf "%.1f", a[int((NR - 1) * 0.99) + 1]; else printf "-" }'; }
		read -r used cover nr rrate nq qrate <<<"$sum"
		echo "$used $cover $nr $rrate $(pct r) $nq $qrate $(pct q)"
	}
}
