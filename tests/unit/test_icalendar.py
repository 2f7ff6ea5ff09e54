"""core/icalendar.py: TEXT values escaped and long lines folded (RFC 5545)."""

from datetime import datetime, timezone

from core.icalendar import calendar, event_lines


def one_event(summary: str = "Möte", description: str = "Kod X") -> str:
    starts = datetime(2030, 1, 7, 8, 0, tzinfo=timezone.utc)
    return calendar([event_lines("a@b", starts, 45, summary, "Telefon", description)])


def test_text_values_are_escaped():
    ics = one_event(description="a,b;c\\d\ne\r\nf")
    assert "DESCRIPTION:a\\,b\\;c\\\\d\\ne\\nf\r\n" in ics


def test_long_lines_are_folded_at_75_octets_without_splitting_a_letter():
    description = "Tolk: " + "ö" * 60 + " och arabiska"
    ics = one_event(description=description)
    lines = ics.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)
    # Unfolding (RFC 5545 3.1) gives the line back; every part decodes on its own.
    assert f"DESCRIPTION:{description}" in ics.replace("\r\n ", "").split("\r\n")
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
