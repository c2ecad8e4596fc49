#!/usr/bin/env bash
# Make sure GoogleTest (Debian/Ubuntu package libgtest-dev) is installed; install it when we can.
set -euo pipefail
# The library is in /usr/lib/<multiarch>/ on Debian and Ubuntu, /usr/lib/ on some others: any one will do.
have_lib() {
  local f
  for f in /usr/lib/*/libgtest.a /usr/lib/libgtest.a /usr/local/lib/libgtest.a; do
    [ -f "$f" ] && return 0
  done
  return 1
}
if [ -f /usr/include/gtest/gtest.h ] && have_lib; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "GoogleTest is missing: installing libgtest-dev with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq libgtest-dev >/dev/null
else
  echo "GoogleTest is missing. Install it with:  sudo apt-get install -y libgtest-dev" >&2
  exit 1
fi
