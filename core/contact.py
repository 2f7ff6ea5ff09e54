"""Validate and normalise the contact a person gives: a Swedish phone number
or an e-mail address."""

from __future__ import annotations

import re
from typing import Optional

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,200}\.[A-Za-z]{2,24}$")
_PHONE_CHARS = re.compile(r"[\s\-()/.]")
# 070-123 45 67 (10 digits), 08-123 456 (8), 031-12 34 56 (9): a leading 0 then 6-9 digits.
_NATIONAL = re.compile(r"^0[1-9]\d{5,8}$")
# A personnummer (YYMMDD-NNNN) must never be taken as a phone number.
_PERSONNUMMER_SHAPE = re.compile(r"^\s*(\d{2})?\d{6}\s*[-+]\s*\d{4}\s*$")


def normalize_email(text: str) -> Optional[str]:
    candidate = text.strip()
    return candidate.lower() if _EMAIL.match(candidate) else None


def normalize_phone(text: str) -> Optional[str]:
    """+46701234567 for a valid Swedish number, else None."""
    if _PERSONNUMMER_SHAPE.match(text):
        return None
    digits = _PHONE_CHARS.sub("", text.strip())
    if digits.startswith("+46"):
        digits = "0" + digits[3:]
    elif digits.startswith("0046"):
        digits = "0" + digits[4:]
    if not _NATIONAL.match(digits):
        return None
    return "+46" + digits[1:]


def normalize_contact(text: str) -> Optional[str]:
    if "@" in text:
        return normalize_email(text)
    return normalize_phone(text)
