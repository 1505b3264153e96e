#!/usr/bin/env bash
# A/B runs of server binaries on the same data: for each binary in turn
# (repeated ROUNDS times, alternating), start `yangguang serve` keeping no
# page (YANGGUANG_PAGE_CACHE_MB=0, so every view is a first render), warm
# it with a 2 s wrk run, then measure a wrk run and print req/s and the
# server's CPU time per request.
#
# The data directory and the path list come from a kept portal run:
#   KEEP=1 ROUNDS=1 bench/portal.sh 2      # prints "kept /tmp/yg-portal-bench.XXXX"
#   bench/ab.sh /tmp/yg-portal-bench.XXXX yg-items-new /tmp/yg-old /tmp/yg-new
# LIST is a file in that directory (yg-items-new, yg-ml-new) or a path to
# any file of request paths.
#
# Usage: bench/ab.sh WORK LIST BIN...
#   SECONDS_EACH=6 ROUNDS=2 WORKERS=1 PORT=18999 CONNECTIONS=32
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: bench/ab.sh WORK LIST BIN...}
LIST=${2:?usage: bench/ab.sh WORK LIST BIN...}
shift 2
[ $# -gt 0 ] || { echo "usage: bench/ab.sh WORK LIST BIN..."; exit 2; }
[ -f "$LIST" ] || LIST=$WORK/$LIST.txt
[ -f "$LIST" ] || { echo "no path list $LIST"; exit 2; }
[ -f "$WORK/paths.lua" ] || { echo "$WORK/paths.lua missing: keep a portal run (KEEP=1)"; exit 2; }
SECS=${SECONDS_EACH:-6}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18999}
CONNS=${CONNECTIONS:-32}
export TOKIO_WORKER_THREADS=${WORKERS:-1}
TCK=$(getconf CLK_TCK)

SERVER=""
stop() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=""
}
trap stop EXIT
trap 'exit 130' INT TERM

one() { # BIN: one measured run
  YANGGUANG_PAGE_CACHE_MB=0 "$1" serve --data-dir "$WORK/data" --addr "127.0.0.1:$PORT" \
    >/dev/null 2>>"$WORK/ab-server.log" &
  SERVER=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.25
  done
  wrk -t1 -c"$CONNS" -d2s -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" -- "$LIST" 1 >/dev/null
  local a b out n
  a=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  out=$(wrk -t1 -c"$CONNS" -d"${SECS}s" -s "$WORK/paths.lua" "http://127.0.0.1:$PORT" -- "$LIST" 1)
  b=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  printf '%-28s %-16s %10s req/s %7s µs/req\n' "$(basename "$1")" "$(basename "$LIST" .txt)" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(awk -v t=$((b - a)) -v n="$n" -v hz="$TCK" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
  stop
}

for _ in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do one "$bin"; done
done
