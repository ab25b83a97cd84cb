#!/usr/bin/env bash
# Marquee's iALS against implicit's (github.com/benfred/implicit), on one generated matrix,
# alternately, on the CPU: seconds per iteration, final loss on the same objective, and batch
# recommendation throughput, with the ratios.
#
#   bench/compare_implicit.sh                       # 100k members x 20k titles x 10M plays
#   bench/compare_implicit.sh --members 20000 --titles 5000 --plays 1000000 --rounds 1
#
# implicit is not a Marquee dependency. The script runs when `python3 -c "import implicit"`
# works -- the user's own install -- and otherwise prints one "skipped: ..." line and exits 0.
# The figures in docs and issues were taken with a CPU build from PyPI in a virtual environment:
#   python3 -m venv ~/implicit-env && ~/implicit-env/bin/pip install implicit==0.7.2
#   PATH=~/implicit-env/bin:$PATH bench/compare_implicit.sh
# (the PyPI wheel is CPU-only; the script uses implicit.cpu.als either way.)
#
# Steps:
#   1. lscpu: the CPU model and whether it has avx2 and avx512f.
#   2. marquee generate: one synthetic service (the generator ials_bench uses), as a dataset file.
#   3. For each round and each factor count, alternately:
#        Marquee: build/ials_bench --data --save (CG solver, regularization_scaling=plain, so
#          lambda is the same for every row as in implicit), then `marquee recommend` on every
#          member (k = 20, watched titles excluded);
#        implicit: compare_implicit.py implicit, on the matrix ials_bench wrote (its CSR arrays),
#          with c_ui = 1 + alpha w as the values: Marquee's linear confidence.
#   4. compare_implicit.py report: medians over the rounds, both final losses by one formula
#      (on the last round's factors), and Marquee's own loss beside them as a check.
#
# Flags (defaults in brackets): --members [100000] --titles [20000] --plays [10000000]
#   --factors [64,128] --iterations [15] --threads [2] --rounds [3] --alpha [20]
#   --regularization [500]: plain lambda; of the order of a row's total confidence times the
#     frequency-scaled default (0.03 x ~20,000 titles), see models/ials.h
#   --build DIR [build]: where ials_bench and marquee are
#   --work DIR [a new temporary folder, removed at the end]: data, factors, results (kept)
#   --marquee-only: run the Marquee half without implicit (to check the script itself)
set -euo pipefail
cd "$(dirname "$0")/.."

members=100000 titles=20000 plays=10000000 factors=64,128 iterations=15 threads=2 rounds=3
alpha=20 regularization=500 build=build work="" marquee_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --members) members=$2; shift 2 ;;
    --titles) titles=$2; shift 2 ;;
    --plays) plays=$2; shift 2 ;;
    --factors) factors=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --alpha) alpha=$2; shift 2 ;;
    --regularization) regularization=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --marquee-only) marquee_only=1; shift ;;
    *) echo "compare_implicit: unknown flag $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

if [ "$marquee_only" -eq 0 ] && ! python3 -c "import implicit" 2>/dev/null; then
  echo "skipped: python3 cannot import implicit (not a Marquee dependency; see $0 for how to install it)"
  exit 0
fi
for binary in ials_bench marquee; do
  if [ ! -x "$build/$binary" ]; then
    echo "compare_implicit: $build/$binary not found; build first (cmake --build $build)" >&2
    exit 1
  fi
done

# A step failed: show its log and stop.
fail() {
  echo "compare_implicit: a step failed; its output:" >&2
  cat "$1" >&2
  exit 1
}

# Arithmetic on decimals (bash has integers only); python3 is here anyway.
calc() { python3 -c "print($1)"; }

cpu_flags=$(lscpu | sed -n 's/^Flags: *//p')
has() { case " $cpu_flags " in *" $1 "*) echo yes ;; *) echo no ;; esac; }
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') (avx2 $(has avx2), avx512f $(has avx512f)), $threads threads"

if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
results="$work/results.txt"
: > "$results"

echo "generating $members members x $titles titles x $plays plays"
"$build/marquee" generate --members "$members" --titles "$titles" --plays "$plays" --seed 42 \
  --out "$work/data.mqd" > "$work/generate.log" 2>&1 || fail "$work/generate.log"

run_marquee() {  # factors round
  local f=$1 round=$2 line start all one
  "$build/ials_bench" --data "$work/data.mqd" --save "$work/marquee" --factors "$f" \
    --solvers cg --iterations "$iterations" --threads "$threads" --recommend 1 \
    --param regularization_scaling=plain --param regularization="$regularization" \
    --param alpha="$alpha" --param confidence=linear > "$work/ials_bench.log" 2>&1 ||
    fail "$work/ials_bench.log"
  # The result row: solver factors iters s/iter plays/s fit_s final_loss rec/s.
  line=$(awk -v f="$f" '$1 == "cg" && $2 == f' "$work/ials_bench.log")
  [ -n "$line" ] || fail "$work/ials_bench.log"
  echo "marquee $f $round s_per_iteration $(echo "$line" | awk '{print $4}')" >> "$results"
  echo "marquee $f $round own_loss $(echo "$line" | awk '{print $7}')" >> "$results"

  # The command on every member, less the command on one: what is left is the batch itself
  # (and writing its CSV), not loading the model and the dataset.
  start=$EPOCHREALTIME
  "$build/marquee" recommend --model "$work/marquee/f$f" --data "$work/data.mqd" --k 20 \
    --out "$work/recommendations.csv" --threads "$threads" 2> "$work/recommend.log" ||
    fail "$work/recommend.log"
  all=$(calc "$EPOCHREALTIME - $start")
  sed -n 2p "$work/recommendations.csv" | cut -d, -f1 > "$work/one_member.txt"
  start=$EPOCHREALTIME
  "$build/marquee" recommend --model "$work/marquee/f$f" --data "$work/data.mqd" \
    --members "$work/one_member.txt" --k 20 --out "$work/one.csv" --threads "$threads" \
    2> "$work/recommend.log" || fail "$work/recommend.log"
  one=$(calc "$EPOCHREALTIME - $start")
  echo "marquee $f $round recommend_members_per_second $(calc "$members / ($all - $one)")" >> "$results"
  echo "  round $round, $f factors: Marquee $(echo "$line" | awk '{print $4}') s/iteration"
}

run_implicit() {  # factors round
  local f=$1 round=$2
  python3 bench/compare_implicit.py implicit --matrix "$work/marquee/matrix" --factors "$f" \
    --iterations "$iterations" --threads "$threads" --regularization "$regularization" \
    --alpha "$alpha" --out "$work/implicit/f$f" > "$work/implicit.log" 2>&1 ||
    fail "$work/implicit.log"
  while read -r name value; do
    echo "implicit $f $round $name $value" >> "$results"
  done < "$work/implicit.log"
  echo "  round $round, $f factors: implicit $(awk '$1 == "s_per_iteration" {print $2}' "$work/implicit.log") s/iteration"
}

IFS=, read -r -a factor_list <<< "$factors"
for round in $(seq 1 "$rounds"); do
  for f in "${factor_list[@]}"; do
    run_marquee "$f" "$round"
    if [ "$marquee_only" -eq 0 ]; then run_implicit "$f" "$round"; fi
  done
done

echo
python3 bench/compare_implicit.py report --work "$work" --results "$results" \
  --regularization "$regularization" --alpha "$alpha"
