"""Start-up time, memory (RSS) of each process, full training time and model
size. Prints a table and writes results/bench/resources.json. A benchmark,
not a test. Usage:
    .venv/bin/python bench/resources.py [--starts 2] [--skip-training] [--update-measured]

--update-measured also puts this run, dated, first in the "resources" list of
bench/measured.json (committed; docs/performance.md and the deployment's
sizing test in tests/unit/test_deploy.py read it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import ENV, project_stack  # noqa: E402
from scripts.run_stack import DEFAULT_RASA_WORKERS  # noqa: E402
from scripts.model import model_path  # noqa: E402

OUT = ROOT / "results" / "bench"
MEASURED = ROOT / "bench" / "measured.json"


async def a_few_messages(rasa_url: str) -> None:
    """Memory after real use: every part has loaded what it loads lazily."""
    texts = ["hej", "vad gor en underskoterska", "jag vill boka en tid", "/help"]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for text in texts:
            async with session.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": "resources", "message": text}):
                pass


def starts(count: int) -> List[Dict]:
    rows = []
    for number in range(count):
        with tempfile.TemporaryDirectory(prefix="vardvagen-start-") as var:
            with project_stack(Path(var)) as stack:
                asyncio.run(a_few_messages(stack.rasa_url))
                rows.append({"startup_seconds": round(stack.startup_seconds, 1),
                             "all_workers_seconds": round(stack.all_workers_seconds, 1), "rss_mb": stack.memory(),
                             "pss_total_mb": stack.pss_total_mb()})
        print(f"  start {number + 1}: {rows[-1]['startup_seconds']} s (every Rasa worker: "
              f"{rows[-1]['all_workers_seconds']} s), RSS {rows[-1]['rss_mb']}", flush=True)
    return rows


def training() -> Dict:
    # An empty training cache of its own: otherwise Rasa restores trained parts from
    # ~/.rasa/cache and this would not be a full training.
    with tempfile.TemporaryDirectory(prefix="vardvagen-train-") as out, \
            tempfile.TemporaryDirectory(prefix="vardvagen-cache-") as cache:
        started = time.monotonic()
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "rasa_addons", "train", "--force", "--config", "config.yml", "--domain", "domain.yml",
             "--data", "data", "--out", out, "--fixed-model-name", "bench"],
            cwd=ROOT, env={**ENV, "RASA_CACHE_DIRECTORY": cache}, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - started
        size = (Path(out) / "bench.tar.gz").stat().st_size
    return {"full_training_seconds": round(seconds), "model_mb": round(size / 1e6, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=2)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--update-measured", action="store_true", help="add this run to bench/measured.json")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: Dict = {"starts": starts(args.starts)}
    current = model_path()
    if current.exists():
        results["current_model_mb"] = round(current.stat().st_size / 1e6, 1)
    if not args.skip_training:
        print("  full training (rasa train --force) ...", flush=True)
        results["training"] = training()
    (OUT / "resources.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\n{'start-up s':<40}" + "  ".join(str(r["startup_seconds"]) for r in results["starts"]))
    print(f"{'start-up s, every Rasa worker':<40}" + "  ".join(str(r["all_workers_seconds"]) for r in results["starts"]))
    for name in sorted({n for r in results["starts"] for n in r["rss_mb"]}):
        print(f"{'RSS MB ' + name:<40}" + "  ".join(str(r["rss_mb"].get(name, "-")) for r in results["starts"]))
    print(f"{'PSS MB, all processes':<40}" + "  ".join(str(r["pss_total_mb"]) for r in results["starts"]))
    if "training" in results:
        print(f"full training: {results['training']['full_training_seconds']} s, model {results['training']['model_mb']} MB")
    print(f"\nWritten to {(OUT / 'resources.json').relative_to(ROOT)}")
    if args.update_measured:
        update_measured(results, args)
        print(f"Added to {MEASURED.relative_to(ROOT)}: commit it, and update docs/performance.md")
    return 0


def update_measured(results: Dict, args: argparse.Namespace) -> None:
    """This run, dated and with its command, first in bench/measured.json's "resources"."""
    import datetime
    import os

    workers = int(ENV.get("VARDVAGEN_RASA_WORKERS", DEFAULT_RASA_WORKERS))
    command = ".venv/bin/python bench/resources.py" + (f" --starts {args.starts}" if args.starts != 2 else "")
    if "VARDVAGEN_RASA_WORKERS" in ENV:
        command = f"VARDVAGEN_RASA_WORKERS={workers} {command}"
    entry = {
        "label": f"make run, Rasa with {workers} worker processes" if workers > 1 else "make run, one Rasa process",
        "date": datetime.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores",
        "command": command,
        "rasa_workers": workers,
        "starts": results["starts"],
    }
    if "training" in results:
        entry["training"] = results["training"]
    measured = json.loads(MEASURED.read_text(encoding="utf-8"))
    measured["resources"].insert(0, entry)
    MEASURED.write_text(json.dumps(measured, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
