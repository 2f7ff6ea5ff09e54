#!/usr/bin/env bash
# The production profile (make production) runs Debian's nginx as the current
# user with its own configuration under var/production/ (never the system
# service). Installs the Debian package when nginx is missing.
set -euo pipefail

if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's nginx package for the production profile"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q nginx >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q nginx >/dev/null; }
  exit 0
fi
echo "The production profile needs nginx: sudo apt-get install nginx" >&2
exit 1
