#!/usr/bin/env bash
# The README's speed table, regenerated on this machine: prints the CPU model
# and its vector flags first, then runs each row's command and prints its
# output. Figures from one CPU do not hold on another; report them with it.
#
#   bench/speed.sh                 # every row (about 10 minutes on 2 cores)
#   ROWS="ials score" bench/speed.sh
#   KERNELS="avx2" bench/speed.sh  # iALS rows with the AVX2 kernel only
# Rows: ials (100k x 20k x 10M, 64/128 factors, 15 iterations, CG, each
# kernel in KERNELS), netflix (480,189 x 17,770 x 100M, 64 factors),
# score (one member against 20,000 titles; blocks; top-k), recommend (the
# `recommend` command on all 100k members), ease (20,000 titles).
# Env: BUILD (default build), OUT (scratch, default bench-out/speed),
# THREADS (default 2), ROWS, KERNELS (default: avx512 where the CPU has it, and avx2).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=${OUT:-bench-out/speed}
THREADS=${THREADS:-2}
ROWS=${ROWS:-"ials netflix score recommend ease"}
flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -1)
has() { case " $flags " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if [[ -z "${KERNELS:-}" ]]; then
  KERNELS="avx2"
  if has avx512f && has avx512vl; then KERNELS="avx512 avx2"; fi
fi
mkdir -p "$OUT"

echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
echo -n "flags:"
for f in avx2 fma avx512f avx512vl; do has "$f" && echo -n " $f"; done
echo
"$BUILD/marquee" --version
echo "threads: $THREADS"

run() {  # prints the command, then runs it
  echo
  echo "\$ $*"
  "$@"
}

for row in $ROWS; do
  case "$row" in
    ials)
      for kernel in $KERNELS; do
        run env MARQUEE_IALS_KERNEL="$kernel" "$BUILD/ials_bench" --members 100000 --titles 20000 \
          --plays 10000000 --factors 64,128 --iterations 15 --solvers cg --threads "$THREADS" --recommend 100000
      done
      ;;
    netflix)
      for kernel in $KERNELS; do
        run env MARQUEE_IALS_KERNEL="$kernel" /usr/bin/time -f "wall %e s, peak %M KB" "$BUILD/ials_bench" \
          --members 480189 --titles 17770 --plays 100000000 --factors 64 --iterations 15 --solvers cg \
          --threads "$THREADS" --recommend 1000
      done
      ;;
    score)
      run env OMP_NUM_THREADS=1 "$BUILD/score_bench" --benchmark_min_time=0.3
      ;;
    recommend)
      data="$OUT/recommend.mqd"
      [[ -f "$data" ]] || run "$BUILD/marquee" generate --members 100000 --titles 20000 --plays 10000000 \
        --seed 42 --out "$data"
      for factors in 64 128; do
        [[ -d "$OUT/ials$factors" ]] || run "$BUILD/marquee" --threads "$THREADS" train --data "$data" \
          --model ials --factors "$factors" --iterations 15 --regularization 0.001 --out "$OUT/ials$factors"
        run /usr/bin/time -f "wall %e s for 100,000 members" "$BUILD/marquee" --threads "$THREADS" recommend \
          --model "$OUT/ials$factors" --data "$data" --members all --k 20 --out "$OUT/recommend$factors.csv"
      done
      ;;
    ease)
      run /usr/bin/time -f "wall %e s, peak %M KB" "$BUILD/ease_bench" --threads "$THREADS" --precision_titles 0
      ;;
    *)
      echo "unknown row $row (expected ials, netflix, score, recommend or ease)" >&2
      exit 2
      ;;
  esac
done
