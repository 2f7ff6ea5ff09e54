#!/usr/bin/env bash
# Build the project's own Python 3.10 virtual environment in .venv with the
# pinned versions. Re-runs pip only when requirements or constraints changed.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.requirements-hash"
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  exit 0
fi

python310=$(scripts/find_python310.sh)
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)'; then
  echo "Creating $venv with $python310"
  rm -rf "$venv"
  "$python310" -m venv "$venv"
fi

echo "Installing pinned packages into $venv (first time takes a few minutes)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r requirements.txt -c constraints.txt
"$venv/bin/python" -m pip check
echo "$want" > "$stamp"
