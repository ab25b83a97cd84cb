#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for Marquee: installs every package the build,
# tests and benchmarks need, then configures and builds (Release).
# Idempotent; run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev zlib1g-dev libeigen3-dev libopenblas-dev
  libsqlite3-dev libssl-dev libmicrohttpd-dev libcpp-httplib-dev libhnswlib-dev wrk
  libfmt-dev libyaml-cpp-dev python3 clang
  libxxhash-dev libboost-math1.74-dev python3-scipy libxgboost-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
