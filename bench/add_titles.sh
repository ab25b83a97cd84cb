#!/usr/bin/env bash
# Adding titles to a running server (issue 15 §2): how long POST /v1/titles
# takes for batches of new titles, and what requests cost before, during and
# after an addition.
#
#   bench/add_titles.sh                      # exact and hnsw retrieval
#   MODES=exact BATCHES="1 100" bench/add_titles.sh
#
# Serves the homepage service of bench/serve_load.sh (200,000 members x 20,000
# titles x 20M plays, iALS 64; generated and trained here when missing, in
# OUT) with a fresh events DB per mode. Each addition copies the model's
# dataset and title factors, maps the new titles, rebuilds the filter masks
# (and with hnsw the graph, on serve's one reload thread), fsyncs the title
# log and swaps the snapshot: its time is the curl round trip. The "during"
# row is wrk running while MIXED_BATCH titles are added DURING_ADDS times.
# Env: MARQUEE, OUT, DURATION (wrk per row), CONNECTIONS, BATCHES, MODES,
# MIXED_BATCH, DURING_ADDS.
set -euo pipefail
cd "$(dirname "$0")/.."

MARQUEE=${MARQUEE:-build/marquee}
OUT=${OUT:-bench-out/serve}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-4}
BATCHES=${BATCHES:-"1 10 100 1000"}
MODES=${MODES:-"exact hnsw"}
MIXED_BATCH=${MIXED_BATCH:-10}
DURING_ADDS=${DURING_ADDS:-3}
export MEMBERS=200000
DATA="$OUT/homepage-service.mqd"
MODEL="$OUT/homepage-model"
EVENTS="$OUT/add-titles-events.db"
LOG="$OUT/add-titles.log"
TRAIN_FLAGS="--model ials --factors 64 --iterations 10 --regularization 0.001"  # as serve_load.sh

mkdir -p "$OUT"
if [[ ! -f "$DATA" ]]; then
  echo "generating $MEMBERS members x 20000 titles, 20M plays -> $DATA" >&2
  "$MARQUEE" generate --members "$MEMBERS" --titles 20000 --plays 20000000 --out "$DATA.tmp" >/dev/null
  mv "$DATA.tmp" "$DATA"
fi
if [[ ! -f "$MODEL/model.mqm" || "$MODEL/model.mqm" -ot "$DATA" ]]; then
  echo "training iALS ($TRAIN_FLAGS) -> $MODEL" >&2
  rm -rf "$MODEL"
  "$MARQUEE" train --data "$DATA" $TRAIN_FLAGS --out "$MODEL" >/dev/null 2>&1
  echo "$TRAIN_FLAGS" >"$MODEL/train_flags"
fi

source bench/serve_lib.sh
start_server() {
  launch_server "$OUT/add-titles-serve.log" "$EVENTS" --data "$DATA" --model "$MODEL" --artwork-policy none "$@"
}

# titles PREFIX START N -> N new titles as JSON lines, ids from START (genres,
# year, runtime, tags and performers of the synthetic catalog's kinds).
titles() {
  local prefix=$1 start=$2 n=$3
  awk -v p="$prefix" -v n="$n" -v start="$start" 'BEGIN {
    split("Action Comedy Drama Thriller Horror Romance Documentary Animation", g, " ")
    for (i = 0; i < n; i++) {
      id = start + i
      printf "{\"title\": \"%s-%06d\", \"genres\": [\"%s\", \"%s\"], \"year\": %d, \"runtime_minutes\": %d, ",
             p, id, g[id % 8 + 1], g[(id * 3 + 1) % 8 + 1], 2020 + id % 7, 80 + id % 60
      printf "\"maturity\": \"PG-13\", \"performers\": [\"p%06d\"], \"tags\": [\"new\"]}\n", (id * 7919) % 40000
    }
  }'
}

# add PREFIX N -> milliseconds of the POST (fails the script on a non-201)
add() {
  local body status ms
  body=$(mktemp)
  titles "$1" 0 "$2" >"$body"
  read -r status ms < <(curl -s -o "$OUT/add-titles-answer.json" -w '%{http_code} %{time_total}\n' \
    -X POST --data-binary @"$body" "$ADDRESS/v1/titles")
  rm -f "$body"
  [[ "$status" == 201 ]] || { echo "POST /v1/titles answered $status:" >&2; cat "$OUT/add-titles-answer.json" >&2; exit 1; }
  awk -v s="$ms" 'BEGIN { printf "%.0f", s * 1000 }'
}

# wrk_row NAME -> one latency row for GET recommendations k=20
wrk_row() {
  local out
  out=$(wrk --latency -t 2 -c "$CONNECTIONS" -d "$DURATION" --timeout 10s -s bench/serve_recommendations.lua \
    "$ADDRESS" 2>&1)
  { echo "== $1"; echo "$out"; } >>"$LOG"
  echo "$out" | awk -v name="$1" -v c="$CONNECTIONS" '
    /^Requests\/sec:/ { rps = $2 }
    /^MARQUEE_STATS/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] = kv[2] } }
    END { printf "  %-34s %5d %10.0f %9.2f %9.2f %8d\n", name, c, rps, s["p50_us"] / 1000, s["p99_us"] / 1000,
                 s["non2xx"] + s["socket_errors"] }'
}

: >"$LOG"
echo "POST /v1/titles on a $MEMBERS-member, 20,000-title service (iALS 64); $(nproc) cores shared by wrk and the server"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
for mode in $MODES; do
  start_server --retrieval "$mode"
  echo
  echo "retrieval $mode: additions (curl round trip, ms)"
  printf "  %-10s %10s %12s\n" titles ms titles_after
  for n in $BATCHES; do
    ms=$(add "batch$n" "$n")
    after=$(curl -s "$ADDRESS/v1/models" | sed -n 's/.*"titles":\([0-9]*\).*/\1/p')
    printf "  %-10d %10s %12s\n" "$n" "$ms" "$after"
  done
  echo "retrieval $mode: GET recommendations k=20 (wrk $DURATION)"
  printf "  %-34s %5s %10s %9s %9s %8s\n" phase conns req/s p50_ms p99_ms errors
  wrk_row "after the additions"
  (
    sleep 2
    for i in $(seq 1 "$DURING_ADDS"); do add "during$i" "$MIXED_BATCH" >/dev/null; sleep 1; done
  ) &
  adder=$!
  wrk_row "while adding ${DURING_ADDS}x$MIXED_BATCH titles"
  wait "$adder"
done
