#!/usr/bin/env bash
# One entry point for a fresh Debian machine:
#   tools/dev.sh run    install build dependencies, build, run notifyd on conf/notifyd.toml
#   tools/dev.sh test   install build and test dependencies, build everything, run all tests
#   tools/dev.sh build  install build dependencies and build
# Needs root or sudo for apt-get; skips apt-get when every package is already installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NOTIFY_BUILD_DIR:-$here/build}"
jobs="${NOTIFY_JOBS:-$(nproc)}"

build_packages=(
  build-essential cmake pkg-config
  libpoco-dev libboost-dev libboost-filesystem-dev
  cppzmq-dev libzmq3-dev libpq-dev libsqlite3-dev libtomlplusplus-dev tzdata
  libgtest-dev libgmock-dev
)
test_packages=(python3 python3-zmq python3-aiosmtpd openssl postgresql)

install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> installing: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build" -j "$jobs"
}

case "${1:-}" in
  run)
    install_packages "${build_packages[@]}"
    configure_and_build
    echo "==> notifyd on tcp://127.0.0.1:5560 (app demo, token in conf/secrets/demo-app.token)"
    exec "$build/bin/notifyd" --config "$here/conf/notifyd.toml"
    ;;
  test)
    install_packages "${build_packages[@]}" "${test_packages[@]}"
    configure_and_build
    cd "$build"
    ctest --output-on-failure -j "$jobs" --timeout 600
    ;;
  build)
    install_packages "${build_packages[@]}"
    configure_and_build
    ;;
  *)
    echo "usage: tools/dev.sh run|test|build" >&2
    exit 64
    ;;
esac
