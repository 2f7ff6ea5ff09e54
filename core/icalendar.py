"""iCalendar (.ics) files for booked meetings (RFC 5545)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable, List

# RFC 5545 3.1: a content line is at most 75 octets; longer ones are folded.
LINE_OCTETS = 75


def _escape(text: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon, comma and newline in TEXT values.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> List[str]:
    """The line in parts of at most 75 octets, never splitting a UTF-8
    character; each part after the first starts with a space."""
    parts: List[str] = []
    current, size = "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = LINE_OCTETS - (1 if parts else 0)  # room for the leading space
        if size + octets > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += octets
    parts.append(current)
    return parts[:1] + [" " + part for part in parts[1:]]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def event_lines(uid: str, starts_at: datetime, minutes: int, summary: str, location: str, description: str) -> list:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_stamp(datetime.now(timezone.utc))}",
        f"DTSTART:{_stamp(starts_at)}",
        f"DTEND:{_stamp(starts_at + timedelta(minutes=minutes))}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
    ]


def calendar(events: Iterable[list]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Vardvagen//Bokning//SV", "CALSCALE:GREGORIAN"]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
