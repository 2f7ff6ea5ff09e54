"""Rasa's own command line with our patches installed first.

    python -m rasa_addons <the arguments of the `rasa` command>
    python -m rasa_addons run --model models/... --credentials credentials.yml
    python -m rasa_addons train / test core ... / data validate ...

The one way this project starts Rasa (Makefile, scripts/, bench/, the tests,
deploy/helm/values.yaml): `patches.install()` (rasa_addons/patches.py), then
Rasa's `rasa.__main__.main()` with the same arguments, so `rasa run`,
`rasa train` and `rasa test` run the same patched Rasa. Another Rasa version
than the patches were written for stops here with a message (exit status 1).
Run from the repository's root (or with it on PYTHONPATH).
"""

from __future__ import annotations

import sys


def main() -> None:
    from rasa_addons import patches

    try:
        patches.install()
    except patches.RasaVersionError as error:
        sys.exit(f"python -m rasa_addons: {error}")

    from rasa.__main__ import main as rasa_main

    # Rasa's help and messages name the command `rasa`, as its own script does.
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
