#!/usr/bin/env bash
# Serving load benchmark: `marquee serve` under wrk on loopback.
#
#   bench/serve_load.sh                 # build/marquee, data cached in bench-out/serve/
#   DURATION=5s bench/serve_load.sh     # shorter runs
#
# Generates (once) a service of 20,000 titles, 1,000,000 members and 30M
# plays, trains (once) a 64-factor iALS model, starts the server on a free
# port with a fresh events DB, and for each endpoint runs wrk at 4, 16 and 64
# connections, printing requests/s and p50/p99/p99.9 latency. wrk 4.1 cannot
# hold a fixed request rate, so each run is closed-loop at a fixed connection
# count and the achieved rate is reported; "max" is the best rate seen.
# Env: MARQUEE (binary), OUT (cache dir), DURATION, SERVER_THREADS, CONNECTIONS,
# SERVE_FLAGS (extra `marquee serve` flags, e.g. "--retrieval hnsw --hnsw-ef 64"),
# ENDPOINTS (rows to run, by Lua script name, e.g. "serve_recommendations serve_history"; default all).
set -euo pipefail
cd "$(dirname "$0")/.."

MARQUEE=${MARQUEE:-build/marquee}
OUT=${OUT:-bench-out/serve}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-"4 16 64"}
# Server workers compute answers; connections (keep-alive or not) hold none,
# so the pool need not match the connection count: a few per core suffice.
SERVER_THREADS=${SERVER_THREADS:-4}
export MEMBERS=1000000 TITLES=20000
PLAYS=30000000

mkdir -p "$OUT"
DATA="$OUT/service.mqd"
MODEL="$OUT/model"
EVENTS="$OUT/events.db"
LOG="$OUT/wrk.log"

if [[ ! -f "$DATA" ]]; then
  echo "generating $MEMBERS members x $TITLES titles, $PLAYS plays -> $DATA" >&2
  "$MARQUEE" generate --members "$MEMBERS" --titles "$TITLES" --plays "$PLAYS" --out "$DATA.tmp" >"$OUT/generate.log"
  mv "$DATA.tmp" "$DATA"
fi
if [[ ! -f "$MODEL/model.mqm" || "$MODEL/model.mqm" -ot "$DATA" ]]; then
  echo "training iALS (64 factors, 10 iterations) -> $MODEL" >&2
  rm -rf "$MODEL"
  "$MARQUEE" train --data "$DATA" --model ials --factors 64 --iterations 10 --out "$MODEL" >"$OUT/train.log"
fi

rm -f "$EVENTS" "$EVENTS-wal" "$EVENTS-shm"
SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT INT TERM

"$MARQUEE" serve --data "$DATA" --model "$MODEL" --events "$EVENTS" --port 0 \
  --http-threads "$SERVER_THREADS" ${SERVE_FLAGS:-} >"$OUT/serve.log" 2>&1 &
SERVER_PID=$!
ADDRESS=""
for _ in $(seq 1 600); do
  ADDRESS=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$OUT/serve.log")
  [[ -n "$ADDRESS" ]] && curl -fsS "$ADDRESS/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:" >&2; cat "$OUT/serve.log" >&2; exit 1; }
  ADDRESS=""
  sleep 0.1
done
[[ -n "$ADDRESS" ]] || { echo "server did not answer /healthz" >&2; exit 1; }
echo "server $ADDRESS (pid $SERVER_PID, --http-threads $SERVER_THREADS); wrk output in $LOG" >&2
: >"$LOG"

# run NAME BATCH CONNECTIONS SCRIPT [ARGS...] -> one table row
run() {
  local name=$1 batch=$2 conns=$3 script=$4; shift 4
  [[ -n "${ENDPOINTS:-}" && "$ENDPOINTS" != *"$(basename "$script" .lua)"* ]] && return 0
  local threads=2
  (( conns < 2 )) && threads=1
  local out
  out=$(wrk --latency -t "$threads" -c "$conns" -d "$DURATION" --timeout 10s -s "$script" "$ADDRESS" -- "$@" 2>&1)
  { echo "== $name -c $conns"; echo "$out"; } >>"$LOG"
  echo "$out" | awk -v name="$name" -v batch="$batch" -v conns="$conns" '
    /^Requests\/sec:/ { rps = $2 }
    /^MARQUEE_STATS/ {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] }
    }
    END {
      if (rps == "") { printf "%-30s %5s  wrk failed (see log)\n", name, conns; exit }
      printf "%-30s %5d %10.0f %10.0f %9.2f %9.2f %9.2f %8d\n", name, conns, rps, rps * batch,
             s["p50_us"] / 1000, s["p99_us"] / 1000, s["p999_us"] / 1000, s["non2xx"] + s["socket_errors"]
    }'
}

echo
echo "marquee serve load: $MEMBERS members, $TITLES titles, $PLAYS plays, iALS 64 factors; wrk $DURATION per row"
echo "machine: $(nproc) cores shared by wrk (2 threads) and the server ($SERVER_THREADS worker threads) -- loopback"
printf "%-30s %5s %10s %10s %9s %9s %9s %8s\n" endpoint conns req/s items/s p50_ms p99_ms p99.9_ms errors
ROWS=$(mktemp)
for conns in $CONNECTIONS; do
  run "GET member recs k=20" 1 "$conns" bench/serve_recommendations.lua
  run "POST recs history=10 k=20" 1 "$conns" bench/serve_history.lua
  run "GET similar k=20" 1 "$conns" bench/serve_similar.lua
  run "POST events batch=1" 1 "$conns" bench/serve_events.lua 1
  run "POST events batch=50" 50 "$conns" bench/serve_events.lua 50
done | tee "$ROWS"
echo
echo "maximum throughput (best over connection counts; items/s = events/s for event rows):"
awk '{ name = substr($0, 1, 30); conns = $(NF-6); rps = $(NF-5); items = $(NF-4)
       if (!(name in best) || rps + 0 > best[name]) { best[name] = rps + 0; it[name] = items; c[name] = conns }
       if (!(name in seen)) { seen[name] = 1; names[++n] = name } }
     END { for (i = 1; i <= n; i++) printf "%s %10.0f req/s %10.0f items/s  (at -c %d)\n", names[i], best[names[i]], it[names[i]], c[names[i]] }' "$ROWS"
rm -f "$ROWS"
echo "events stored: $(curl -fsS "$ADDRESS/metrics" | awk '/^marquee_events_ingested_total/ { print $2 }')"
stop_server
