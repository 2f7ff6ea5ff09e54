"""Find things (jobs, tracks, words) in what a learner typed.

Learners often write without å/ä/ö and misspell, so matching works on a
normalised form and tolerates small typos.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Iterable, Optional, Sequence, Tuple, TypeVar

from core.text import normalize

__all__ = ["best_match", "normalize"]

T = TypeVar("T")

# Below this similarity a typed word is not taken as a misspelling.
FUZZY_THRESHOLD = 0.84
# Short words are too easy to confuse, so they must match exactly.
FUZZY_MIN_LENGTH = 5


def _contains_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def _fuzzy_in(tokens: Sequence[str], phrase: str) -> float:
    """Best similarity between the phrase and any run of tokens of its length."""
    size = len(phrase.split())
    best = 0.0
    for i in range(len(tokens) - size + 1):
        candidate = " ".join(tokens[i : i + size])
        if abs(len(candidate) - len(phrase)) > 3:
            continue
        best = max(best, SequenceMatcher(None, candidate, phrase).ratio())
    return best


def best_match(text: str, candidates: Iterable[Tuple[T, Iterable[str]]]) -> Optional[T]:
    """Return the candidate whose names occur in the text.

    `candidates` yields (item, names). An exact (normalised) phrase beats a
    fuzzy one; a longer phrase beats a shorter one.
    """
    norm = normalize(text)
    if not norm:
        return None
    tokens = norm.split()
    best: Optional[T] = None
    best_score = 0.0
    for item, names in candidates:
        for name in names:
            phrase = normalize(name)
            if not phrase:
                continue
            if _contains_phrase(norm, phrase):
                score = 2.0 + len(phrase) / 100.0
            elif len(phrase) >= FUZZY_MIN_LENGTH:
                ratio = _fuzzy_in(tokens, phrase)
                score = ratio + len(phrase) / 1000.0 if ratio >= FUZZY_THRESHOLD else 0.0
            else:
                score = 0.0
            if score > best_score:
                best, best_score = item, score
    return best
