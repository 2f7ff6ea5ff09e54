"""Bookings and blocked times in the database.

The database decides who gets a time: a unique constraint on (counsellor,
start) turns a race between two requests into one booking and one SlotTaken.
A retried request with the same idempotency key gets the first booking back.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional, Tuple

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.booking.availability import Busy
from bot.db.times import from_db, to_db
from bot.db.schema import blocks, bookings
from bot.db.unique import first, insert_unique

# A meeting that started before a window may still be going on in it
# (content/booking.yml allows meetings up to 240 minutes).
LONGEST_MEETING = timedelta(minutes=240)


class SlotTaken(Exception):
    """Someone else booked that counsellor at that time."""


class BookingGone(Exception):
    """The booking to be replaced no longer exists (or the contact is wrong)."""


@dataclass(frozen=True)
class NewBooking:
    counsellor_id: str
    starts_at: datetime  # aware
    minutes: int
    meeting_type: str
    first_name: str
    contact: str  # normalised phone or e-mail
    interpreter: Optional[str] = None
    idempotency_key: Optional[str] = None
    # What the walk-through learned (track, profession, levels, age).
    answers: Dict[str, str] = field(default_factory=dict)
    # A hash of the chat conversation (core/conversation.py), when booked in the chat.
    conversation_key: Optional[str] = None


# Whether the person came (set by the counsellor after the meeting has started).
ATTENDED, NO_SHOW = "attended", "no_show"
ATTENDANCE = (ATTENDED, NO_SHOW)


@dataclass(frozen=True)
class Block:
    id: int
    counsellor_id: str
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    note: str


@dataclass(frozen=True)
class Booking:
    reference: str
    counsellor_id: str
    starts_at: datetime  # aware, UTC
    minutes: int
    meeting_type: str
    first_name: str
    contact: str
    interpreter: Optional[str]
    calendar_token: str
    answers: Dict[str, str] = field(default_factory=dict)
    conversation_key: Optional[str] = None
    attendance: Optional[str] = None
    note: Optional[str] = None
    note_by: Optional[str] = None
    note_at: Optional[datetime] = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def _booking(row) -> Booking:
    return Booking(
        reference=row.reference,
        counsellor_id=row.counsellor_id,
        starts_at=from_db(row.starts_at),
        minutes=row.minutes,
        meeting_type=row.meeting_type,
        first_name=row.first_name,
        contact=row.contact,
        interpreter=row.interpreter,
        calendar_token=row.calendar_token,
        answers=json.loads(row.answers) if row.answers else {},
        conversation_key=row.conversation_key,
        attendance=row.attendance,
        note=row.note,
        note_by=row.note_by,
        note_at=from_db(row.note_at) if row.note_at else None,
    )


class BookingStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(
        self, new: NewBooking, now: Optional[datetime] = None, replaces: Optional[Tuple[str, str]] = None
    ) -> Booking:
        """Book; with `replaces` (reference, contact) the old booking is deleted
        in the same transaction, so a change never loses both or keeps both."""
        values = {
            "counsellor_id": new.counsellor_id,
            "starts_at": to_db(new.starts_at),
            "minutes": new.minutes,
            "meeting_type": new.meeting_type,
            "interpreter": new.interpreter,
            "first_name": new.first_name,
            "contact": new.contact,
            "calendar_token": secrets.token_urlsafe(24),
            "created_at": to_db(now or datetime.now(timezone.utc)),
            "answers": json.dumps(new.answers, ensure_ascii=False, sort_keys=True) if new.answers else None,
            "conversation_key": new.conversation_key,
        }

        async def delete_replaced(conn: AsyncConnection) -> None:
            replaced = (bookings.c.reference == replaces[0], bookings.c.contact == replaces[1])
            kept = (await conn.execute(
                select(bookings.c.note, bookings.c.note_by, bookings.c.note_at, bookings.c.answers).where(*replaced)
            )).first()
            old = await conn.execute(delete(bookings).where(*replaced))
            if old.rowcount != 1 or kept is None:
                raise BookingGone(replaces[0])  # rolls the new booking back too
            # The counsellor's note stays with the person's meeting when they change its time
            # in the chat, and so do the walk-through's answers if the chat sent none now.
            carried = {"note": kept.note, "note_by": kept.note_by, "note_at": kept.note_at}
            if not new.answers:
                carried["answers"] = kept.answers
            await conn.execute(
                update(bookings)
                .where(bookings.c.counsellor_id == new.counsellor_id, bookings.c.starts_at == values["starts_at"])
                .values(**carried)
            )

        async def slot_taken() -> None:
            if await self._taken(new.counsellor_id, new.starts_at):
                raise SlotTaken(new.counsellor_id)
            # Otherwise the reference code collided: insert_unique tries another one.

        row, _ = await insert_unique(
            self.engine,
            bookings,
            values,
            idempotency_key=new.idempotency_key,
            also=delete_replaced if replaces is not None else None,
            on_conflict=slot_taken,
        )
        return _booking(row)

    async def _one(self, *conditions) -> Optional[Booking]:
        row = await first(self.engine, bookings, *conditions)
        return _booking(row) if row else None

    async def find_by_idempotency_key(self, key: str) -> Optional[Booking]:
        return await self._one(bookings.c.idempotency_key == key)

    async def find_by_calendar_token(self, reference: str, token: str) -> Optional[Booking]:
        if not token:
            return None
        return await self._one(bookings.c.reference == reference, bookings.c.calendar_token == token)

    async def _taken(self, counsellor_id: str, starts_at: datetime) -> bool:
        found = await self._one(bookings.c.counsellor_id == counsellor_id, bookings.c.starts_at == to_db(starts_at))
        return found is not None

    async def find(self, reference: str, contact: str) -> Optional[Booking]:
        """A booking, only for someone who knows both its code and its contact."""
        return await self._one(bookings.c.reference == reference, bookings.c.contact == contact)

    async def cancel(self, reference: str, contact: str) -> bool:
        """Delete the booking (nothing is kept after a cancellation); frees the time."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                delete(bookings).where(bookings.c.reference == reference, bookings.c.contact == contact)
            )
        return result.rowcount == 1

    async def by_reference(self, reference: str) -> Optional[Booking]:
        """For the dashboard, which checks who may see it."""
        return await self._one(bookings.c.reference == reference)

    async def for_conversation_key(self, key: str) -> List[Booking]:
        """Bookings made in one chat conversation (by its hash), earliest first."""
        query = select(bookings).where(bookings.c.conversation_key == key).order_by(bookings.c.starts_at)
        async with self.engine.connect() as conn:
            return [_booking(row) for row in await conn.execute(query)]

    async def remove(self, reference: str) -> bool:
        """A counsellor cancels: the booking is deleted (nothing is kept) and the time is free."""
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(bookings).where(bookings.c.reference == reference))
        return result.rowcount == 1

    async def move(self, seen: Booking, starts_at: datetime) -> bool:
        """Move to another time of the same counsellor; False if the booking
        changed or went meanwhile. SlotTaken if someone booked that time."""
        try:
            async with self.engine.begin() as conn:
                result = await conn.execute(
                    update(bookings)
                    .where(bookings.c.reference == seen.reference, bookings.c.starts_at == to_db(seen.starts_at))
                    .values(starts_at=to_db(starts_at), attendance=None)
                )
        except IntegrityError:
            raise SlotTaken(seen.counsellor_id) from None
        return result.rowcount == 1

    async def set_attendance(self, reference: str, attendance: Optional[str]) -> bool:
        if attendance is not None and attendance not in ATTENDANCE:
            raise ValueError(attendance)
        return await self._update(reference, attendance=attendance)

    async def set_note(self, reference: str, note: str, username: str, now: datetime) -> bool:
        """The counsellor's note; an empty one removes it."""
        if not note:
            return await self._update(reference, note=None, note_by=None, note_at=None)
        return await self._update(reference, note=note, note_by=username, note_at=to_db(now))

    async def _update(self, reference: str, **values) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(update(bookings).where(bookings.c.reference == reference).values(**values))
        return result.rowcount == 1

    async def in_window(self, counsellor_id: Optional[str], start: datetime, end: datetime) -> List[Booking]:
        """Bookings starting in [start, end), earliest first; one counsellor's or (None) everyone's."""
        query = (
            select(bookings)
            .where(bookings.c.starts_at >= to_db(start), bookings.c.starts_at < to_db(end))
            .order_by(bookings.c.starts_at, bookings.c.counsellor_id)
        )
        if counsellor_id is not None:
            query = query.where(bookings.c.counsellor_id == counsellor_id)
        async with self.engine.connect() as conn:
            return [_booking(row) for row in await conn.execute(query)]

    async def upcoming(self, counsellor_id: Optional[str], now: datetime, limit: int = 200) -> List[Booking]:
        """Today's and later bookings, earliest first; one counsellor's or (None) everyone's."""
        start = to_db(now.replace(hour=0, minute=0, second=0, microsecond=0))
        query = select(bookings).where(bookings.c.starts_at >= start).order_by(bookings.c.starts_at).limit(limit)
        if counsellor_id is not None:
            query = query.where(bookings.c.counsellor_id == counsellor_id)
        async with self.engine.connect() as conn:
            return [_booking(row) for row in await conn.execute(query)]

    async def between(self, counsellor_id: str, start: datetime, end: datetime) -> List[Booking]:
        query = (
            select(bookings)
            .where(bookings.c.counsellor_id == counsellor_id, bookings.c.starts_at >= to_db(start),
                   bookings.c.starts_at < to_db(end))
            .order_by(bookings.c.starts_at)
        )
        async with self.engine.connect() as conn:
            return [_booking(row) for row in await conn.execute(query)]

    async def for_contact(self, contact: str) -> List[Booking]:
        query = select(bookings).where(bookings.c.contact == contact).order_by(bookings.c.starts_at)
        async with self.engine.connect() as conn:
            return [_booking(row) for row in await conn.execute(query)]

    async def delete_for_contact(self, contact: str) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(bookings).where(bookings.c.contact == contact))
        return result.rowcount

    async def busy(self, start: datetime, end: datetime) -> List[Busy]:
        """Bookings and blocks that touch [start, end)."""
        found: List[Busy] = []
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(bookings.c.counsellor_id, bookings.c.starts_at, bookings.c.minutes).where(
                    and_(bookings.c.starts_at < to_db(end), bookings.c.starts_at >= to_db(start - LONGEST_MEETING))
                )
            )
            for row in rows:
                begins = from_db(row.starts_at)
                found.append(Busy(row.counsellor_id, begins, begins + timedelta(minutes=row.minutes)))
            rows = await conn.execute(
                select(blocks).where(blocks.c.starts_at < to_db(end), blocks.c.ends_at > to_db(start))
            )
            found += [Busy(r.counsellor_id, from_db(r.starts_at), from_db(r.ends_at)) for r in rows]
        return found

    async def add_block(self, counsellor_id: str, starts_at: datetime, ends_at: datetime, note: str = "") -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(
                insert(blocks).values(
                    counsellor_id=counsellor_id,
                    starts_at=to_db(starts_at),
                    ends_at=to_db(ends_at),
                    note=note,
                    created_at=to_db(datetime.now(timezone.utc)),
                )
            )
        return result.inserted_primary_key[0]

    async def blocks(self, counsellor_id: Optional[str], now: datetime) -> List[Block]:
        """Blocks that have not ended; one counsellor's or (None) everyone's."""
        query = select(blocks).where(blocks.c.ends_at > to_db(now)).order_by(blocks.c.starts_at)
        if counsellor_id is not None:
            query = query.where(blocks.c.counsellor_id == counsellor_id)
        async with self.engine.connect() as conn:
            return [_block(row) for row in await conn.execute(query)]

    async def block(self, block_id: int) -> Optional[Block]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(blocks).where(blocks.c.id == block_id))).first()
        return _block(row) if row else None

    async def delete_block(self, block_id: int) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(blocks).where(blocks.c.id == block_id))
        return result.rowcount == 1


def _block(row) -> Block:
    return Block(row.id, row.counsellor_id, from_db(row.starts_at), from_db(row.ends_at), row.note or "")
