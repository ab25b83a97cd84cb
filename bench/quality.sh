#!/usr/bin/env bash
# Offline quality of every model, tuned, on MovieLens 100K and latest-small
# under two protocols: an 80/20 per-member random holdout and strong
# generalization (Liang et al. 2018), ratings >= 4 as positives.
#
# Each model is tuned on a validation split carved from the training data
# (random search, NDCG@10), then the best setting is retrained and measured
# on the test split. Prints one table; JSON per run goes to $OUT (default
# bench-out/quality).
#
#   bench/quality.sh [TRIALS]        (default 40; needs ../shared/data)
#
# SETS and PROTOCOLS choose the rows (defaults: both data sets; random-holdout
# strong). The README's leave-last-out block:
#   SETS=ml-100k PROTOCOLS=leave-last-out OUT=bench-out/quality-llo bench/quality.sh 20
#
# Strong generalization holds out 200 members of ML-100K (943) and 150 of
# latest-small (610): enough to keep the estimate's noise below the gaps.
set -euo pipefail
cd "$(dirname "$0")/.."
MARQUEE=${MARQUEE:-build/marquee}
DATA=${DATA:-../shared/data}
OUT=${OUT:-bench-out/quality}
TRIALS=${1:-40}
SETS=${SETS:-ml-100k ml-latest-small}
PROTOCOLS=${PROTOCOLS:-random-holdout strong}
declare -A HELDOUT=([ml-100k]=200 [ml-latest-small]=150)
mkdir -p "$OUT"

declare -A SPACE=(
  [popularity]="half_life=0|7|30|365"
  [itemknn]="neighbors=20|50|100|200|500|1000;shrink=0|10|50|100|500;weighting=none|tfidf|bm25"
  [ials]="factors=64|128|256;regularization=0.003:0.3:log;alpha=1:50:log;iterations=15"
  [ease]="lambda=30:3000:log"
)

for set in $SETS; do
  [ -d "$DATA/$set" ] || { echo "skipping $set: $DATA/$set is absent"; continue; }
  "$MARQUEE" import --format movielens "$DATA/$set" --skip-invalid --out "$OUT/$set.mqd" > /dev/null
  for protocol in $PROTOCOLS; do
    for model in popularity itemknn ials ease; do
      strategy=random
      [ "$model" = popularity ] && strategy=grid
      "$MARQUEE" tune --data "$OUT/$set.mqd" --model "$model" --space "${SPACE[$model]}" \
        --strategy "$strategy" --trials "$TRIALS" --metric ndcg@10 --cutoffs 10,20,100 \
        --protocol "$protocol" --fraction 0.2 --heldout-members "${HELDOUT[$set]}" \
        --min-rating 4 --seed 7 \
        --json "$OUT/$set-$protocol-$model.json" > "$OUT/$set-$protocol-$model.log"
    done
  done
done

python3 - "$OUT" <<'PY'
import json, sys, glob, os
rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    j = json.load(open(path))
    t = j["test"]
    m = {x["k"]: x for x in t["metrics"]}
    name = os.path.basename(path)[:-5]
    for tag, protocol in (("-random-holdout-", "80/20 holdout"), ("-strong-", "strong gen."),
                          ("-leave-last-out-", "leave-last-out")):
        if tag in name:
            dataset = name.split(tag)[0]
            break
    best = " ".join(f"{k}={v}" for k, v in sorted(j["trials"][j["best"]]["parameters"].items()))
    rows.append((dataset, protocol, j["model"], m[20]["recall"], m[10]["ndcg"], m[100]["ndcg"], best))
order = {"popularity": 0, "itemknn": 1, "ials": 2, "ease": 3}
rows.sort(key=lambda r: (r[0], r[1], order[r[2]]))
print(f"{'dataset':16} {'protocol':14} {'model':11} {'Recall@20':>9} {'NDCG@10':>8} {'NDCG@100':>8}  best setting (validation NDCG@10)")
for r in rows:
    print(f"{r[0]:16} {r[1]:14} {r[2]:11} {r[3]:9.4f} {r[4]:8.4f} {r[5]:8.4f}  {r[6]}")
PY
