#!/usr/bin/env bash
# Counts stack traffic in the compiled iALS CG kernels (issue 12 §1): vector
# instructions (xmm/ymm/zmm) whose memory operand is on the stack (rsp/rbp)
# are register spills and reloads. Scalar instructions (movss, divss, ...:
# one float or double) are left out: they keep a scalar across a call, which
# every register file needs; broadcasts count. The AVX2 kernel is written to fit the 16
# ymm registers and must have none; the others are reported.
#
#   scripts/check_kernel_spills.sh OBJECT...   (ctest passes the models library's objects)
#   scripts/check_kernel_spills.sh --self-test
# Exit 0: fine; 1: the AVX2 kernel spills (or has no vector code); 2: the
# AVX2 kernel's object is not among the arguments, or one does not exist;
# 77: objdump missing (skipped).
set -euo pipefail

count() {  # prints "vector_instructions stack_accesses" for one object file
  objdump -d --no-show-raw-insn "$1" |
    awk '/%[xyz]mm/ && (/broadcast/ || !/\tv?[a-z0-9]+s[sd] /) { v++; if ($0 ~ /\(%r[sb]p\)/) s++ }
         END { printf "%d %d\n", v, s }'
}

if [ "${1:-}" = "--self-test" ]; then
  command -v objdump >/dev/null && command -v g++ >/dev/null || exit 77
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  # 24 live ymm accumulators (unrolled, so each is its own value) cannot fit
  # 16 registers: the compiler must spill, and the count must see it.
  cat > "$dir/spill.cc" <<'CC'
#include <immintrin.h>
void Spill(const float* a, float* out, int n) {
  __m256 acc[24];
#pragma GCC unroll 24
  for (int i = 0; i < 24; ++i) acc[i] = _mm256_loadu_ps(out + 8 * i);
  for (int k = 0; k < n; ++k) {
    const __m256 b = _mm256_broadcast_ss(a + k);
#pragma GCC unroll 24
    for (int i = 0; i < 24; ++i) acc[i] = _mm256_fmadd_ps(b, _mm256_loadu_ps(a + 8 * i + k), acc[i]);
  }
#pragma GCC unroll 24
  for (int i = 0; i < 24; ++i) _mm256_storeu_ps(out + 8 * i, acc[i]);
}
CC
  g++ -O2 -mavx2 -mfma -c "$dir/spill.cc" -o "$dir/spill.o"
  read -r vec stack < <(count "$dir/spill.o")
  if [ "$stack" -gt 0 ]; then echo "self-test: a spilling kernel is caught ($stack of $vec)"; exit 0; fi
  echo "self-test FAILED: no stack traffic found in a kernel that must spill" >&2
  exit 1
fi

command -v objdump >/dev/null || { echo "skipped: objdump not found"; exit 77; }
status=0
found_avx2=0
printf '%-22s %8s %8s %7s\n' kernel vector stack share
for object in "$@"; do
  case "$object" in
    *ials_cg_avx2.cc.o | *ials_cg_avx512.cc.o | *ials_cg_portable.cc.o) ;;
    *) continue ;;
  esac
  if [ ! -f "$object" ]; then echo "no such object file: $object" >&2; exit 2; fi
  read -r vec stack < <(count "$object")
  name=$(basename "$object" .cc.o)
  share=$(awk -v s="$stack" -v v="$vec" 'BEGIN { printf "%.1f%%", v ? 100 * s / v : 0 }')
  printf '%-22s %8d %8d %7s\n' "$name" "$vec" "$stack" "$share"
  if [ "$name" = ials_cg_avx2 ]; then
    found_avx2=1
    if [ "$vec" -eq 0 ]; then echo "ials_cg_avx2: no vector instructions found; is it compiled for AVX2?" >&2; status=1; fi
  fi
  if [ "$name" = ials_cg_avx2 ] && [ "$stack" -gt 0 ]; then
    echo "ials_cg_avx2: $stack vector instructions touch the stack; the AVX2 kernel must fit 16 ymm registers" >&2
    status=1
  fi
done
if [ "$found_avx2" -eq 0 ]; then
  echo "no ials_cg_avx2.cc.o among the $# objects given: nothing was checked" >&2
  exit 2
fi
exit "$status"
