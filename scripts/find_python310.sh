#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain what to install.
# Rasa 3.6 runs on Python 3.8-3.10 only; the machine's python3 may be newer.
set -u

is_310() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in "$root"/versions/3.10*/bin/python3.10; do
    [ -x "$p" ] && candidates+=("$p")
  done
fi
for dir in ${PYTHON310_SEARCH_DIRS:-/usr/bin /usr/local/bin}; do
  [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
done

for p in "${candidates[@]}"; do
  if is_310 "$p"; then
    echo "$p"
    exit 0
  fi
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 needs Python 3.8-3.10.
Install one of these and run the command again:
  - pyenv install 3.10        (then it is found automatically)
  - apt-get install python3.10 python3.10-venv
  - or set PYTHON310=/path/to/python3.10
MSG
exit 1
