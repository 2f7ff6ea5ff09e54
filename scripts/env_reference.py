"""Write the environment variable reference into docs/operations.md.

    .venv/bin/python scripts/env_reference.py           # rewrite the table
    .venv/bin/python scripts/env_reference.py --check   # exit 1 if it is out of date

The table comes from core/environment.py and goes between the markers
`<!-- env:begin -->` and `<!-- env:end -->`; tests/unit/test_docs.py checks
that it is up to date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.environment import GROUPS, VARIABLES  # noqa: E402

DOC = ROOT / "docs" / "operations.md"
BEGIN = "<!-- env:begin -->"
END = "<!-- env:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The reference, in Markdown: one table per group."""
    parts = [f"Generated from `core/environment.py` by `scripts/env_reference.py`; do not edit by hand. "
             f"{len(VARIABLES)} variables."]
    for key, title in GROUPS:
        rows = [v for v in VARIABLES if v.group == key]
        if not rows:
            continue
        parts.append(f"#### {title}")
        lines = ["| variable | default | read by | what it does |", "|---|---|---|---|"]
        for v in rows:
            lines.append(f"| `{v.name}` | {_cell(v.default) or '-'} | {_cell(v.read_by)} | {_cell(v.meaning)} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def replace_block(text: str, block: str) -> str:
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END, start)
    return text[:start] + "\n" + block + "\n" + text[end:]


def current_block(text: str) -> str:
    start = text.index(BEGIN) + len(BEGIN)
    return text[start:text.index(END, start)].strip("\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if docs/operations.md is out of date")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print(f"{DOC.relative_to(ROOT)} has no {BEGIN} ... {END} markers", file=sys.stderr)
        return 1
    if args.check:
        if current_block(text) != render():
            print(f"{DOC.relative_to(ROOT)} is out of date: run .venv/bin/python scripts/env_reference.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(replace_block(text, render()), encoding="utf-8")
    print(f"Wrote {len(VARIABLES)} variables to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
