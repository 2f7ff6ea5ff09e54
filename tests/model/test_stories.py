"""`rasa test core` on tests/test_stories.yml must predict every action."""

import subprocess
from pathlib import Path

from tests.model.conftest import BIN, QUIET_ENV, ROOT


def test_conversations_follow_the_stories(model: Path, tmp_path: Path):
    out = tmp_path / "results"
    result = subprocess.run(
        [
            str(BIN / "python"), "-m", "rasa_addons", "test", "core",
            "--model", str(model),
            "--stories", "tests/test_stories.yml",
            "--endpoints", "tests/model/no_endpoints.yml",
            "--out", str(out),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env=QUIET_ENV,
        capture_output=True,
        text=True,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stderr[-4000:]
    assert result.returncode == 0, details
    stories = (ROOT / "tests" / "test_stories.yml").read_text(encoding="utf-8").count("- story:")
    assert stories >= 20
    print(f"\n{stories} test conversations predicted without errors")
