#!/usr/bin/env bash
# 依申请公开 submission throughput on loopback: builds the release binary,
# seeds the demo into a fresh directory, serves it, and runs wrk POSTing the
# public application form (with its CSRF cookie and token) for DURATION
# seconds over CONNECTIONS connections. Afterwards it counts the stored
# applications: every acknowledged (200) submission must be in the
# database.
# Usage: bench/ysq-submit.sh [DURATION] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNS=${2:-16}
PORT=${PORT:-18182}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet --bin yangguang
DIR=$(mktemp -d)
./target/release/yangguang demo --laws none --data-dir "$DIR" --addr "127.0.0.1:$PORT" >/dev/null 2>"$DIR/server.log" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done
JAR="$DIR/cookies"
TOKEN=$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/xxgk/ysqgk" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
COOKIE=$(awk '$6=="yg_csrf" {print "yg_csrf=" $7}' "$JAR")
BEFORE=$(sqlite3 "$DIR/yangguang.db" "SELECT COUNT(*) FROM ysq_applications")
cat > "$DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$COOKIE"
wrk.body = "_csrf=$TOKEN&applicant_type=natural&name=%E5%8E%8B%E6%B5%8B&id_type=resident_id&id_number=11010519491231002X&phone=13800138000&description=%E5%8E%8B%E6%B5%8B%E7%94%B3%E8%AF%B7%E6%89%80%E9%9C%80%E4%BF%A1%E6%81%AF%E6%8F%8F%E8%BF%B0&provision_form=electronic&delivery=online"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0 end
function response(status, headers, body) if status == 200 and body:find("query%-code") then ok = ok + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("ok") end
  io.write(string.format("acknowledged %d\n", total))
end
LUA
OUT=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$DIR/post.lua" "http://127.0.0.1:$PORT/xxgk/ysqgk")
AFTER=$(sqlite3 "$DIR/yangguang.db" "SELECT COUNT(*) FROM ysq_applications")
ACK=$(echo "$OUT" | awk '/^acknowledged/ {print $2}')
echo "yangguang $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, SQLite, wrk -t2 -c$CONNS -d${DURATION}s"
echo "$OUT" | awk '/Requests\/sec/ {print "req/s " $2} $1=="50%" {print "p50 " $2} $1=="99%" {print "p99 " $2} /Non-2xx/ {print "non-2xx " $5}'
# Requests still in flight when wrk stops may be stored without being
# counted as acknowledged, so stored >= acknowledged is the check.
echo "acknowledged $ACK, stored $((AFTER - BEFORE))"
[ "$((AFTER - BEFORE))" -ge "$ACK" ] || { echo "MISMATCH: acknowledged submissions missing from the database"; exit 1; }
