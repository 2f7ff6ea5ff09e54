"""`python -m core.content [--dates-as-warnings] [DIR]`: check the content files.

Fails on content that does not load, and on a track start or application
deadline in the past. Warns about facts not checked within the review
interval. `make run` passes --dates-as-warnings: a passed date must not stop
a running service (the bot hides it); `make test` does not.
"""

import argparse
import sys
from datetime import date
from pathlib import Path

from core.content.age import past_dates, stale_facts
from core.content.loader import DEFAULT_DIR, ContentError, load_content


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.content", description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--dates-as-warnings", action="store_true", help="report passed dates without failing")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    today = args.today or date.today()
    try:
        content = load_content(args.directory)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    for problem in stale_facts(content, today):
        print(f"Warning: {problem}", file=sys.stderr)
    passed = past_dates(content, today)
    for problem in passed:
        print(f"{'Warning' if args.dates_as_warnings else 'Error'}: {problem}", file=sys.stderr)
    if passed and not args.dates_as_warnings:
        return 1
    print(
        f"Content OK: {len(content.professions.professions)} professions, "
        f"{len(content.tracks.tracks)} tracks, {len(content.steps.steps)} steps, "
        f"{len(content.glossary.words)} glossary words, {len(content.steps.routes)} routes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
