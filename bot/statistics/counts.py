"""The daily counts table (stat_counts): add to a count, read a range.

Counts only: a day, a channel ("web", "tablet", or "" for the service's own
records), a measure and a key (an intent name or ""). Nothing in it points to
a person or a conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import List
from zoneinfo import ZoneInfo

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema import stat_counts

# Counted live by the service when they happen (their records are deleted).
LIVE_METRICS = ("bookings", "cancellations")  # counted when they happen (bot/booking/), not by the roll-up


@dataclass(frozen=True)
class Count:
    day: date
    channel: str
    metric: str
    key: str
    value: int


def _same(day: date, channel: str, metric: str, key: str):
    c = stat_counts.c
    return and_(c.day == day, c.channel == channel, c.metric == metric, c.key == key)


async def bump(engine: AsyncEngine, day: date, metric: str, channel: str = "", key: str = "", by: int = 1) -> None:
    """Add `by` to one count (made when missing)."""
    for _attempt in range(2):
        try:
            async with engine.begin() as conn:
                changed = await conn.execute(
                    update(stat_counts).where(_same(day, channel, metric, key)).values(value=stat_counts.c.value + by))
                if changed.rowcount == 0:
                    await conn.execute(insert(stat_counts).values(
                        day=day, channel=channel, metric=metric, key=key, value=by))
            return
        except IntegrityError:
            continue  # another request made the row meanwhile: add to it


async def bump_today(engine: AsyncEngine, zone_name: str, metric: str) -> None:
    """Count one of something that happened now (a cancellation: its booking is deleted)."""
    await bump(engine, datetime.now(timezone.utc).astimezone(ZoneInfo(zone_name)).date(), metric)


async def in_range(engine: AsyncEngine, start: date, end: date) -> List[Count]:
    """Every count from start to end, both included."""
    c = stat_counts.c
    query = select(stat_counts).where(c.day >= start, c.day <= end).order_by(c.day, c.channel, c.metric, c.key)
    async with engine.connect() as conn:
        return [Count(r.day, r.channel, r.metric, r.key, r.value) for r in await conn.execute(query)]
