"""Swedish calendar words, for dates the bot shows."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from core.text import normalize

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
SHORT_WEEKDAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
SHORT_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def format_date(day: date) -> str:
    """18 januari 2027"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_amount(kronor: int) -> str:
    """25 400 kr (a space between thousands, as in Swedish)."""
    return f"{kronor:,}".replace(",", " ") + " kr"


def format_slot(moment: datetime, tz: ZoneInfo) -> str:
    """tisdag 3 december kl. 10.00 (in the municipality's time zone)."""
    local = moment.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} kl. {local.hour:02d}.{local.minute:02d}"


def format_short(moment: datetime, tz: ZoneInfo, now: Optional[datetime] = None) -> str:
    """mån 7 dec kl. 09.00: the one date format of the dashboard. The year is
    added only when it is not this year's (mån 4 jan 2027 kl. 09.00)."""
    local = moment.astimezone(tz)
    this_year = (now or datetime.now(tz)).astimezone(tz).year
    year = "" if local.year == this_year else f" {local.year}"
    return (f"{SHORT_WEEKDAYS[local.weekday()]} {local.day} {SHORT_MONTHS[local.month - 1]}{year}"
            f" kl. {local.hour:02d}.{local.minute:02d}")


def format_short_day(day: date, today: Optional[date] = None) -> str:
    """mån 7 dec: a day without a time, in the same words as format_short."""
    year = "" if day.year == (today or date.today()).year else f" {day.year}"
    return f"{SHORT_WEEKDAYS[day.weekday()]} {day.day} {SHORT_MONTHS[day.month - 1]}{year}"


# Parsing a day typed in Swedish: "imorgon", "nästa tisdag", "den 5 december", "5/12".
_FOLDED_WEEKDAYS = [normalize(day) for day in WEEKDAYS]
_MONTH_PREFIXES = [normalize(month)[:3] for month in MONTHS]
_RELATIVE = {"idag": 0, "i dag": 0, "imorgon": 1, "i morgon": 1, "imorn": 1, "i morn": 1, "overmorgon": 2, "i overmorgon": 2}
# An optional year after the day and month: "1 januari 2020", "1/1 2020", "1.1.2020".
_DAY_MONTH_NAME = re.compile(r"\b(\d{1,2})\s+([a-z]{3,})(?:\s+(\d{4})\b)?")
_DAY_MONTH_NUMBER = re.compile(r"\b(\d{1,2})\s*[/.]\s*(\d{1,2})\b(?:\s*[/.]?\s*(\d{4})\b)?")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NEXT_WEEK = re.compile(r"\bnasta vecka\b")


def parse_day(text: str, today: date) -> Optional[date]:
    """The day a person means, or None. A day and month without a year that has
    already been this year means next year; with a year, that year (maybe past)."""
    norm = normalize(text)
    for phrase, offset in sorted(_RELATIVE.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{phrase}\b", norm):
            return today + timedelta(days=offset)
    iso = _ISO.search(text)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    for index, day_name in enumerate(_FOLDED_WEEKDAYS):
        if re.search(rf"\b{day_name}(en)?\b", norm):
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    if _NEXT_WEEK.search(norm):
        return today + timedelta(days=7 - today.weekday())
    named = _DAY_MONTH_NAME.search(norm)
    if named and named.group(2)[:3] in _MONTH_PREFIXES:
        return _dated(today, int(named.group(1)), _MONTH_PREFIXES.index(named.group(2)[:3]) + 1, named.group(3))
    numbered = _DAY_MONTH_NUMBER.search(text)
    if numbered:
        return _dated(today, int(numbered.group(1)), int(numbered.group(2)), numbered.group(3))
    return None


def _dated(today: date, day: int, month: int, year: Optional[str]) -> Optional[date]:
    if year is None:
        return _upcoming(today, day, month)
    try:
        return date(int(year), month, day)
    except ValueError:
        return None


def _upcoming(today: date, day: int, month: int) -> Optional[date]:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None
