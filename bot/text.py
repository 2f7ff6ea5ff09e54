"""Normalising what learners type: lower case, å/ä/ö folded, no punctuation."""

import re

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "a", "ø": "o"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    folded = text.lower().translate(_FOLD)
    return _NON_WORD.sub(" ", folded).strip()
