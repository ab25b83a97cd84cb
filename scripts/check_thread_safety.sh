#!/usr/bin/env bash
# Checks the lock annotations (util/mutex.h, util/thread_annotations.h) with
# clang's -Wthread-safety: every src/marquee/**/*.cc that includes
# "marquee/util/mutex.h", directly or through its own header, is compiled
# with -fsyntax-only, and any warning fails
# the check. Files are found by that include, so a folder that adopts Mutex is
# checked without editing this script.
#
#   scripts/check_thread_safety.sh [SOURCE_ROOT]   check the tree (default: this checkout)
#   scripts/check_thread_safety.sh --self-test     prove the check can fail: an unlocked
#                                                  access to a GUARDED_BY member must be
#                                                  refused and the locked one accepted
#
# Exit status: 0 clean, 1 a warning or error, 77 clang++ is not installed
# (ctest reports that as skipped), 2 usage.
set -uo pipefail

CLANG="${CLANG:-clang++}"
if ! command -v "$CLANG" >/dev/null 2>&1; then
  echo "check_thread_safety: $CLANG not found (apt-get install clang); skipped"
  exit 77
fi

# The build's include paths: the sources, Eigen, hnswlib (/usr/include).
# No -march: nothing here needs the target's vector extensions to parse.
flags=(-std=c++20 -fsyntax-only -Wthread-safety -Werror -fopenmp)

check() {  # check SOURCE_ROOT FILE...
  local root="$1"
  shift
  local failed=0
  for f in "$@"; do
    if ! "$CLANG" "${flags[@]}" -I "$root/src" -isystem /usr/include/eigen3 "$f"; then
      echo "check_thread_safety: FAILED $f"
      failed=1
    fi
  done
  return $failed
}

# A member guarded by a Mutex, written in Add() after the statement $1.
write_case() {
  cat <<CASE
#include "marquee/util/mutex.h"
namespace {
class Counter {
 public:
  void Add() { $1 value_ += 1; }
 private:
  marquee::Mutex mu_;
  int value_ GUARDED_BY(mu_) = 0;
};
}  // namespace
int main() { Counter c; c.Add(); }
CASE
}

self_test() {
  local root
  root="$(cd "$(dirname "$0")/.." && pwd)"
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  write_case "" >"$tmp/unlocked.cc"
  write_case "marquee::MutexLock lock(&mu_);" >"$tmp/locked.cc"
  if check "$root" "$tmp/unlocked.cc" >/dev/null 2>&1; then
    echo "check_thread_safety --self-test: an unlocked access to a GUARDED_BY member passed"
    return 1
  fi
  if ! check "$root" "$tmp/locked.cc"; then
    echo "check_thread_safety --self-test: the locked access was refused"
    return 1
  fi
  echo "check_thread_safety --self-test: ok (unlocked access refused, locked one accepted)"
  return 0
}

case "${1:-}" in
  --self-test)
    self_test
    exit $?
    ;;
  -*)
    echo "usage: $0 [SOURCE_ROOT] | --self-test" >&2
    exit 2
    ;;
esac

root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
# A .cc that includes mutex.h, or whose own header does (the guarded members
# are declared there and used in the .cc).
mapfile -t files < <(
  grep -rlF --include='*.cc' --include='*.h' '#include "marquee/util/mutex.h"' "$root/src/marquee" |
    while read -r f; do
      case "$f" in
        *.h) [ -f "${f%.h}.cc" ] && echo "${f%.h}.cc" ;;
        *) echo "$f" ;;
      esac
    done | sort -u)
if [ ${#files[@]} -eq 0 ]; then
  echo "check_thread_safety: no file under $root/src/marquee includes marquee/util/mutex.h"
  exit 1
fi
if check "$root" "${files[@]}"; then
  echo "check_thread_safety: ${#files[@]} files clean"
  exit 0
fi
exit 1
