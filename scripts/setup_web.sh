#!/usr/bin/env bash
# Front-end packages of the web chat: `npm ci` (exact versions from
# package-lock.json) when the lock file changed, then copy the socket.io
# client into bot/static/vendor/ (git-ignored), where the chat page loads it.
# No CDN is used at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.package-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d node_modules/socket.io-client ]; then
  if ! command -v npm >/dev/null; then
    echo "npm (Node.js 18 or newer) is needed for the web chat: apt-get install nodejs npm" >&2
    exit 1
  fi
  echo "Installing the web chat's npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

mkdir -p bot/static/vendor
cp node_modules/socket.io-client/dist/socket.io.min.js bot/static/vendor/socket.io.min.js
