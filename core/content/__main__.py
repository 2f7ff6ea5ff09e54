"""`python -m core.content [DIR]`: check the content files and report problems."""

import sys
from pathlib import Path

from core.content.loader import DEFAULT_DIR, ContentError, load_content


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    try:
        content = load_content(directory)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Content OK: {len(content.professions.professions)} professions, "
        f"{len(content.tracks.tracks)} tracks, {len(content.steps.steps)} steps, "
        f"{len(content.glossary.words)} glossary words"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
