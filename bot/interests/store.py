"""Interest registrations: a person wants a place on a job track."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Optional

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.codes import new_code
from bot.booking.store import REFERENCE_ATTEMPTS, from_db, to_db
from bot.db.schema import interests


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
        for _ in range(REFERENCE_ATTEMPTS):
            reference = new_code()
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        insert(interests).values(
                            reference=reference,
                            track_id=track_id,
                            first_name=first_name,
                            contact=contact,
                            answers=json.dumps(answers, ensure_ascii=False, sort_keys=True),
                            idempotency_key=idempotency_key,
                            created_at=to_db(datetime.now(timezone.utc)),
                        )
                    )
                return await self._one(interests.c.reference == reference)
            except IntegrityError:
                if idempotency_key:
                    earlier = await self._one(interests.c.idempotency_key == idempotency_key, required=False)
                    if earlier:
                        return earlier
        raise RuntimeError("could not create a unique reference code")

    async def _one(self, *conditions, required: bool = True) -> Optional[Interest]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(interests).where(*conditions))).first()
        if row is None and required:
            raise LookupError("interest not found")
        return _interest(row) if row else None

    async def find(self, reference: str, contact: str) -> Optional[Interest]:
        return await self._one(interests.c.reference == reference, interests.c.contact == contact, required=False)

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

    async def counts(self) -> Dict[str, int]:
        """Number of registrations per track id."""
        query = select(interests.c.track_id, func.count()).group_by(interests.c.track_id)
        async with self.engine.connect() as conn:
            return {track_id: count for track_id, count in await conn.execute(query)}
