"""Follow-up links: a counsellor sends a learner back to the chat, to a job
track and a topic, with a link or a QR code.

The code in the link is random and long (secrets.token_urlsafe), so links
cannot be guessed; each one stops working when it expires.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.times import from_db, to_db
from bot.db.schema import followups
from bot.db.unique import first, insert_unique

# token_urlsafe(12): 16 characters, 96 random bits.
CODE_BYTES = 12


@dataclass(frozen=True)
class Followup:
    code: str
    track_id: Optional[str]
    topic: Optional[str]
    label: Optional[str]
    created_by: str
    created_at: datetime
    expires_at: datetime


def _followup(row) -> Followup:
    return Followup(
        code=row.code,
        track_id=row.track_id,
        topic=row.topic,
        label=row.label,
        created_by=row.created_by,
        created_at=from_db(row.created_at),
        expires_at=from_db(row.expires_at),
    )


class FollowupStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(
        self,
        created_by: str,
        track_id: Optional[str],
        topic: Optional[str],
        label: Optional[str],
        valid_for: timedelta,
        now: Optional[datetime] = None,
    ) -> Followup:
        created = now or datetime.now(timezone.utc)
        values = {
            "track_id": track_id,
            "topic": topic,
            "label": label,
            "created_by": created_by,
            "created_at": to_db(created),
            "expires_at": to_db(created + valid_for),
        }
        row, _ = await insert_unique(
            self.engine,
            followups,
            values,
            code_column="code",
            new_code=lambda: secrets.token_urlsafe(CODE_BYTES),
            what="follow-up code",
        )
        return _followup(row)

    async def _one(self, *conditions) -> Optional[Followup]:
        row = await first(self.engine, followups, *conditions)
        return _followup(row) if row else None

    async def valid(self, code: str, now: Optional[datetime] = None) -> Optional[Followup]:
        """The link for this code, if it exists and has not expired."""
        if not code or len(code) > 32:
            return None
        moment = to_db(now or datetime.now(timezone.utc))
        return await self._one(followups.c.code == code, followups.c.expires_at > moment)

    async def made_by(self, username: str, limit: int = 20) -> List[Followup]:
        """A counsellor's newest links first."""
        query = (
            select(followups)
            .where(followups.c.created_by == username)
            .order_by(followups.c.created_at.desc(), followups.c.id.desc())
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [_followup(row) for row in await conn.execute(query)]
