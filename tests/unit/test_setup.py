"""The project finds its own Python 3.10 and retrains only when inputs change."""

import shutil
import subprocess
from pathlib import Path

from scripts.model import fingerprint, input_files

ROOT = Path(__file__).resolve().parents[2]
FIND = ROOT / "scripts" / "find_python310.sh"


def test_finds_a_python_310():
    found = subprocess.run([str(FIND)], capture_output=True, text=True, check=True).stdout.strip()
    version = subprocess.run([found, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
    assert version.stdout.strip() == "(3, 10)"


def test_clear_error_when_no_python_310(tmp_path: Path):
    # A PATH with only a python3.10 that is really another version, and no pyenv.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python3.10").write_text("#!/bin/sh\nexit 1\n")
    (fake / "python3.10").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON310_SEARCH_DIRS": str(tmp_path / "none")}
    result = subprocess.run(["/bin/bash", str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "No Python 3.10 found" in result.stderr and "pyenv install 3.10" in result.stderr


def copy_inputs(target: Path) -> None:
    for path in input_files(ROOT):
        dest = target / path.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)


def test_model_fingerprint_changes_only_with_training_inputs(tmp_path: Path):
    copy_inputs(tmp_path)
    before = fingerprint(input_files(tmp_path), tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "glossary.yml").write_text("words: []\n")
    assert fingerprint(input_files(tmp_path), tmp_path) == before, "content is not a training input"
    nlu = tmp_path / "data" / "nlu" / "chitchat.yml"
    nlu.write_text(nlu.read_text(encoding="utf-8") + "    - hejsan hoppsan\n", encoding="utf-8")
    assert fingerprint(input_files(tmp_path), tmp_path) != before
