"""The audit log: who viewed or exported whose data in the dashboard.

Admins read it at /dashboard/audit. An entry names the account, what it did
and the record (a reference code, a job track) or a masked contact; it holds
no whole phone number or e-mail. Retention deletes entries after AUDIT_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import List, Tuple

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.accounts.store import Session
from bot.dashboard.common import local_time, message_error, require_session
from bot.db.schema import audit_log
from bot.db.times import from_db, to_db
from bot.keys import CONTENT

AUDIT_DAYS = 365
PAGE = 100
# What an entry says was done, in the words the admin page shows.
ACTIONS = {
    "export_person": "Exporterade en persons uppgifter",
    "view_ticket": "Läste en fråga från chatten",
    "view_interests": "Såg intresseanmälningar",
    "export_interests": "Exporterade intresseanmälningar (CSV)",
    "view_bookings": "Såg bokningar",
    "remove_spam": "Tog bort en fråga som skräp",
    "view_booking": "Såg en bokning",
    "cancel_booking": "Avbokade ett möte",
    "move_booking": "Flyttade ett möte",
    "mark_attendance": "Skrev om personen kom till mötet",
    "booking_note": "Ändrade anteckningen till ett möte",
    "failed_needs_content": "Markerade frågor som boten inte klarade: behöver innehåll",
    "failed_to_training": "Lade till frågor som boten inte klarade som träningsexempel",
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    username: str
    action: str
    subject: str


def masked_contact(contact: str) -> str:
    """'+46701234567' -> '+4670…67', 'amina@example.se' -> 'a…@example.se'."""
    if "@" in contact:
        name, _, domain = contact.partition("@")
        return f"{name[:1]}…@{domain}"
    return f"{contact[:5]}…{contact[-2:]}"


class AuditLog:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def record(self, username: str, action: str, subject: str) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action}")
        async with self.engine.begin() as conn:
            await conn.execute(insert(audit_log).values(
                at=to_db(datetime.now(timezone.utc)), username=username, action=action, subject=subject[:128]))

    async def page(self, number: int = 1) -> Tuple[List[Entry], int]:
        """Newest first, PAGE to a page, and how many entries there are."""
        query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.limit(PAGE).offset((max(1, number) - 1) * PAGE))).all()
            total = (await conn.execute(select(func.count()).select_from(audit_log))).scalar_one()
        return [Entry(from_db(r.at), r.username, r.action, r.subject) for r in rows], total


AUDIT = web.AppKey("audit_log", AuditLog)


async def record(request: web.Request, session: Session, action: str, subject: str) -> None:
    """Note that the logged-in account did `action` to `subject`."""
    await request.app[AUDIT].record(session.user.username, action, subject)


async def audit_page(request: web.Request) -> web.Response:
    session = await require_session(request)
    if not session.user.is_admin:
        raise message_error(web.HTTPForbidden, request, "Bara för administratörer",
                            "Granskningsloggen kan bara en administratör läsa.")
    try:
        number = max(1, min(10_000, int(request.query.get("page", "1"))))
    except ValueError:
        number = 1
    entries, total = await request.app[AUDIT].page(number)
    rows = [{"at": local_time(request.app[CONTENT], e.at), "username": e.username, "action": ACTIONS.get(e.action, e.action),
             "subject": e.subject} for e in entries]
    context = {"session": session, "rows": rows, "page": number, "pages": max(1, -(-total // PAGE))}
    return aiohttp_jinja2.render_template("accounts/audit.html", request, context)


def routes() -> list:
    return [web.get("/dashboard/audit", audit_page)]
