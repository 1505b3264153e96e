#!/usr/bin/env bash
# Portal pages against nginx, in one run, on loopback only.
#
# Builds the release binary, loads ITEMS published items (default 100,000)
# into a fresh SQLite data directory (bench/portal-load.sql, timed), serves
# it with `yangguang serve`, renders the chosen pages once with curl into a
# static directory served by nginx (Debian's package, one worker,
# access_log off), then runs wrk against:
#   item page    uncached  distinct pages never requested before, served by
#                          the server restarted to keep no page
#                          (YANGGUANG_PAGE_CACHE_MB=0): every view a first render
#                cached    a fixed set of 1,000 items rendered once
#                nginx     the same 1,000 pages as static files
#   catalog      uncached  catalog pages (page numbers, filters) never requested
#                cached    a fixed set of 50 catalog pages rendered once
#                nginx     the same 50 pages as static files
#   (catalog pages never requested: later page numbers in both orders,
#   interleaved with filtered pages: a category, a year, a genre)
# and prints req/s, p50, p99 and the server's CPU time per request, with
# the ratio to nginx. The cached and nginx runs alternate for ROUNDS rounds
# (default 3; the median round is shown); the first renders run last.
#
# Bounded: DURATION seconds per run (default 10; 4 x ROUNDS + 2 runs, plus
# waits until the server is idle after the uncached runs), CONNECTIONS
# connections (default 32), wrk -t1 (THREADS). Everything started here is
# stopped on exit; the data directory is removed unless KEEP=1.
#
# Usage: bench/portal.sh [DURATION] [CONNECTIONS]
#   BIN=path       use this binary instead of building one
#   ITEMS=100000 ROUNDS=3 PORT=18281 NGINX_PORT=18282 THREADS=1 KEEP=0
#   EXTRA_INDEX=1  also create an index on disclosure_items(interprets_id)
#                  after loading (not in the migrations: shows its effect)
#   WORKERS=n      the server's worker threads (TOKIO_WORKER_THREADS). Default
#                  1: nginx runs one worker, so each side gets one thread and
#                  wrk the other core. WORKERS=2 is the server's own default
#                  on this 2-core machine (one worker thread a core).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${1:-10}
CONNS=${2:-32}
ITEMS=${ITEMS:-100000}
PORT=${PORT:-18281}
NGPORT=${NGINX_PORT:-18282}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-1}
CACHED_ITEMS=1000
CACHED_LISTS=50

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# BIN=path skips the build (e.g. a binary built from another checkout).
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=$ROOT/target/release/yangguang
fi

WORK=$(mktemp -d /tmp/yg-portal-bench.XXXXXX)
SERVER=""
NGINX_PID=""
cleanup() {
  set +e
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- data
DATA=$WORK/data
"$BIN" migrate --data-dir "$DATA" >/dev/null
# This node's search index is made while the catalog is still empty, so
# that `serve` follows the outbox instead of rebuilding the index from
# 100,000 items during the runs (search is not measured here).
"$BIN" reindex --data-dir "$DATA" >/dev/null 2>&1
t0=$(now)
sqlite3 "$DATA/yangguang.db" ".parameter set @n $ITEMS" ".read bench/portal-load.sql"
t1=$(now)
LOAD_SECS=$(secs "$t0" "$t1")
# One audited action, as on any node in use: it writes the audit head file
# whose fingerprint pages check for this node's own writes (cache.rs).
"$BIN" user add bench-office --name 办公室 --role office --password 'Bench-Portal-2026!' --data-dir "$DATA" >/dev/null
if [ "${EXTRA_INDEX:-0}" = 1 ]; then
  sqlite3 "$DATA/yangguang.db" "CREATE INDEX bench_items_interprets ON disclosure_items (interprets_id);"
fi
DB_MB=$(du -m "$DATA/yangguang.db" | cut -f1)

start_server() { # [page cache MB]
  export TOKIO_WORKER_THREADS=$WORKERS
  YANGGUANG_PAGE_CACHE_MB=${1:-256} "$BIN" serve --data-dir "$DATA" --addr "127.0.0.1:$PORT" >/dev/null 2>>"$WORK/server.log" &
  SERVER=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.25
  done
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }
}
start_server

# ---------------------------------------------------------------- pages
# Cached set: every (ITEMS / 1000)-th item and the first 50 catalog pages.
STEP=$(( ITEMS / CACHED_ITEMS ))
WWW=$WORK/www
mkdir -p "$WWW/item" "$WWW/ml"
: >"$WORK/yg-items.txt"; : >"$WORK/ng-items.txt"; : >"$WORK/curl.cfg"
for k in $(seq 1 "$CACHED_ITEMS"); do
  id=$(( k * STEP ))
  echo "/xxgk/item/$id" >>"$WORK/yg-items.txt"
  echo "/item/$id.html" >>"$WORK/ng-items.txt"
  printf 'url = "http://127.0.0.1:%s/xxgk/item/%s"\noutput = "%s/item/%s.html"\n' "$PORT" "$id" "$WWW" "$id" >>"$WORK/curl.cfg"
done
: >"$WORK/yg-ml.txt"; : >"$WORK/ng-ml.txt"
for n in $(seq 1 "$CACHED_LISTS"); do
  q=$([ "$n" = 1 ] && echo "" || echo "?page=$n")
  echo "/xxgk/ml$q" >>"$WORK/yg-ml.txt"
  echo "/ml/$n.html" >>"$WORK/ng-ml.txt"
  printf 'url = "http://127.0.0.1:%s/xxgk/ml%s"\noutput = "%s/ml/%s.html"\n' "$PORT" "$q" "$WWW" "$n" >>"$WORK/curl.cfg"
done
# The first render of each (this fills the cache) is the static copy.
t2=$(now)
curl -sf -K "$WORK/curl.cfg"
t3=$(now)
RENDER_SECS=$(secs "$t2" "$t3")
first_id=$(head -1 "$WORK/yg-items.txt")
hit=$(curl -sI "http://127.0.0.1:$PORT$first_id" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache" {print $2}')
[ "$hit" = "HIT" ] || { echo "expected a cache hit on $first_id, got '$hit'"; exit 1; }

# Uncached: items outside the cached set, then their other font sizes
# (each a page of its own), in an order no run repeats within its time.
awk -v n="$ITEMS" -v s="$STEP" 'BEGIN {
  for (v = 0; v < 3; v++) for (i = 1; i <= n; i++) if (i % s != 0)
    print "/xxgk/item/" i (v == 0 ? "" : (v == 1 ? "?fs=l" : "?fs=s")) }' >"$WORK/yg-items-new.txt"
# Catalog pages never requested: later page numbers in both orders, each
# followed by a filtered page (a category with its children, a year, a
# genre: these walk every listed item).
PAGES=$(( (ITEMS + 19) / 20 ))
awk -v p="$PAGES" -v c="$CACHED_LISTS" 'BEGIN {
  split("zcwj aqsc xzzf jgzn ghjh zcjd", cat, " "); split("%E9%80%9A%E7%9F%A5 %E6%84%8F%E8%A7%81 %E5%85%AC%E5%91%8A %E5%86%B3%E5%AE%9A %E6%8A%A5%E5%91%8A %E8%A7%84%E5%88%92", g, " ")  # 通知 意见 公告 决定 报告 规划
  for (i = c + 1; i <= p; i++) {
    print "/xxgk/ml?page=" i; print "/xxgk/ml?sort=old&page=" i
    f = i % 3
    if (f == 0) print "/xxgk/ml?category=" cat[i % 6 + 1] "&page=" (i % 40 + 1)
    else if (f == 1) print "/xxgk/ml?year=" (2010 + i % 17) "&page=" (i % 20 + 1)
    else print "/xxgk/ml?genre=" g[i % 6 + 1] "&page=" (i % 40 + 1)
  } }' >"$WORK/yg-ml-new.txt"

ITEM_BYTES=$(cat "$WWW"/item/*.html | wc -c)
ML_BYTES=$(cat "$WWW"/ml/*.html | wc -c)

# ---------------------------------------------------------------- nginx
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 65;
  types { }
  default_type text/html;
  charset utf-8;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGPORT;
    root $WWW;
  }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 1 40); do
  curl -sf "http://127.0.0.1:$NGPORT/ml/1.html" >/dev/null && break
  sleep 0.25
done
cmp -s <(curl -s "http://127.0.0.1:$NGPORT/item/$STEP.html") <(curl -s "http://127.0.0.1:$PORT/xxgk/item/$STEP") \
  || { echo "nginx and yangguang serve different item pages"; exit 1; }

# ---------------------------------------------------------------- wrk
# Each wrk thread walks the path list from its own offset.
cat >"$WORK/paths.lua" <<'EOF'
local paths = {}
local i = 0
local threads = 0
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  threads = tonumber(args[2])
  i = tid or 0
end
function request()
  local p = paths[(i % #paths) + 1]
  i = i + threads
  return wrk.format("GET", p)
end
EOF

NG_WORKER=$(pgrep -P "$NGINX_PID" | head -1)
TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Waits until the server is idle (requests still running after wrk stopped).
wait_idle() {
  local a b
  for _ in $(seq 1 240); do
    a=$(cpu_ticks "$SERVER"); sleep 0.5; b=$(cpu_ticks "$SERVER")
    [ $(( b - a )) -le $(( TCK / 20 )) ] && return 0
  done
}

declare -A RPS P50 P99 CPU ERR
run() { # key pid port pathfile [connections]: one wrk run; keeps every round's figures
  local out a b n
  a=$(cpu_ticks "$2")
  out=$(wrk -t"$THREADS" -c"${5:-$CONNS}" -d"${DURATION}s" --timeout 60s --latency \
    -s "$WORK/paths.lua" "http://127.0.0.1:$3" -- "$4" "$THREADS")
  b=$(cpu_ticks "$2")
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  RPS[$1]+="$(echo "$out" | awk '/Requests\/sec/ {print $2}') "
  P50[$1]+="$(echo "$out" | awk '$1=="50%" {print $2}') "
  P99[$1]+="$(echo "$out" | awk '$1=="99%" {print $2}') "
  CPU[$1]+="$(awk -v t=$(( b - a )) -v n="$n" -v hz="$TCK" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }') "
  ERR[$1]+=$(echo "$out" | awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}')
}
# The round with the median req/s: "rps p50 p99 cpu".
median() {
  paste <(tr ' ' '\n' <<<"${RPS[$1]}") <(tr ' ' '\n' <<<"${P50[$1]}") \
    <(tr ' ' '\n' <<<"${P99[$1]}") <(tr ' ' '\n' <<<"${CPU[$1]}") |
    awk 'NF == 4' | sort -g | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# Pages already rendered once, alternating nginx and yangguang, ROUNDS
# times (the median round is reported). Then the first renders, each
# followed by a pause until the server is idle again.
for _ in $(seq 1 "$ROUNDS"); do
  run nginx-item "$NG_WORKER" "$NGPORT" "$WORK/ng-items.txt"
  run yg-item-cached "$SERVER" "$PORT" "$WORK/yg-items.txt"
  run nginx-ml "$NG_WORKER" "$NGPORT" "$WORK/ng-ml.txt"
  run yg-ml-cached "$SERVER" "$PORT" "$WORK/yg-ml.txt"
done
# First renders: the server again, keeping no page (YANGGUANG_PAGE_CACHE_MB=0),
# so that every request is a first render even when a run cycles through
# its list (the catalog's 15,000 distinct pages last well under a second).
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
start_server 0
# The server loads the catalog listing in the background once it answers:
# that start-up work is not a page view, so the runs wait it out.
wait_idle
run yg-item-uncached "$SERVER" "$PORT" "$WORK/yg-items-new.txt"
wait_idle
run yg-ml-uncached "$SERVER" "$PORT" "$WORK/yg-ml-new.txt"
wait_idle
[ "$(curl -sI "http://127.0.0.1:$PORT/xxgk/ml" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache" {print $2}')" = MISS ] \
  || { echo "the first-render server kept a page"; exit 1; }
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "yangguang portal vs nginx: $ITEMS items on SQLite ($DB_MB MB), loaded in ${LOAD_SECS}s;"
echo "first render of the $CACHED_ITEMS + $CACHED_LISTS cached pages with curl: ${RENDER_SECS}s"
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
echo "wrk -t$THREADS -c$CONNS -d${DURATION}s --latency, median of $ROUNDS rounds for cached and nginx;"
echo "nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), one worker, access_log off, sendfile on; yangguang: $WORKERS worker thread(s)"
echo "average page: item $(( ITEM_BYTES / CACHED_ITEMS )) B, catalog $(( ML_BYTES / CACHED_LISTS )) B${EXTRA_INDEX:+; EXTRA_INDEX=$EXTRA_INDEX}"
echo
printf '| %-7s | %-27s | %9s | %8s | %8s | %12s | %8s |\n' page server "req/s" p50 p99 "server CPU" "vs nginx"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' --------- ----------------------------- ----------: ---------: ---------: -------------: ---------:
row() { # label server key nginx-key
  local m n
  read -r -a m <<<"$(median "$3")"
  read -r -a n <<<"$(median "$4")"
  printf '| %-7s | %-27s | %9s | %8s | %8s | %9s µs | %8s |\n' "$1" "$2" "${m[0]:-}" "${m[1]:-}" "${m[2]:-}" "${m[3]:-}" "$(ratio "${m[0]:-0}" "${n[0]:-0}")"
}
row item "nginx (static file)" nginx-item nginx-item
row item "yangguang, cached" yg-item-cached nginx-item
row item "yangguang, uncached (first)" yg-item-uncached nginx-item
row catalog "nginx (static file)" nginx-ml nginx-ml
row catalog "yangguang, cached" yg-ml-cached nginx-ml
row catalog "yangguang, uncached (first)" yg-ml-uncached nginx-ml
echo
echo "server CPU: CPU time of the server process (nginx: its worker) per request."
for k in nginx-item yg-item-cached nginx-ml yg-ml-cached; do
  echo "req/s per round, $k: ${RPS[$k]}"
done
for k in nginx-item yg-item-cached yg-item-uncached nginx-ml yg-ml-cached yg-ml-uncached; do
  [ -n "${ERR[$k]:-}" ] && echo "$k: ${ERR[$k]}"
done
true
