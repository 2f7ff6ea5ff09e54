"""Train the Rasa model only when its inputs changed.

The model file is named after a hash of everything training reads (config,
domain, training data, the spaCy pipeline recipe and the pinned versions), so
an unchanged project reuses its model. Usage:
    python scripts/model.py train   # train if needed, print the model path
    python scripts/model.py path    # print the path the current inputs give
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
# The custom components' code is an input too: the intent classifier and the rule policy.
INPUTS = ["config.yml", "domain.yml", "constraints.txt", "scripts/build_spacy_pipeline.py",
          "core/text.py", "core/codes.py", "rasa_addons/nlu/char_ngram_classifier.py", "rasa_addons/policies.py"]
DATA = "data"


def input_files(root: Path = ROOT) -> List[Path]:
    files = [root / name for name in INPUTS]
    files += sorted((root / DATA).rglob("*.yml"))
    return files


def fingerprint(files: Iterable[Path], root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = ROOT) -> Path:
    return MODELS / f"vardvagen-{fingerprint(input_files(root), root)}.tar.gz"


def train() -> Path:
    target = model_path()
    if target.exists():
        print(f"Model is up to date: {target.relative_to(ROOT)}", file=sys.stderr)
        return target
    print("Training data or config changed: training a new model.", file=sys.stderr)
    MODELS.mkdir(exist_ok=True)
    subprocess.run(
        [
            # Rasa with our patches (rasa_addons/__main__.py), as it runs.
            sys.executable, "-m", "rasa_addons", "train",
            "--config", "config.yml",
            "--domain", "domain.yml",
            "--data", DATA,
            "--out", str(MODELS),
            "--fixed-model-name", target.name[: -len(".tar.gz")],
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    return target


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "path"
    if command == "train":
        print(train().relative_to(ROOT))
    elif command == "path":
        print(model_path().relative_to(ROOT))
    else:
        sys.exit(__doc__)
