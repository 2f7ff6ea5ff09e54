"""Swedish calendar words, for dates the bot shows."""

from __future__ import annotations

from datetime import date

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def format_date(day: date) -> str:
    """18 januari 2027"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_amount(kronor: int) -> str:
    """25 400 kr (a space between thousands, as in Swedish)."""
    return f"{kronor:,}".replace(",", " ") + " kr"
