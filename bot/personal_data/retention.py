"""Delete personal data when its time is up (content/privacy.yml).

- bookings: N days after the meeting
- interest registrations: N days after they were made
- questions handed to a counsellor (tickets): N days after they were asked
- follow-up links: when they expire (a label may be a first name)
- failed questions (cleaned texts, bot/statistics/): with the conversations
- conversations in Rasa's SQL tracker store: N days after their last event
  (Rasa 3.6 has no HTTP endpoint to delete a conversation, so this deletes
  from the tracker store's `events` table itself).

Run by the bot web service every hour, and by hand with
`python -m bot.personal_data.retention [--tracker-db URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import Column, Float, MetaData, String, Table, delete, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.content.model import Retention
from bot.db.times import to_db
from bot.accounts.audit import AUDIT_DAYS
from bot.db.engine import release_deleted
from bot.db.schema import audit_log, bookings, contact_proofs, failed_messages, followups, interests, tickets

log = logging.getLogger(__name__)

# The part of Rasa's tracker store table that retention needs.
_tracker = MetaData()
events = Table(
    "events",
    _tracker,
    Column("sender_id", String(255)),
    Column("timestamp", Float),
)


@dataclass(frozen=True)
class Purged:
    bookings: int = 0
    interests: int = 0
    conversations: int = 0
    tickets: int = 0
    followups: int = 0


async def purge_service(engine: AsyncEngine, retention: Retention, now: datetime) -> Purged:
    booking_cutoff = to_db(now - timedelta(days=retention.bookings_after_meeting))
    interest_cutoff = to_db(now - timedelta(days=retention.interests))
    ticket_cutoff = to_db(now - timedelta(days=retention.tickets))
    async with engine.begin() as conn:
        gone_bookings = await conn.execute(delete(bookings).where(bookings.c.starts_at < booking_cutoff))
        gone_interests = await conn.execute(delete(interests).where(interests.c.created_at < interest_cutoff))
        gone_tickets = await conn.execute(delete(tickets).where(tickets.c.created_at < ticket_cutoff))
        gone_followups = await conn.execute(delete(followups).where(followups.c.expires_at < to_db(now)))
        # One-time codes last minutes; an expired one is only a hash, but it has no use either.
        await conn.execute(delete(contact_proofs).where(contact_proofs.c.expires_at < to_db(now)))
        # Failed questions (bot/statistics/failed.py) go with the conversations they came from.
        await conn.execute(delete(failed_messages).where(
            failed_messages.c.day < (now - timedelta(days=retention.conversations)).date()))
        # Who looked at whose data is kept a year, then it goes too.
        await conn.execute(delete(audit_log).where(audit_log.c.at < to_db(now - timedelta(days=AUDIT_DAYS))))
    await release_deleted(engine)
    return Purged(
        bookings=gone_bookings.rowcount,
        interests=gone_interests.rowcount,
        tickets=gone_tickets.rowcount,
        followups=gone_followups.rowcount,
    )


async def purge_conversations(engine: AsyncEngine, retention: Retention, now: datetime) -> int:
    cutoff = (now - timedelta(days=retention.conversations)).timestamp()
    stale = select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < cutoff)
    async with engine.begin() as conn:
        # Rasa makes the table on its first message; until then there is nothing to delete.
        if not await conn.run_sync(lambda sync: inspect(sync).has_table("events")):
            return 0
        senders = [row.sender_id for row in await conn.execute(stale)]
        if not senders:
            return 0
        await conn.execute(delete(events).where(events.c.sender_id.in_(senders)))
    return len(senders)


async def delete_conversation(engine: AsyncEngine, sender_id: str) -> int:
    """Every event of one conversation, from Rasa's tracker store table."""
    async with engine.begin() as conn:
        if not await conn.run_sync(lambda sync: inspect(sync).has_table("events")):
            return 0
        result = await conn.execute(delete(events).where(events.c.sender_id == sender_id))
    return result.rowcount


async def purge(
    service: AsyncEngine, tracker: Optional[AsyncEngine], retention: Retention, now: Optional[datetime] = None
) -> Purged:
    moment = now or datetime.now(timezone.utc)
    done = await purge_service(service, retention, moment)
    conversations = await purge_conversations(tracker, retention, moment) if tracker is not None else 0
    if tracker is not None:
        await release_deleted(tracker)
    result = Purged(done.bookings, done.interests, conversations, done.tickets, done.followups)
    log.info(
        "Retention: deleted %s bookings, %s interests, %s conversations, %s tickets, %s follow-up links",
        *vars(result).values(),
    )
    return result


def main(argv: Optional[list] = None) -> int:
    from core.content import load_content
    from bot.settings import Settings
    from bot.db.engine import create_engine, upgrade

    parser = argparse.ArgumentParser(description="Delete personal data whose time is up.")
    parser.add_argument("--tracker-db", default=os.environ.get("VARDVAGEN_TRACKER_URL"), help="Rasa tracker store URL")
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    async def run() -> Purged:
        upgrade(settings.database_url)
        service = create_engine(settings.database_url)
        tracker = create_engine(args.tracker_db, own_database=False) if args.tracker_db else None
        try:
            return await purge(service, tracker, load_content(settings.content_dir).privacy.retention_days)
        finally:
            await service.dispose()
            if tracker is not None:
                await tracker.dispose()

    result = asyncio.run(run())
    print(
        f"Deleted {result.bookings} bookings, {result.interests} interests, {result.conversations} conversations, "
        f"{result.tickets} tickets, {result.followups} follow-up links"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
