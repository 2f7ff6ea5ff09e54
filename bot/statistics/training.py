"""Training examples from the failed-questions page, in Rasa's NLU YAML.

"Assign to an intent" adds the group's cleaned texts as examples of that
intent to one file (VARDVAGEN_TRAINING_EXPORT, default
data/nlu/from_dashboard.yml) in Rasa 3.1's training data format. The project
reviews the file in git and trains by hand; nothing is trained here.
"""

from __future__ import annotations

import asyncio
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml

from bot.statistics.failed import EMAIL_MASK
from core.privacy import NUMBER_MASK, REPLACEMENT

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domain.yml"
# Characters Rasa would read as entity annotations in an example.
_MARKUP = re.compile(r"[\[\]\(\)\{\}]")
_SPACE = re.compile(r"\s+")
HEADER = ("# Examples added from the dashboard's failed questions (bot/statistics/training.py).\n"
          "# Review them before training; the bot is never trained automatically.\n")


@lru_cache(maxsize=1)
def known_intents(domain: Path = DOMAIN) -> List[str]:
    """The domain's intents an example may be assigned to."""
    data = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
    names = [next(iter(i)) if isinstance(i, dict) else str(i) for i in data.get("intents") or []]
    return sorted(n for n in names if n != "nlu_fallback")


def example(text: str) -> str:
    """One line of training data: the masks of removed data and annotation characters gone."""
    for mask in (REPLACEMENT, NUMBER_MASK, EMAIL_MASK):
        text = text.replace(mask, " ")
    return _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip()


def _read(path: Path) -> Dict[str, List[str]]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: Dict[str, List[str]] = {}
    for block in data.get("nlu") or []:
        lines = (block.get("examples") or "").splitlines()
        found.setdefault(block["intent"], []).extend(line[2:] for line in lines if line.startswith("- "))
    return found


def _render(examples: Dict[str, List[str]]) -> str:
    out = [HEADER, 'version: "3.1"\n', "nlu:\n"]
    for intent in sorted(examples):
        out.append(f"- intent: {intent}\n  examples: |\n")
        out.extend(f"    - {text}\n" for text in examples[intent])
    return "".join(out)


_writing = threading.Lock()  # one writer at a time in this process


def add_examples_sync(path: Path, intent: str, texts: List[str]) -> int:
    """Add the texts not there yet as examples of the intent; how many were added."""
    with _writing:
        return _add(path, intent, texts)


def _add(path: Path, intent: str, texts: List[str]) -> int:
    examples = _read(path)
    present = {t for texts_of in examples.values() for t in texts_of}
    new = [t for t in dict.fromkeys(example(text) for text in texts) if t and t not in present]
    if new:
        examples.setdefault(intent, []).extend(new)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(_render(examples), encoding="utf-8")
        temporary.replace(path)
    return len(new)


async def add_examples(path: Path, intent: str, texts: List[str]) -> int:
    return await asyncio.get_running_loop().run_in_executor(None, add_examples_sync, path, intent, texts)
