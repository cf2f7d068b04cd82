#!/usr/bin/env bash
# Scale-out benchmark (issue 19): reads and durable likes per second with
#   bolt       one `beforetrip api` on bbolt, direct
#   pg1        one `beforetrip api` on PostgreSQL, direct
#   pg1-nginx  the same instance behind nginx (an upstream of one: the proxy's cost)
#   pg2-nginx  two instances on that PostgreSQL behind nginx (upstream, least_conn)
# all on this machine in one run, with wrk; then like -> page on disk: one
# page liked LAG_LIKES times, one like at a time, each timed from sending
# it until the built /popular/ page shows its count, through the bbolt
# instance, through the PostgreSQL leader, and through the instance that
# does not lead (the leader rebuilds: NOTIFY, debounce, build, rename).
#
#   bench/scale.sh
#   PAGES=1000 CONNS=64 DURATION=10s READ_REPS=3 LIKE_REPS=2 bench/scale.sh
#
# PostgreSQL: a throw-away cluster (initdb + pg_ctl from PATH or the newest
# /usr/lib/postgresql/N/bin) in a temporary folder on a free port, owned by
# the `postgres` user when run as root, with PostgreSQL's durable defaults
# (fsync, synchronous_commit on), as bbolt fsyncs each commit; its folder
# is on the same file system as the bbolt file. Everything is stopped and
# removed at the end. Rate limits are off (BEFORETRIP_API_LIMITS=off).
# The load generator shares the CPUs with the servers and PostgreSQL.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
READ_REPS=${READ_REPS:-3}    # wrk read rounds, each over all four setups in turn
LIKE_REPS=${LIKE_REPS:-2}    # wrk like rounds, likewise
USERS=${USERS:-100}          # accounts that like, per store
LIKE_PAGES=${LIKE_PAGES:-100} # pages each like round of a setup uses (fresh ones each time)
LAG_LIKES=${LAG_LIKES:-50}
DEBOUNCE=${DEBOUNCE:-}       # rebuild.debounce of every instance (default: the config's, 1s)
PG_PARAMS=${PG_PARAMS:-}     # added to the store URL, e.g. pool_max_conns=16 (pgx's default: max(4, CPUs))
NGINX=${NGINX:-/usr/sbin/nginx}

command -v wrk >/dev/null || { echo "bench/scale.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
[ -x "$NGINX" ] || { echo "bench/scale.sh needs nginx at $NGINX" >&2; exit 1; }
PGBIN=
if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
	PGBIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")") # its folder has psql too
else
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -1)
fi
[ -x "$PGBIN/pg_ctl" ] || { echo "bench/scale.sh needs PostgreSQL (apt-get install postgresql)" >&2; exit 1; }

bench_init

WORK=$(mktemp -d "${TMPDIR:-/tmp}/beforetrip-scale.XXXXXX")
PGDIR=$WORK/pg
PIDS=()
PGRUN=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ -f "$PGDIR/data/postmaster.pid" ]; then
		"${PGRUN[@]}" "$PGBIN/pg_ctl" stop -m fast -w -D "$PGDIR/data" >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# PostgreSQL: initdb and start as an unprivileged user.
mkdir -p "$PGDIR"
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$WORK"
	chown postgres: "$PGDIR"
	PGRUN=(runuser -u postgres --)
fi
PGPORT=$(free_port)
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PGPORT..." >&2
(cd /tmp && "${PGRUN[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C >"$WORK/initdb.log" 2>&1) ||
	{ cat "$WORK/initdb.log" >&2; exit 1; }
(cd /tmp && "${PGRUN[@]}" "$PGBIN/pg_ctl" start -w -t 120 -D "$PGDIR/data" -l "$PGDIR/log" \
	-o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null) ||
	{ cat "$PGDIR/log" >&2; exit 1; }
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres beforetrip
PGURL=postgres://postgres@127.0.0.1:$PGPORT/beforetrip${PG_PARAMS:+?$PG_PARAMS}
PGSETTINGS=$("$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -At -c \
	"SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','shared_buffers','max_connections')" beforetrip)

SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
# start_api NAME OUT [ENV...]: `beforetrip api` on a free port with its own
# data folder and log; sets URL_<NAME> and LOG_<NAME> and waits until it is
# healthy (a leader serves after its first build).
start_api() {
	local name=$1 out=$2 port
	shift 2
	port=$(free_port)
	mkdir -p "$WORK/$name"
	env BEFORETRIP_JWT_SECRET="$SECRET" BEFORETRIP_API_LIMITS=off ${DEBOUNCE:+BEFORETRIP_REBUILD_DEBOUNCE=$DEBOUNCE} "$@" \
		"$BIN" api --config "$SITE/config.yaml" --addr "127.0.0.1:$port" \
		--data "$WORK/$name/data" --out "$out" >"$WORK/$name/log" 2>&1 &
	PIDS+=($!)
	local pid=$!
	printf -v "URL_$name" 'http://127.0.0.1:%s' "$port"
	printf -v "LOG_$name" '%s' "$WORK/$name/log"
	wait_healthy "$name" "http://127.0.0.1:$port" "$pid" "$WORK/$name/log" 120
}

# Two copies of the built site: bbolt's process locks its output folder;
# the PostgreSQL instances share theirs (only the leader writes it).
cp -a "$SITE/public" "$WORK/public-bolt"
cp -a "$SITE/public" "$WORK/public-pg"
echo "starting the API instances..." >&2
start_api bolt "$WORK/public-bolt"
start_api pgA "$WORK/public-pg" BEFORETRIP_STORE_URL="$PGURL"
grep -q 'rebuild: leading' "$LOG_pgA" || { echo "bench/scale.sh: pgA does not lead" >&2; cat "$LOG_pgA" >&2; exit 1; }
start_api pgB "$WORK/public-pg" BEFORETRIP_STORE_URL="$PGURL"
grep -q 'another instance leads' "$LOG_pgB" || { echo "bench/scale.sh: pgB does not follow" >&2; cat "$LOG_pgB" >&2; exit 1; }

# nginx: one port proxies to pgA alone, another spreads over pgA and pgB,
# with keep-alive upstream connections as deploy/nginx-scale.conf has.
NGX=$WORK/nginx
mkdir -p "$NGX"
N1=$(free_port)
N2=$(free_port)
cat >"$NGX/nginx.conf" <<CONF
worker_processes auto;
error_log $NGX/error.log;
pid $NGX/nginx.pid;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $NGX; proxy_temp_path $NGX; fastcgi_temp_path $NGX;
	uwsgi_temp_path $NGX; scgi_temp_path $NGX;
	large_client_header_buffers 4 16k;
	upstream one { server ${URL_pgA#http://}; keepalive 64; }
	upstream two { least_conn; server ${URL_pgA#http://} max_fails=3 fail_timeout=10s;
		server ${URL_pgB#http://} max_fails=3 fail_timeout=10s; keepalive 64; }
	server {
		listen 127.0.0.1:$N1;
		location /api/ { proxy_pass http://one; proxy_http_version 1.1; proxy_set_header Connection ""; }
	}
	server {
		listen 127.0.0.1:$N2;
		location /api/ { proxy_pass http://two; proxy_http_version 1.1; proxy_set_header Connection ""; }
	}
}
CONF
"$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
for ((i = 0; i < 100; i++)); do
	curl -fsS "http://127.0.0.1:$N2/api/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fsS "http://127.0.0.1:$N2/api/healthz" >/dev/null || { echo "bench/scale.sh: nginx did not start" >&2; cat "$NGX/error.log" >&2; exit 1; }

SETUPS=(bolt pg1 pg1-nginx pg2-nginx)
declare -A TARGET=([bolt]=$URL_bolt [pg1]=$URL_pgA [pg1-nginx]=http://127.0.0.1:$N1 [pg2-nginx]=http://127.0.0.1:$N2)
"$OUT/load" --manifest "$SITE/public/.beforetrip-pages.json" --dump-ids "$WORK/ids.txt"
NIDS=$(wc -l <"$WORK/ids.txt")
if ((LIKE_REPS * ${#SETUPS[@]} * LIKE_PAGES > NIDS)); then
	echo "bench/scale.sh: LIKE_REPS x 4 x LIKE_PAGES = $((LIKE_REPS * 4 * LIKE_PAGES)) pages, the site has $NIDS" >&2
	exit 1
fi

# settle waits until no rebuild worker has finished a build for 6 s (more
# than rebuild.max_wait: the likes of a round leave rebuilds behind that
# would compete with the next round).
settle() {
	local before after
	for ((i = 0; i < 40; i++)); do
		before=$(cat "$LOG_bolt" "$LOG_pgA" "$LOG_pgB" | grep -c '"live: built"' || true)
		sleep 6
		after=$(cat "$LOG_bolt" "$LOG_pgA" "$LOG_pgB" | grep -c '"live: built"' || true)
		[ "$before" = "$after" ] && return
	done
}

LOAD_BEFORE=$(uptime | sed 's/.*load average: //')
declare -A READS LIKES
for ((r = 1; r <= READ_REPS; r++)); do
	for s in "${SETUPS[@]}"; do
		echo "wrk GET /api/pages, $s, round $r/$READ_REPS..." >&2
		READS[$s]+="$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/pages.lua "${TARGET[$s]}" -- "$WORK/ids.txt" 20 | wrk_figures);"
	done
done

# Like -> page on disk, on a store where nothing was liked yet (so the
# page tops /popular/ from its first like).
echo "like -> /popular/ on disk, $LAG_LIKES likes each..." >&2
LAG_bolt=$("$OUT/load" --mode publish --manifest "$MANIFEST" --url "$URL_bolt" --users "$LAG_LIKES" --prefix lagbolt \
	--watch "$WORK/public-bolt/popular/index.html" --timeout 60s)
LAG_pgB=$("$OUT/load" --mode publish --manifest "$MANIFEST" --url "$URL_pgB" --users "$LAG_LIKES" --prefix lagfollower \
	--watch "$WORK/public-pg/popular/index.html" --timeout 60s)
LAG_pgA=$("$OUT/load" --mode publish --manifest "$MANIFEST" --url "$URL_pgA" --users "$LAG_LIKES" --prefix lagleader \
	--watch "$WORK/public-pg/popular/index.html" --timeout 60s)
grep -q 'rebuild: leading' "$LOG_pgB" && { echo "bench/scale.sh: pgB took the lead: the lag figures are not of a follower" >&2; exit 1; }
settle

echo "registering $USERS accounts on each store..." >&2
"$OUT/load" --url "$URL_bolt" --users "$USERS" --prefix wrk --dump-tokens "$WORK/tokens-bolt.txt" --timeout 60s
"$OUT/load" --url "$URL_pgA" --users "$USERS" --prefix wrk --dump-tokens "$WORK/tokens-pg.txt" --timeout 60s
window=0
for ((r = 1; r <= LIKE_REPS; r++)); do
	for s in "${SETUPS[@]}"; do
		tokens=$WORK/tokens-pg.txt
		[ "$s" = bolt ] && tokens=$WORK/tokens-bolt.txt
		echo "wrk PUT/DELETE /api/likes, $s, round $r/$LIKE_REPS..." >&2
		LIKES[$s]+="$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/wrk/likes.lua "${TARGET[$s]}" -- \
			"$tokens" "$WORK/ids.txt" $((window * LIKE_PAGES + 1)) "$LIKE_PAGES" 2 | wrk_figures);"
		window=$((window + 1))
		settle
	done
done
LOAD_AFTER=$(uptime | sed 's/.*load average: //')

echo
echo "Scale-out, $PAGES-page site, $(nproc) CPUs ($(uname -m)), $(date -u +%Y-%m-%dT%H:%MZ); load average before $LOAD_BEFORE, after $LOAD_AFTER."
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') ($PGSETTINGS${PG_PARAMS:+; store URL ?$PG_PARAMS}); wrk -t2 -c$CONNS -d$DURATION, load generator on the same machine."
echo "reads: GET /api/pages (20 IDs), anonymous, $READ_REPS rounds; likes: PUT/DELETE /api/likes, each a change, $USERS users x $LIKE_PAGES fresh pages per round, $LIKE_REPS rounds."
echo
echo "| setup | reads req/s (median) | reads p99 ms | likes req/s (median) | likes p99 ms | errors | rounds (req/s p99 errors) |"
echo "|---|---:|---:|---:|---:|---:|---|"
declare -A RM LM
for s in "${SETUPS[@]}"; do
	IFS=';' read -ra rr <<<"${READS[$s]%;}"
	IFS=';' read -ra lr <<<"${LIKES[$s]%;}"
	RM[$s]=$(median_of 1 "${rr[@]}")
	LM[$s]=$(median_of 1 "${lr[@]}")
	printf '| %s | %s | %s | %s | %s | %s | reads %s; likes %s |\n' "$s" "${RM[$s]}" "$(median_of 2 "${rr[@]}")" \
		"${LM[$s]}" "$(median_of 2 "${lr[@]}")" $(($(sum_of 3 "${rr[@]}") + $(sum_of 3 "${lr[@]}"))) \
		"$(printf '%s, ' "${rr[@]}" | sed 's/, $//')" "$(printf '%s, ' "${lr[@]}" | sed 's/, $//')"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
echo
echo "ratios (reads / likes): pg1/bolt $(ratio "${RM[pg1]}" "${RM[bolt]}") / $(ratio "${LM[pg1]}" "${LM[bolt]}");" \
	"pg1-nginx/pg1 $(ratio "${RM[pg1-nginx]}" "${RM[pg1]}") / $(ratio "${LM[pg1-nginx]}" "${LM[pg1]}");" \
	"pg2-nginx/pg1-nginx $(ratio "${RM[pg2-nginx]}" "${RM[pg1-nginx]}") / $(ratio "${LM[pg2-nginx]}" "${LM[pg1-nginx]}");" \
	"pg2-nginx/bolt $(ratio "${RM[pg2-nginx]}" "${RM[bolt]}") / $(ratio "${LM[pg2-nginx]}" "${LM[bolt]}")"
echo
echo "like -> /popular/ on disk (rebuild.debounce ${DEBOUNCE:-1s, the default}), one like at a time:"
echo "- bbolt, one instance: $LAG_bolt"
echo "- PostgreSQL, like through the instance that does not lead: $LAG_pgB"
echo "- PostgreSQL, like through the leader: $LAG_pgA"
