"""Intent macro-F1 on the held-out file (never trained on) must be >= 0.90, and
>= 0.85 on its learner-noise copy (no å/ä/ö, lower case, typos; bench/nlu_data.py)."""

import json
import re
import subprocess
from pathlib import Path

import yaml

from bench.nlu_data import noisy_copy, read_examples, write_nlu
from tests.model.conftest import BIN, QUIET_ENV, ROOT

HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"
MIN_MACRO_F1 = 0.90
MIN_NOISY_MACRO_F1 = 0.85


ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def examples(path: Path) -> set:
    found = set()
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        for line in (block.get("examples") or "").splitlines():
            text = ANNOTATION.sub(r"\1", line.strip()[2:] if line.strip().startswith("- ") else line.strip())
            if text:
                found.add(" ".join(text.lower().split()))
    return found


def test_held_out_is_not_in_training_data():
    trained = set().union(*(examples(p) for p in (ROOT / "data" / "nlu").glob("*.yml")))
    held_out = examples(HELD_OUT)
    assert len(held_out) >= 150
    assert not (held_out & trained)


def macro_f1(model: Path, data: Path, out: Path, title: str) -> float:
    subprocess.run(
        [str(BIN / "python"), "-m", "rasa_addons", "test", "nlu", "--model", str(model), "--nlu", str(data), "--out", str(out)],
        cwd=ROOT,
        env=QUIET_ENV,
        capture_output=True,
        check=True,
    )
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    per_intent = {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v and not k.endswith("avg")}
    print(f"\n{title} intent F1:")
    for name, scores in sorted(per_intent.items(), key=lambda kv: kv[1]["f1-score"]):
        print(f"  {name:22s} {scores['f1-score']:.3f}  (n={scores['support']})")
    macro = report["macro avg"]["f1-score"]
    print(f"  macro-F1 {macro:.3f}, accuracy {report['accuracy']:.3f}")
    return macro


def test_held_out_intent_macro_f1(model: Path, tmp_path: Path):
    assert macro_f1(model, HELD_OUT, tmp_path / "results", "Held-out") >= MIN_MACRO_F1


def test_learner_noise_copy_intent_macro_f1(model: Path, tmp_path: Path):
    noisy = tmp_path / "heldout_noisy.yml"
    write_nlu(noisy_copy(read_examples([HELD_OUT])), noisy)
    assert macro_f1(model, noisy, tmp_path / "results", "Held-out with learner noise") >= MIN_NOISY_MACRO_F1
