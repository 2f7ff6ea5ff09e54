"""Nothing personal is kept that the person did not mean to give.

`clean_message` is the one rule, used wherever free text comes in (Rasa's
channels, questions for a counsellor, the booking's interpreter field,
dashboard notes) and wherever stored text goes out (exports):

- **Personnummer and samordningsnummer are removed** (`[borttaget]`) by their
  shape alone: an optional century (18, 19, 20), YYMMDD with a month 01-12
  and a day 01-31 (61-91 for a samordningsnummer), an optional separator
  (`-`, `+`, a dash or one space) and four digits. The check digit is not
  checked: a mistyped number is still a person's number.
- **A phone number is not a personnummer:** ten digits in a row without
  century or separator that start with 0 ("0701234567") are read as a phone
  number. The limit: the personnummer of someone born 2001-2009 typed that
  way is taken for a phone number too, and kept where a contact is asked for.
- **Long numbers are masked** (`[dolt nummer]`): more than 8 digits in a run,
  single spaces or dashes allowed between groups (card, bank and phone
  numbers). A date (2026-12-07: 8 digits), a time, a one-time code and a
  reference code stay. Where the person is asked for a contact
  (`contact_expected`), a long number that is a Swedish phone number stays.
- `mentions_personnummer`: the word (personnummer, personnr, pnr, a typo of
  them, samordningsnummer) comes with digits, so the person is warned even
  when the digits are too short to be one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.contact import normalize_phone

REPLACEMENT = "[borttaget]"
NUMBER_MASK = "[dolt nummer]"
# A long number has more digits than this (a date has 8).
MAX_KEPT_DIGITS = 8

_DASHES = "\\-\u2010-\u2015\u2212"
_SPACES = " \u00a0\u202f"
# Between date and last four: '-' or '+' (or a dash), with or without a space
# around it, or one space alone.
_SEPARATOR = f"(?:[{_SPACES}]?[{_DASHES}+][{_SPACES}]?|[{_SPACES}])"
_SHAPE = re.compile(rf"(?<!\d)((?:18|19|20)?)(\d{{6}})({_SEPARATOR}?)(\d{{4}})(?!\d)")
# Digit groups joined by one space or dash; a group that is part of a time or
# a decimal (14:00, 3.5) ends the run before it and starts none.
_RUN = re.compile(
    rf"(?<![\d+])(?<!\d[:.,])\+?\d+(?:[{_SPACES}{_DASHES}]\d+(?!\d)(?![:.,]\d))*"
)
_MENTION = re.compile(
    r"\b(?:person\s?-?(?:n?[uo]m{1,2}b?e?r\w*|nr)|p-?nr|samordnings\s?-?n?um{1,2}er\w*)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# Dates written one after another ("2026-12-07 2026-12-08") are no long number.
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}")


@dataclass(frozen=True)
class Cleaned:
    """A message after the rule: its text and what was taken out."""

    text: str
    personnummer: int = 0
    long_numbers: int = 0
    mentions_personnummer: bool = False

    @property
    def warn_personnummer(self) -> bool:
        """Tell the person not to write personnummer."""
        return self.personnummer > 0 or self.mentions_personnummer


def _ascii(digits: str) -> str:
    # \d also matches other scripts' digits (Arabic-Indic, full width); int() reads them.
    return "".join(str(int(ch)) if ch.isdecimal() else ch for ch in digits)


def _is_shape(match: re.Match) -> bool:
    century, yymmdd, separator, _ = match.groups()
    yymmdd = _ascii(yymmdd)
    if not century and not separator and yymmdd.startswith("0"):
        return False  # 0701234567: a phone number
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def _digit_count(text: str) -> int:
    return len(_DIGIT.findall(text))


def _only_dates(run: str) -> bool:
    return all(_DATE.fullmatch(part) for part in run.split())


def _is_phone(run: str) -> bool:
    return normalize_phone(_ascii(run)) is not None


def remove_personnummer(text: str) -> tuple[str, int]:
    """The text with every personnummer shape replaced, and how many there were."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        if _is_shape(match):
            count += 1
            return REPLACEMENT
        return match.group(0)

    return _SHAPE.sub(replace, text), count


def clean_message(text: str, *, contact_expected: bool = False) -> Cleaned:
    """The text without personnummer and, unless it is a phone number given
    where a contact was asked for, without long numbers."""
    without, personnummer = remove_personnummer(text)
    long_numbers = 0

    def mask(match: re.Match) -> str:
        nonlocal long_numbers
        run = match.group(0)
        if _digit_count(run) <= MAX_KEPT_DIGITS or _only_dates(run) or (contact_expected and _is_phone(run)):
            return run
        long_numbers += 1
        return NUMBER_MASK

    cleaned = _RUN.sub(mask, without)
    mentions = bool(_MENTION.search(text)) and bool(_DIGIT.search(text))
    return Cleaned(cleaned, personnummer, long_numbers, mentions)


def contact_matters(text: str) -> bool:
    """Whether clean_message's answer depends on contact_expected: the text
    holds a long number that is a phone number (and not a personnummer).
    Only then is it worth finding out whether a contact was asked for."""
    without, _ = remove_personnummer(text)
    return any(_digit_count(m.group(0)) > MAX_KEPT_DIGITS and _is_phone(m.group(0)) for m in _RUN.finditer(without))


def contains_personnummer(text: str) -> bool:
    """A personnummer shape is in the text (for ids and keys, which are refused then)."""
    return any(_is_shape(match) for match in _SHAPE.finditer(text))
