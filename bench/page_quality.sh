#!/usr/bin/env bash
# Page-level quality (issue 13 §3): whole homepages built as of a split date
# and measured against each member's next plays -- a popularity page, one
# Top Picks list cut into rows, the configured rows in fixed order, and the
# personalized assembly -- on the synthetic service (with its ground truth:
# graded measures against each member's true tastes) and on MovieLens
# latest-small (skipped when ../shared/data/ml-latest-small is absent).
#
#   bench/page_quality.sh            (prints both tables; JSON in $OUT)
#
# Both use a temporal split at the 0.8 quantile of interaction times (the
# synthetic plays fall in the 730 days before 2026-01-01) and the built-in
# page configuration, 10 rows x 20 titles. On latest-small the personalized -
# fixed-order difference is also taken at five split quantiles (ROLLING) with
# iALS, EASE and item-kNN, and pooled (member-weighted mean; standard error
# from the five, treated as independent).
set -euo pipefail
cd "$(dirname "$0")/.."
MARQUEE=${MARQUEE:-build/marquee}
DATA=${DATA:-../shared/data}
OUT=${OUT:-bench-out/page-quality}
QUANTILE=${QUANTILE:-0.8}
ROLLING=${ROLLING:-"0.5 0.6 0.7 0.8 0.9"}
IALS=${IALS:-"--factors 64 --iterations 15 --regularization 0.03 --alpha 10"}
mkdir -p "$OUT"

echo "== synthetic service: 3000 members x 1000 titles x 200000 plays (seed 42)"
"$MARQUEE" generate --members 3000 --titles 1000 --plays 200000 --seed 42 \
  --out "$OUT/synthetic.mqd" --truth "$OUT/synthetic.mqt" > /dev/null
# shellcheck disable=SC2086
"$MARQUEE" evaluate-page --data "$OUT/synthetic.mqd" --truth "$OUT/synthetic.mqt" --model ials $IALS \
  --split-quantile "$QUANTILE" --row-kinds --json "$OUT/synthetic.json" 2> "$OUT/synthetic.log"

set=ml-latest-small
if [ -d "$DATA/$set" ]; then
  echo
  echo "== MovieLens latest-small (every rating a play)"
  "$MARQUEE" import --format movielens "$DATA/$set" --skip-invalid --out "$OUT/$set.mqd" > /dev/null
  # shellcheck disable=SC2086
  "$MARQUEE" evaluate-page --data "$OUT/$set.mqd" --model ials $IALS \
    --split-quantile "$QUANTILE" --row-kinds --json "$OUT/$set.json" 2> "$OUT/$set.log"
  # One split leaves only ~20-30 members on both sides (latest-small's members
  # rate in bursts); five split dates (rolling origin) pool ~120 member pages.
  echo
  echo "== MovieLens latest-small, personalized - fixed-order page NDCG at five split dates, by model"
  printf '%-8s %8s %8s %24s\n' model quantile members "difference +- s.e."
  for model in ials ease itemknn; do
    flags=""
    [ "$model" = ials ] && flags=$IALS
    for q in $ROLLING; do
      # shellcheck disable=SC2086
      "$MARQUEE" evaluate-page --data "$OUT/$set.mqd" --model $model $flags --split-quantile "$q" \
        --json "$OUT/$set-$model-$q.json" > /dev/null 2>> "$OUT/$set.log"
    done
    python3 - "$model" "$OUT/$set-$model" $ROLLING <<'PY'
import json, math, sys
model, prefix, quantiles = sys.argv[1], sys.argv[2], sys.argv[3:]
total = weighted = variance = 0.0
for q in quantiles:
    r = json.load(open(f"{prefix}-{q}.json"))
    d, n = r["personalized_vs_fixed_ndcg"], r["members_evaluated"]
    print(f"{model:<8} {q:>8} {n:>8} {d['mean']:>+14.4f} +- {d['standard_error']:.4f}")
    total += n
    weighted += n * d["mean"]
    variance += (n * d["standard_error"]) ** 2
print(f"{model:<8} {'pooled':>8} {int(total):>8} {weighted / total:>+14.4f} +- {math.sqrt(variance) / total:.4f}")
PY
  done
else
  echo "skipping $set: $DATA/$set is absent"
fi
