"""NLU benchmark: intent macro-F1 and per-intent F1 on the held-out file, on a
learner-noise copy of it, and 5-fold cross-validation on the training data,
for three classifiers in one run on the same data:

  project   config.yml (char n-grams 2-5 of the folded text + logistic regression,
            rasa_addons/nlu/char_ngram_classifier.py; entities from lookup tables)
  stock     Rasa 3.6's default pipeline (bench/configs/stock.yml)
  tfidf     char n-gram TF-IDF + logistic regression on the raw text (scikit-learn),
            the baseline the issue names

The stock pipeline's DIET is unseeded, so its held-out score moves from one
training to the next: --runs N trains it N times on the whole training data
and reports every run and their mean (the project's classifier and the
TF-IDF baseline train the same model every time).

Prints a table and writes results/bench/nlu.json. A benchmark, not a test:
it takes long (5 folds x 2 Rasa pipelines). Usage:
    .venv/bin/python bench/nlu.py [--folds 5] [--runs 1] [--only project,stock,tfidf] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.nlu_data import Example, noisy_copy, read_examples, write_nlu  # noqa: E402

# Rasa with our patches (rasa_addons/__main__.py), as `make train` runs it.
RASA = [sys.executable, "-m", "rasa_addons"]
OUT = ROOT / "results" / "bench"
HELD_OUT = ROOT / "tests" / "nlu" / "heldout.yml"
CONFIGS = {"project": ROOT / "config.yml", "stock": ROOT / "bench" / "configs" / "stock.yml"}
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false",
       "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TQDM_DISABLE": "1"}


def rasa(*args: str, log: Path, env: Optional[Dict[str, str]] = None) -> None:
    with log.open("a") as out:
        subprocess.run([*RASA, *args], cwd=ROOT, env={**ENV, **(env or {})}, stdout=out,
                       stderr=subprocess.STDOUT, check=True)


def report(path: Path) -> Dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    per_intent = {k: round(v["f1-score"], 3) for k, v in data.items() if isinstance(v, dict) and "support" in v
                  and k not in ("micro avg", "macro avg", "weighted avg")}
    return {"macro_f1": round(data["macro avg"]["f1-score"], 3), "accuracy": round(data.get("accuracy", 0.0), 3),
            "per_intent": per_intent}


def train_and_test(name: str, run: int, held_out: Path, noisy: Path, work: Path) -> Dict[str, object]:
    """Train the pipeline on all training data (with a Rasa cache of its own) and test it."""
    log = work / f"{name}.log"
    model_name = f"{name}-{run}"
    env = {"RASA_CACHE_DIRECTORY": str(work / f"rasa-cache-{model_name}")}
    started = time.monotonic()
    rasa("train", "nlu", "--config", str(CONFIGS[name]), "--nlu", "data/nlu", "--out", str(work / "models"),
         "--fixed-model-name", model_name, log=log, env=env)
    result: Dict[str, object] = {"train_seconds": round(time.monotonic() - started)}
    for label, data in (("held_out", held_out), ("noisy", noisy)):
        out = work / f"{model_name}-{label}"
        rasa("test", "nlu", "--model", str(work / "models" / f"{model_name}.tar.gz"), "--nlu", str(data),
             "--out", str(out), log=log, env=env)
        result[label] = report(out / "intent_report.json")
    return result


def rasa_pipeline(name: str, held_out: Path, noisy: Path, folds: int, runs: int, work: Path) -> Dict[str, object]:
    log = work / f"{name}.log"
    trained = [train_and_test(name, run, held_out, noisy, work) for run in range(1, runs + 1)]
    # The first run is the one shown per intent; with several runs the table adds their mean.
    result: Dict[str, object] = dict(trained[0])
    if runs > 1:
        result["runs"] = [{label: run[label]["macro_f1"] for label in ("held_out", "noisy")}  # type: ignore[index]
                          for run in trained]
    if folds:
        out = work / f"{name}-cv"
        rasa("test", "nlu", "--nlu", "data/nlu", "--config", str(CONFIGS[name]), "--cross-validation",
             "--folds", str(folds), "--out", str(out), log=log)
        result["cross_validation"] = report(out / "intent_report.json")
    return result


def tfidf_model() -> object:
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=10.0),
    )


def sklearn_report(truth: List[str], predicted: List[str]) -> Dict[str, object]:
    data = classification_report(truth, predicted, output_dict=True, zero_division=0)
    per_intent = {k: round(v["f1-score"], 3) for k, v in data.items() if isinstance(v, dict) and k not in
                  ("macro avg", "weighted avg")}
    return {"macro_f1": round(data["macro avg"]["f1-score"], 3), "accuracy": round(data["accuracy"], 3),
            "per_intent": per_intent}


def tfidf_baseline(train: List[Example], held_out: List[Example], noisy: List[Example], folds: int) -> Dict[str, object]:
    texts, intents = [t for t, _ in train], [i for _, i in train]
    started = time.monotonic()
    model = tfidf_model().fit(texts, intents)
    result: Dict[str, object] = {"train_seconds": round(time.monotonic() - started, 1)}
    for label, data in (("held_out", held_out), ("noisy", noisy)):
        result[label] = sklearn_report([i for _, i in data], list(model.predict([t for t, _ in data])))
    if folds:
        truth, predicted = [], []
        for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=42).split(texts, intents):
            fold = tfidf_model().fit([texts[i] for i in train_idx], [intents[i] for i in train_idx])
            truth += [intents[i] for i in test_idx]
            predicted += list(fold.predict([texts[i] for i in test_idx]))
        result["cross_validation"] = sklearn_report(truth, predicted)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: none)")
    parser.add_argument("--runs", type=int, default=1, help="trainings of the unseeded stock pipeline")
    parser.add_argument("--only", default="project,stock,tfidf")
    parser.add_argument("--json", type=Path, default=OUT / "nlu.json", help="where to write the results")
    args = parser.parse_args()
    work = OUT / "nlu-work"
    # Every pipeline is trained from scratch: Rasa's training cache (.rasa/cache by
    # default) could restore parts trained by another run, even of another pipeline.
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ENV["RASA_CACHE_DIRECTORY"] = str(work / "rasa-cache")
    train = read_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    held_out = read_examples([HELD_OUT])
    noisy = noisy_copy(held_out)
    noisy_path = OUT / "heldout_noisy.yml"
    write_nlu(noisy, noisy_path)
    results: Dict[str, object] = {
        "data": {"train_examples": len(train), "held_out_examples": len(held_out), "intents": len({i for _, i in train}),
                 "folds": args.folds, "stock_runs": args.runs},
    }
    for name in args.only.split(","):
        started = time.monotonic()
        if name == "tfidf":
            results[name] = tfidf_baseline(train, held_out, noisy, args.folds)
        else:
            results[name] = rasa_pipeline(name, HELD_OUT, noisy_path, args.folds, args.runs if name == "stock" else 1,
                                          work)
        results[name]["total_seconds"] = round(time.monotonic() - started)  # type: ignore[index]
        print(f"{name}: done in {results[name]['total_seconds']} s", flush=True)  # type: ignore[index]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print_table(results, args.json)
    return 0


def print_table(results: Dict[str, object], written: Path) -> None:
    names = [n for n in ("project", "stock", "tfidf") if n in results]
    print(f"\n{'macro-F1':<22}" + "".join(f"{n:>10}" for n in names))
    for label in ("held_out", "noisy", "cross_validation"):
        if not any(label in results[n] for n in names):  # type: ignore[operator]
            continue
        row = [results[n].get(label, {}).get("macro_f1", float("nan")) for n in names]  # type: ignore[union-attr]
        print(f"{label:<22}" + "".join(f"{v:>10.3f}" for v in row))
    runs = {n: results[n]["runs"] for n in names if "runs" in results[n]}  # type: ignore[operator,index]
    for name, trained in runs.items():
        for label in ("held_out", "noisy"):
            scores = [run[label] for run in trained]
            print(f"{name} {label} over {len(scores)} trainings: mean {np.mean(scores):.3f}, "
                  f"min {min(scores):.3f}, max {max(scores):.3f}")
    print(f"{'train seconds':<22}" + "".join(f"{results[n]['train_seconds']:>10}" for n in names))  # type: ignore[index]
    intents = sorted(results[names[0]]["held_out"]["per_intent"])  # type: ignore[index]
    print(f"\n{'held-out F1 per intent':<22}" + "".join(f"{n:>10}" for n in names))
    for intent in intents:
        print(f"{intent:<22}" + "".join(f"{results[n]['held_out']['per_intent'].get(intent, 0):>10.3f}" for n in names))  # type: ignore[index]
    print(f"\nWritten to {written}")


if __name__ == "__main__":
    sys.exit(main())
