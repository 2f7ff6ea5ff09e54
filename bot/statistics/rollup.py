"""The daily roll-up: each finished day's conversations and records, as counts.

For a day (Europe/Stockholm, from content/booking.yml) it reads the tracker
store's events and the service's interests and questions, and writes only counts (bot/statistics/counts.py) and the day's failed questions,
cleaned (bot/statistics/failed.py). A day is counted once (table stat_days),
so the counts stay when retention deletes the conversations; running again
does nothing new. Run by the service at start-up and with each retention
round, before retention deletes anything, and by hand (bookings and
cancellations are counted when they happen, bot/booking/):

    python -m bot.statistics.rollup [--tracker-db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema import failed_messages, interests, stat_counts, stat_days, tickets
from bot.db.times import to_db
from bot.statistics import failed, tracker
from bot.statistics.counts import LIVE_METRICS
from bot.statistics.tracker import Event

log = logging.getLogger(__name__)

# Messages the chat sends by itself, not the person.
AUTOMATIC = ("/greet", "/restart", "/session_start", "/start_followup")
# The first run counts at most this far back.
MAX_BACKFILL_DAYS = 400


def channel_of(conversation: List[Event]) -> str:
    return "tablet" if any(e.tablet for e in conversation if e.kind == "user") else "web"


def _person_messages(conversation: List[Event]) -> List[int]:
    return [i for i, e in enumerate(conversation) if e.kind == "user" and not e.text.startswith(AUTOMATIC)]


def conversation_counts(conversation: List[Event]) -> Counter:
    """(metric, key) -> count for one conversation's events of one day."""
    counts: Counter = Counter()
    messages = _person_messages(conversation)
    if not messages:
        return counts
    counts[("conversations", "")] += 1
    for index in messages:
        event = conversation[index]
        counts[("messages", "")] += 1
        counts[("intent", (event.intent or "")[:100])] += 1
        if event.intent == failed.FALLBACK_INTENT:
            counts[("fallback", "")] += 1
        turn = []
        for later in conversation[index + 1:]:
            if later.kind == "user":
                break
            turn.append(later)
        if any(e.offers_person for e in turn):
            counts[("offered_person", "")] += 1
    return counts


def day_window(day: date, zone: ZoneInfo) -> tuple:
    """The day's start and end as UTC datetimes."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


async def service_counts(engine: AsyncEngine, start: datetime, end: datetime) -> Dict[str, int]:
    """The service's own records made (or answered) in the window."""
    low, high = to_db(start), to_db(end)

    def made(table):
        return select(func.count()).select_from(table).where(and_(table.c.created_at >= low, table.c.created_at < high))

    answered = and_(tickets.c.answered_at >= low, tickets.c.answered_at < high)
    async with engine.connect() as conn:
        found = {
            "handoffs": (await conn.execute(made(tickets))).scalar_one(),
            "interests": (await conn.execute(made(interests))).scalar_one(),
            "answered": (await conn.execute(select(func.count()).select_from(tickets).where(answered))).scalar_one(),
        }
        times = (await conn.execute(select(tickets.c.created_at, tickets.c.answered_at).where(answered))).all()
    found["answer_seconds"] = int(sum((row.answered_at - row.created_at).total_seconds() for row in times))
    return found


async def count_day(service: AsyncEngine, tracker_engine: AsyncEngine, day: date, zone: ZoneInfo) -> bool:
    """Count one day, once. False when it was counted already."""
    start, end = day_window(day, zone)
    conversations = await tracker.read(tracker_engine, start.timestamp(), end.timestamp())
    rows = []
    by_channel: Dict[str, Counter] = {}
    failed_found = []
    for conversation in conversations.values():
        by_channel.setdefault(channel_of(conversation), Counter()).update(conversation_counts(conversation))
        failed_found.extend(failed.find_failed(conversation))
    for channel, counts in by_channel.items():
        rows += [{"day": day, "channel": channel, "metric": m, "key": k, "value": v} for (m, k), v in counts.items()]
    made = await service_counts(service, start, end)
    for metric, value in made.items():
        if value or (metric == "answer_seconds" and made["answered"]):
            rows.append({"day": day, "channel": "", "metric": metric, "key": "", "value": value})
    try:
        async with service.begin() as conn:
            await conn.execute(insert(stat_days).values(day=day, done_at=to_db(datetime.now(timezone.utc))))
            await conn.execute(delete(stat_counts).where(
                stat_counts.c.day == day, stat_counts.c.metric.not_in(LIVE_METRICS)))
            await conn.execute(delete(failed_messages).where(
                failed_messages.c.day == day, failed_messages.c.reason != "thumbs_down"))
            if rows:
                await conn.execute(insert(stat_counts), rows)
            if failed_found:
                await conn.execute(insert(failed_messages), failed.rows(day, failed_found))
    except IntegrityError:
        return False  # counted already (by another run)
    return True


async def due_days(service: AsyncEngine, tracker_engine: AsyncEngine, today: date, zone: ZoneInfo) -> List[date]:
    """Finished days not counted yet, from the first conversation on."""
    first = await tracker.first_timestamp(tracker_engine)
    if first is None:
        return []  # Rasa has stored nothing yet (or the table is not there): nothing to count
    yesterday = today - timedelta(days=1)
    start = datetime.fromtimestamp(first, zone).date()
    start = max(start, today - timedelta(days=MAX_BACKFILL_DAYS))
    async with service.connect() as conn:
        done = {row.day for row in await conn.execute(select(stat_days.c.day).where(stat_days.c.day >= start))}
    days = []
    day = start
    while day <= yesterday:
        if day not in done:
            days.append(day)
        day += timedelta(days=1)
    return days


async def run_due(service: AsyncEngine, tracker_engine: Optional[AsyncEngine], zone_name: str,
                  now: Optional[datetime] = None) -> int:
    """Count every finished day not counted yet; how many were counted."""
    if tracker_engine is None:
        log.info("Statistics roll-up: no tracker store configured (VARDVAGEN_TRACKER_URL); nothing counted")
        return 0
    zone = ZoneInfo(zone_name)
    today = (now or datetime.now(timezone.utc)).astimezone(zone).date()
    counted = 0
    for day in await due_days(service, tracker_engine, today, zone):
        counted += await count_day(service, tracker_engine, day, zone)
    if counted:
        log.info("Statistics roll-up: counted %s days", counted)
    return counted


def main(argv: Optional[list] = None) -> int:
    from bot.db.engine import create_engine, upgrade
    from bot.settings import Settings
    from core.content import load_content

    parser = argparse.ArgumentParser(description="Count the finished days for the statistics.")
    parser.add_argument("--tracker-db", default=os.environ.get("VARDVAGEN_TRACKER_URL"), help="Rasa tracker store URL")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if not args.tracker_db:
        parser.error("the tracker store's URL is needed: --tracker-db or VARDVAGEN_TRACKER_URL")

    async def run() -> int:
        upgrade(settings.database_url)
        service = create_engine(settings.database_url)
        tracker_engine = create_engine(args.tracker_db, own_database=False)
        try:
            return await run_due(service, tracker_engine, load_content(settings.content_dir).booking.timezone)
        finally:
            await service.dispose()
            await tracker_engine.dispose()

    print(f"Counted {asyncio.run(run())} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
