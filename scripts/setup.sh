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
  pybind11-dev python3-dev python3-numpy python3-pytest python3-matplotlib
  chromium chromium-driver python3-selenium
)
# npm fetches the dashboard's chart library; Debian's npm unless one is here.
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

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
# The dashboard's charts: uPlot from npm, pinned, bundled into the binary by
# CMake (BUILD_DIR/npm/node_modules/uplot/dist); the page works offline.
UPLOT_VERSION=1.6.32
if [ ! -f "$BUILD_DIR/npm/node_modules/uplot/dist/uPlot.iife.min.js" ] ||
   ! grep -q "\"version\": \"$UPLOT_VERSION\"" "$BUILD_DIR/npm/node_modules/uplot/package.json" 2>/dev/null; then
  mkdir -p "$BUILD_DIR/npm"
  npm install --prefix "$BUILD_DIR/npm" --no-audit --no-fund --no-save "uplot@$UPLOT_VERSION"
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"

# The Python package (python/): `import marquee` finds BUILD_DIR/python through
# a .pth file in Debian python3's site directory (/usr/local/lib/python3.11/
# dist-packages), so it always imports this build.
# Debian's python3, where apt put numpy and scipy (the build uses the same one).
PYTHON=/usr/bin/python3
SITE_DIR="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
PTH_LINE="$(cd "$BUILD_DIR" && pwd)/python"
if mkdir -p "$SITE_DIR" 2>/dev/null && echo "$PTH_LINE" >"$SITE_DIR/marquee.pth" 2>/dev/null; then
  echo "setup: python3 imports marquee from $PTH_LINE (via $SITE_DIR/marquee.pth)"
else
  echo "setup: could not write $SITE_DIR/marquee.pth; use PYTHONPATH=$PTH_LINE" >&2
fi
