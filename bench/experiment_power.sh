#!/usr/bin/env bash
# Interleaving vs A/B (issue 14 §4): members needed for 80% power to tell
# iALS trained on every play (A) from iALS trained on a share of each
# member's plays (B), on a synthetic service of 20,000 members x 2,000 titles
# x 1M plays, for three shares (three sizes of true difference).
#
#   bench/experiment_power.sh      (tables on stdout, power charts in $OUT)
set -euo pipefail
cd "$(dirname "$0")/.."
MARQUEE=${MARQUEE:-build/marquee}
OUT=${OUT:-bench-out/experiment-power}
SAMPLES=${SAMPLES:-"0.5 0.7 0.85"}
REPETITIONS=${REPETITIONS:-200}
mkdir -p "$OUT"
if [ ! -f "$OUT/service.mqd" ]; then
  "$MARQUEE" generate --members 20000 --titles 2000 --plays 1000000 --seed 7 \
    --out "$OUT/service.mqd" --truth "$OUT/service.mqt" > /dev/null
fi
for sample in $SAMPLES; do
  echo "== B learns from $sample of each member's plays"
  "$MARQUEE" experiment power --data "$OUT/service.mqd" --truth "$OUT/service.mqt" --model ials \
    --repetitions "$REPETITIONS" --sample "$sample" --max-members 2000000 \
    --chart "$OUT/power-$sample.svg" 2> "$OUT/power-$sample.log"
  echo
done
