"""Free meeting times from the counsellors' weekly hours.

Closed: Swedish public holidays (the `holidays` package), optionally the three
eves most offices close on, and anything busy (bookings, blocked time).
Times are computed in the municipality's time zone and returned in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Collection, FrozenSet, Iterable, Iterator, List, Optional
from zoneinfo import ZoneInfo

import holidays

from core.content.model import WEEKDAYS, Booking, Counsellor


@dataclass(frozen=True)
class Slot:
    counsellor_id: str
    starts_at: datetime  # aware, UTC
    minutes: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Busy:
    """A booked or blocked interval of one counsellor, [starts_at, ends_at)."""

    counsellor_id: str
    starts_at: datetime
    ends_at: datetime


@lru_cache(maxsize=32)
def closed_days(year: int, closed_eves: bool) -> FrozenSet[date]:
    public = holidays.country_holidays("SE", years=year)
    days = {day for day, name in public.items() if name != "Sunday"}
    if closed_eves:
        days.add(date(year, 12, 24))
        days.add(date(year, 12, 31))
        # Midsummer Eve is the Friday before Midsummer Day.
        days |= {day - timedelta(days=1) for day, name in public.items() if "Midsummer" in name}
    return frozenset(days)


def is_closed(day: date, config: Booking) -> bool:
    return day in closed_days(day.year, config.closed_eves)


def _parse(clock: str) -> time:
    hours, minutes = clock.split(":")
    return time(int(hours), int(minutes))


def counsellor_slots(counsellor: Counsellor, day: date, tz: ZoneInfo) -> Iterator[Slot]:
    length = timedelta(minutes=counsellor.meeting_minutes)
    for span in counsellor.hours.get(WEEKDAYS[day.weekday()], []):
        start_text, end_text = span.split("-")
        start = datetime.combine(day, _parse(start_text), tzinfo=tz)
        end = datetime.combine(day, _parse(end_text), tzinfo=tz)
        while start + length <= end:
            yield Slot(counsellor.id, start.astimezone(timezone.utc), counsellor.meeting_minutes)
            start += length


def overlaps(slot: Slot, busy: Iterable[Busy]) -> bool:
    return any(
        b.counsellor_id == slot.counsellor_id and slot.starts_at < b.ends_at and b.starts_at < slot.ends_at
        for b in busy
    )


def free_slots(
    config: Booking,
    now: datetime,
    busy: Collection[Busy] = (),
    meeting_type: Optional[str] = None,
    from_day: Optional[date] = None,
    limit: int = 5,
    after: Optional[datetime] = None,
) -> List[Slot]:
    """The next free times, earliest first, one counsellor per start time.

    `after` gives only times later than it ("Fler tider")."""
    tz = ZoneInfo(config.timezone)
    earliest = now + timedelta(hours=config.min_notice_hours)
    today = now.astimezone(tz).date()
    last_day = today + timedelta(days=config.days_ahead)
    day = max(today, from_day or today, after.astimezone(tz).date() if after else today)
    counsellors = [c for c in config.counsellors if meeting_type is None or meeting_type in c.meeting_types]
    found: List[Slot] = []
    while day <= last_day and len(found) < limit:
        if not is_closed(day, config):
            candidates = sorted(
                (s for c in counsellors for s in counsellor_slots(c, day, tz)),
                key=lambda s: s.starts_at,
            )
            seen_times = set()
            for slot in candidates:
                too_early = slot.starts_at < earliest or (after is not None and slot.starts_at <= after)
                if too_early or slot.starts_at in seen_times or overlaps(slot, busy):
                    continue
                seen_times.add(slot.starts_at)
                found.append(slot)
                if len(found) == limit:
                    break
        day += timedelta(days=1)
    return found


def is_bookable(config: Booking, slot: Slot, now: datetime, meeting_type: Optional[str] = None) -> bool:
    """True when the slot is one of the counsellor's own times, open and not too soon."""
    tz = ZoneInfo(config.timezone)
    counsellor = next((c for c in config.counsellors if c.id == slot.counsellor_id), None)
    if counsellor is None or (meeting_type and meeting_type not in counsellor.meeting_types):
        return False
    local_day = slot.starts_at.astimezone(tz).date()
    if is_closed(local_day, config) or slot.starts_at < now + timedelta(hours=config.min_notice_hours):
        return False
    if local_day > now.astimezone(tz).date() + timedelta(days=config.days_ahead):
        return False
    return any(s.starts_at == slot.starts_at for s in counsellor_slots(counsellor, local_day, tz))
