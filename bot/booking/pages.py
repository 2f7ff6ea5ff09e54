"""The list of bookings from today on: a counsellor's own, or everyone's for an admin."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, List, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.booking.store import ATTENDED, NO_SHOW
from bot.dashboard.common import counsellor_names, local_time, own_counsellor, require_session
from bot.keys import CONTENT, STORE

ATTENDANCE_LABELS = {ATTENDED: "Kom", NO_SHOW: "Kom inte", None: ""}


def interpreter_label(language: Optional[str]) -> str:
    """What a counsellor reads about the interpreter: also the calendar feed's."""
    return f"Tolk: {language}" if language else "Ingen tolk"


def booking_rows(bookings: Iterable, content) -> List[dict]:
    """One table row per booking, in words (the template escapes them)."""
    names = counsellor_names(content)
    kinds = {t.id: t.label for t in content.booking.meeting_types}
    return [
        {
            "when": local_time(content, b.starts_at),
            "counsellor": names.get(b.counsellor_id, b.counsellor_id),
            "kind": kinds.get(b.meeting_type, b.meeting_type),
            "first_name": b.first_name,
            "contact": b.contact,
            "interpreter": interpreter_label(b.interpreter),
            "reference": b.reference,
            "attendance": ATTENDANCE_LABELS.get(b.attendance, ""),
        }
        for b in bookings
    ]


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    mine = own_counsellor(session)
    bookings = await request.app[STORE].upcoming(mine, datetime.now(timezone.utc))
    await audit.record(request, session, "view_bookings", f"kommande, {mine or 'alla vägledare'}")
    context = {"session": session, "rows": booking_rows(bookings, content)}
    return aiohttp_jinja2.render_template("booking/bookings.html", request, context)


def routes() -> list:
    return [web.get("/dashboard/bookings", overview)]
