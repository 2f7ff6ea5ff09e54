#!/usr/bin/env bash
# Installs a Debian package when its file is missing: Chromium for the
# browser tests (no test tool downloads a browser) and an emoji font for their
# screenshots, nginx for the production profile (run as the current user with
# its own configuration, never as the system service).
# Usage: ensure_debian_package.sh FILE PACKAGE PURPOSE
set -euo pipefail
program=$1 package=$2 purpose=$3

if [ -e "$program" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's $package package for $purpose"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$package" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "$package" >/dev/null; }
  exit 0
fi
echo "$purpose needs Debian's $package: sudo apt-get install $package" >&2
exit 1
