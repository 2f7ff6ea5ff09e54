"""Interest registrations: a person wants a place on a job track."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Optional

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.times import from_db, to_db
from bot.db.schema import interests
from bot.db.unique import first, insert_unique


@dataclass(frozen=True)
class Interest:
    reference: str
    track_id: str
    first_name: str
    contact: str
    answers: Dict[str, str]
    created_at: datetime


def _interest(row) -> Interest:
    return Interest(
        reference=row.reference,
        track_id=row.track_id,
        first_name=row.first_name,
        contact=row.contact,
        answers=json.loads(row.answers),
        created_at=from_db(row.created_at),
    )


class InterestStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(
        self,
        track_id: str,
        first_name: str,
        contact: str,
        answers: Dict[str, str],
        idempotency_key: Optional[str] = None,
    ) -> Interest:
        values = {
            "track_id": track_id,
            "first_name": first_name,
            "contact": contact,
            "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
            "created_at": to_db(datetime.now(timezone.utc)),
        }
        row, _ = await insert_unique(self.engine, interests, values, idempotency_key=idempotency_key)
        return _interest(row)

    async def find(self, reference: str, contact: str) -> Optional[Interest]:
        row = await first(self.engine, interests, interests.c.reference == reference, interests.c.contact == contact)
        return _interest(row) if row else None

    async def delete_for_contact(self, contact: str) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(interests).where(interests.c.contact == contact))
        return result.rowcount

    async def for_track(self, track_id: str) -> List[Interest]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(interests).where(interests.c.track_id == track_id).order_by(interests.c.created_at)
            )
            return [_interest(row) for row in rows]

    async def for_contact(self, contact: str) -> List[Interest]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(interests).where(interests.c.contact == contact).order_by(interests.c.created_at)
            )
            return [_interest(row) for row in rows]

    async def counts(self, since: Optional[datetime] = None) -> Dict[str, int]:
        """Number of registrations per track id (made after `since`, if given)."""
        query = select(interests.c.track_id, func.count()).group_by(interests.c.track_id)
        if since is not None:
            query = query.where(interests.c.created_at >= to_db(since))
        async with self.engine.connect() as conn:
            return {track_id: count for track_id, count in await conn.execute(query)}
