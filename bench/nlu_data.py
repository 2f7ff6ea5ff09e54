"""Training and held-out examples for the NLU benchmark, and a learner-noise
copy of the held-out file (å/ä/ö dropped, typos), made deterministically."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import List, Tuple

import yaml

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O"})

Example = Tuple[str, str]  # (text, intent)


def plain(text: str) -> str:
    """'vad gör en [usk](profession)' -> 'vad gör en usk'."""
    return ANNOTATION.sub(r"\1", text).strip()


def read_examples(paths: List[Path]) -> List[Example]:
    found: List[Example] = []
    for path in paths:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []) or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.append((plain(line[2:]), block["intent"]))
    return found


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def add_noise(text: str, rng: random.Random, rate: float = 0.2) -> str:
    """Learner spelling: no å/ä/ö, lower case, and some words with one typo."""
    words = text.translate(ASCII).lower().split()
    return " ".join(typo(w, rng) if len(w) >= 4 and rng.random() < rate else w for w in words)


def noisy_copy(examples: List[Example], seed: int = 42) -> List[Example]:
    rng = random.Random(seed)
    return [(add_noise(text, rng), intent) for text, intent in examples]


def write_nlu(examples: List[Example], path: Path) -> None:
    by_intent = {}
    for text, intent in examples:
        by_intent.setdefault(intent, []).append(text)
    blocks = [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)} for intent, texts in by_intent.items()]

    class Literal(str):
        pass

    yaml.add_representer(Literal, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|"))
    for block in blocks:
        block["examples"] = Literal(block["examples"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False), encoding="utf-8")
