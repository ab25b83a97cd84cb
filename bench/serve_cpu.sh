#!/usr/bin/env bash
# Server CPU a request: starts `marquee serve` on the bench/serve_load.sh
# service (run that once first: it generates and trains into bench-out/serve),
# runs wrk at 16 connections for DURATION on GET recommendations k=20 with
# QUERY appended, and prints requests/s, the cores the server used (its
# utime+stime from /proc) and CPU microseconds a request.
#
#   bench/serve_cpu.sh "&artwork=true" --retrieval hnsw
#   bench/serve_cpu.sh "&artwork=false"
# Args: QUERY [extra `marquee serve` flags...]. Env: MARQUEE, OUT, DURATION
# (seconds, default 5), SERVER_THREADS (default 8, as serve).
set -euo pipefail
cd "$(dirname "$0")/.."
QUERY=${1:?usage: bench/serve_cpu.sh QUERY [serve flags...]}; shift
MARQUEE=${MARQUEE:-build/marquee}
OUT=${OUT:-bench-out/serve}
DURATION=${DURATION:-5}
[[ -f "$OUT/service.mqd" && -f "$OUT/model/model.mqm" ]] || { echo "run bench/serve_load.sh once first" >&2; exit 1; }
EVENTS=$(mktemp -d)/events.db
LOG=$(mktemp)
"$MARQUEE" serve --data "$OUT/service.mqd" --model "$OUT/model" --events "$EVENTS" --port 0 \
  --http-threads "${SERVER_THREADS:-8}" "$@" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$(dirname "$EVENTS")" "$LOG"' EXIT
ADDRESS=""
for _ in $(seq 1 600); do
  ADDRESS=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$LOG")
  [[ -n "$ADDRESS" ]] && curl -fsS "$ADDRESS/healthz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  ADDRESS=""
  sleep 0.1
done
[[ -n "$ADDRESS" ]] || { echo "server did not answer" >&2; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
before=$(ticks)
out=$(RECS_QUERY="$QUERY" wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/serve_recommendations.lua "$ADDRESS")
after=$(ticks)
rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
p99=$(echo "$out" | awk '/^MARQUEE_STATS/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "p99_us") print kv[2] / 1000 } }')
awk -v r="$rps" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v d="$DURATION" -v p="$p99" -v q="$QUERY $*" \
  'BEGIN { printf "%-45s %8.0f req/s  server %.2f cores  %5.0f us CPU a request  p99 %.1f ms\n", q, r, t / hz / d, t / hz / (r * d) * 1e6, p }'
