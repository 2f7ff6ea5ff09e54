"""LIX readability index for Swedish text.

LIX = words / sentences + 100 * long_words / words, where a long word has more
than six letters. Sentences end at '.', '!', '?' or ':' (and at line breaks);
a text without an ending counts as one sentence. Digits are not words.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:]+|\n+")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentence_count(text: str) -> int:
    parts = [p for p in _SENTENCE_END.split(text) if _WORD.search(p)]
    return max(1, len(parts))


def lix(text: str) -> float:
    found = words(text)
    if not found:
        return 0.0
    long_words = sum(1 for w in found if len(w.replace("-", "")) > 6)
    return len(found) / sentence_count(text) + 100.0 * long_words / len(found)
