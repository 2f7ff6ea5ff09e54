#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium); no browser is
# downloaded by a test tool. Installs the Debian package when it is missing.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium package for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  exit 0
fi
echo "The browser tests need Debian's Chromium: sudo apt-get install chromium" >&2
exit 1
