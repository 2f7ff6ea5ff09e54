"""Tickets: a question the bot could not answer, handed to a counsellor.

A ticket is open until a counsellor takes it; the one who took it (or an
admin) answers or closes it. Changes are conditional updates on the status
and taker the counsellor saw, so two counsellors acting at once never both
win. A retried request with the same idempotency key gets the first ticket.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Dict, List, Optional, Tuple

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.times import from_db, to_db
from bot.db.engine import release_deleted
from bot.db.schema import tickets
from bot.db.unique import first, insert_unique
from core.conversation import conversation_key

OPEN, TAKEN, ANSWERED, CLOSED = "open", "taken", "answered", "closed"
STATUSES = (OPEN, TAKEN, ANSWERED, CLOSED)
# Questions on one page of the inbox.
INBOX_PAGE = 50
# The inbox's filters: "" is everything not closed; "new" is nobody's yet;
# "mine" is taken by the viewer and not answered yet.
NEW, MINE, ALL = "new", "mine", "all"
FILTERS = ("", NEW, MINE, ANSWERED, CLOSED, ALL)
NEWEST, OLDEST = "newest", "oldest"


@dataclass(frozen=True)
class InboxQuery:
    """What one page of the inbox shows, to `username`. A counsellor sees new
    questions and the ones they took; an admin everything."""

    username: str = ""
    admin: bool = True
    show: str = ""
    search: str = ""
    sort: str = NEWEST
    page: int = 1
    per_page: int = INBOX_PAGE


@dataclass(frozen=True)
class NewTicket:
    question: str
    contact: Optional[str]  # normalised phone or e-mail
    summary: Dict[str, str]
    transcript: List[Dict[str, str]]
    conversation_id: Optional[str] = None
    idempotency_key: Optional[str] = None


@dataclass(frozen=True)
class Ticket:
    reference: str
    question: str
    contact: Optional[str]
    summary: Dict[str, str]
    transcript: List[Dict[str, str]]
    conversation_id: Optional[str]
    status: str
    taken_by: Optional[str]
    answer: Optional[str]
    answered_at: Optional[datetime]
    emailed_at: Optional[datetime]
    created_at: datetime
    # A hash of conversation_id (core/conversation.py): a booking from the same chat has it too.
    conversation_key: Optional[str] = None


def _optional_time(moment: Optional[datetime]) -> Optional[datetime]:
    return from_db(moment) if moment is not None else None


def _ticket(row) -> Ticket:
    return Ticket(
        reference=row.reference,
        question=row.question,
        contact=row.contact,
        summary=json.loads(row.summary),
        transcript=json.loads(row.transcript),
        conversation_id=row.conversation_id,
        status=row.status,
        taken_by=row.taken_by,
        answer=row.answer,
        answered_at=_optional_time(row.answered_at),
        emailed_at=_optional_time(row.emailed_at),
        created_at=from_db(row.created_at),
        conversation_key=row.conversation_key,
    )


def _now() -> datetime:
    return to_db(datetime.now(timezone.utc))


class TicketStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(self, new: NewTicket) -> Tuple[Ticket, bool]:
        """(ticket, True) when made now; (the first ticket, False) for a retry."""
        values = {
            "question": new.question,
            "contact": new.contact,
            "summary": json.dumps(new.summary, ensure_ascii=False, sort_keys=True),
            "transcript": json.dumps(new.transcript, ensure_ascii=False),
            "conversation_id": new.conversation_id,
            "conversation_key": conversation_key(new.conversation_id) if new.conversation_id else None,
            "status": OPEN,
            "created_at": _now(),
        }
        row, made = await insert_unique(self.engine, tickets, values, idempotency_key=new.idempotency_key)
        return _ticket(row), made

    async def _one(self, *conditions) -> Optional[Ticket]:
        row = await first(self.engine, tickets, *conditions)
        return _ticket(row) if row else None

    async def _many(self, query) -> List[Ticket]:
        async with self.engine.connect() as conn:
            return [_ticket(row) for row in await conn.execute(query)]

    async def by_reference(self, reference: str) -> Optional[Ticket]:
        return await self._one(tickets.c.reference == reference)

    async def find(self, reference: str, contact: str) -> Optional[Ticket]:
        """A ticket, for someone who knows both its code and its contact."""
        return await self._one(tickets.c.reference == reference, tickets.c.contact == contact)

    async def answered_in_conversation(self, conversation_id: str) -> List[Ticket]:
        query = (
            select(tickets)
            .where(tickets.c.conversation_id == conversation_id, tickets.c.status == ANSWERED)
            .order_by(tickets.c.answered_at)
        )
        return await self._many(query)

    async def inbox(self, include_closed: bool = False, page: int = 1, per_page: int = INBOX_PAGE,
                    query: Optional[InboxQuery] = None) -> Tuple[List[Ticket], int]:
        """One page of the inbox and how many there are in all: open and taken
        first, then answered, then closed; newest first in each (or oldest, if
        asked), so a flood of old questions cannot hide a new one."""
        if query is None:
            query = InboxQuery(show=ALL if include_closed else "", page=page, per_page=per_page)
        rank = case((tickets.c.status == OPEN, 0), (tickets.c.status == TAKEN, 0), (tickets.c.status == ANSWERED, 1), else_=2)
        where = _inbox_conditions(query)
        created = tickets.c.created_at.asc() if query.sort == OLDEST else tickets.c.created_at.desc()
        ticket_id = tickets.c.id.asc() if query.sort == OLDEST else tickets.c.id.desc()
        page, per_page = query.page, query.per_page
        query = (
            select(tickets).where(*where).order_by(rank, created, ticket_id)
            .limit(per_page).offset((max(1, page) - 1) * per_page)
        )
        async with self.engine.connect() as conn:
            total = (await conn.execute(select(func.count()).select_from(tickets).where(*where))).scalar_one()
        return await self._many(query), total

    async def counts(self, viewer: Optional[str]) -> Dict[str, int]:
        """How many are new (nobody's yet) and how many the viewer took and has not answered."""
        async with self.engine.connect() as conn:
            new = (await conn.execute(select(func.count()).select_from(tickets).where(tickets.c.status == OPEN))).scalar_one()
            waiting = select(func.count()).select_from(tickets).where(tickets.c.status == TAKEN)
            if viewer is not None:
                waiting = waiting.where(tickets.c.taken_by == viewer)
            taken = (await conn.execute(waiting)).scalar_one()
        return {NEW: new, TAKEN: taken}

    async def for_conversation_key(self, key: str) -> List[Ticket]:
        """The questions handed over from one chat conversation (by its hash), oldest first."""
        return await self._many(select(tickets).where(tickets.c.conversation_key == key).order_by(tickets.c.created_at))

    async def remove_spam(self, seen: Ticket) -> bool:
        """A question a counsellor judged to be spam is deleted, not kept."""
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(tickets).where(tickets.c.reference == seen.reference))
        await release_deleted(self.engine)
        return result.rowcount == 1

    async def _change(self, seen: Ticket, **values) -> bool:
        """Update only if nobody changed the ticket since `seen` was read."""
        condition = [tickets.c.reference == seen.reference, tickets.c.status == seen.status]
        condition.append(tickets.c.taken_by.is_(None) if seen.taken_by is None else tickets.c.taken_by == seen.taken_by)
        async with self.engine.begin() as conn:
            result = await conn.execute(update(tickets).where(*condition).values(**values))
        return result.rowcount == 1

    async def take(self, seen: Ticket, username: str) -> bool:
        if seen.status != OPEN:
            return False
        return await self._change(seen, status=TAKEN, taken_by=username)

    async def answer(self, seen: Ticket, username: str, answer: str) -> bool:
        """Stores the answer (before any e-mail is tried, so a mail failure never loses it)."""
        if seen.status not in (OPEN, TAKEN):
            return False
        return await self._change(
            seen, status=ANSWERED, answer=answer, answered_at=_now(), taken_by=seen.taken_by or username
        )

    async def close(self, seen: Ticket, username: str) -> bool:
        if seen.status == CLOSED:
            return False
        return await self._change(seen, status=CLOSED, taken_by=seen.taken_by or username)

    async def mark_emailed(self, reference: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(tickets).where(tickets.c.reference == reference).values(emailed_at=_now()))

    async def for_contact(self, contact: str) -> List[Ticket]:
        return await self._many(select(tickets).where(tickets.c.contact == contact).order_by(tickets.c.created_at))

    async def delete_for_contact(self, contact: str) -> int:
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(tickets).where(tickets.c.contact == contact))
        return result.rowcount


def may_see(viewer: Optional[str], ticket: Ticket) -> bool:
    """A counsellor (by user name) sees new questions and the ones they took; an admin (None) all."""
    return viewer is None or ticket.status == OPEN or ticket.taken_by == viewer


def _inbox_conditions(query: InboxQuery) -> list:
    where = []
    if not query.admin:
        where.append(or_(tickets.c.status == OPEN, tickets.c.taken_by == query.username))
    if query.show == "":
        where.append(tickets.c.status != CLOSED)
    elif query.show == NEW:
        where.append(tickets.c.status == OPEN)
    elif query.show == MINE:
        # Taken and waiting for an answer: once answered it is under "answered".
        where += [tickets.c.taken_by == query.username, tickets.c.status == TAKEN]
    elif query.show in (ANSWERED, CLOSED):
        where.append(tickets.c.status == query.show)
    words = " ".join(query.search.split())[:100]
    if words:
        # SQLite's lower() leaves å/ä/ö alone: compare as typed and in lower case.
        where.append(or_(
            tickets.c.question.contains(words, autoescape=True),
            func.lower(tickets.c.question).contains(words.lower(), autoescape=True),
            tickets.c.reference == words.upper().replace(" ", ""),
        ))
    return where
