"""Personnummer (Swedish personal identity numbers) must never be stored.

Found in any text as 10 or 12 digits, with or without '-' or '+' (or a space)
before the last four, with a real date (day + 60 for samordningsnummer) and a
valid check digit. A run of ten digits that starts with 0 and has no
separator is read as a phone number (Swedish phone numbers start with 0).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Tuple

REPLACEMENT = "[borttaget]"

_CANDIDATE = re.compile(r"(?<![\d])((?:18|19|20)?)(\d{6})([-+ ]?)(\d{4})(?![\d])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _real_date(century: str, yymmdd: str) -> bool:
    year = int((century or "19") + yymmdd[:2])
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:
        day -= 60  # samordningsnummer
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_personnummer(match: re.Match) -> bool:
    century, yymmdd, separator, last = match.groups()
    if not century and not separator and yymmdd.startswith("0"):
        return False  # 07012345678-like: a phone number
    return _real_date(century, yymmdd) and _luhn_ok(yymmdd + last)


def redact_personnummer(text: str) -> Tuple[str, int]:
    """The text with every personnummer replaced, and how many were found."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if _is_personnummer(match):
            count += 1
            return REPLACEMENT
        return match.group(0)

    return _CANDIDATE.sub(replace, text), count


def contains_personnummer(text: str) -> bool:
    return redact_personnummer(text)[1] > 0
