"""Secret calendar-feed tokens, one per counsellor.

The token sits in the subscription URL a counsellor pastes into their
calendar; the database keeps only its hash, so a new token can be made (and
the old URL stops working) but an old one cannot be read back.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.times import to_db
from bot.db.schema import calendar_feeds


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def new_token(self, counsellor_id: str) -> str:
        """A fresh token for the counsellor; any earlier one stops working."""
        token = secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
            await conn.execute(delete(calendar_feeds).where(calendar_feeds.c.counsellor_id == counsellor_id))
            await conn.execute(
                insert(calendar_feeds).values(
                    counsellor_id=counsellor_id, token_hash=_hash(token), created_at=to_db(datetime.now(timezone.utc))
                )
            )
        return token

    async def has_feed(self, counsellor_id: str) -> bool:
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(calendar_feeds.c.id).where(calendar_feeds.c.counsellor_id == counsellor_id)
            )).first()
        return row is not None

    async def counsellor_for(self, token: str) -> Optional[str]:
        if not token or len(token) > 100:
            return None
        async with self.engine.connect() as conn:
            row = (await conn.execute(
                select(calendar_feeds.c.counsellor_id).where(calendar_feeds.c.token_hash == _hash(token))
            )).first()
        return row.counsellor_id if row else None
