#!/usr/bin/env bash
# Whole-system load on loopback: builds the release binary, seeds the demo
# into a fresh directory, serves it on 127.0.0.1, and runs wrk (Debian's
# package) against public pages and the API. Bounded: DURATION seconds per
# URL (default 10), CONNECTIONS connections (default 32), 2 threads.
# Usage: bench/http.sh [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNS=${2:-32}
PORT=${PORT:-18181}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
DIR=$(mktemp -d)
./target/release/yangguang demo --data-dir "$DIR" --addr "127.0.0.1:$PORT" >/dev/null 2>"$DIR/server.log" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done
echo "yangguang $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t2 -c$CONNS -d${DURATION}s"
for path in \
  "/" \
  "/xxgk/" \
  "/gongju/gongzuori?from=2026-09-30&days=20" \
  "/api/v1/rules/working-days?from=2026-09-30&days=20" \
  "/api/v1/rules/due-date?received=2026-09-30&pause=2026-10-09..2026-10-16&extend=10"; do
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  printf '%-90s %10s req/s  p50 %-8s p99 %-8s %s\n' "$path" "$rps" "$p50" "$p99" "${errs:+non-2xx: $errs}"
done
