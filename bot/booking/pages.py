"""Today's and upcoming bookings: a counsellor's own, or everyone's for an admin."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable, List, Optional
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.dashboard.common import counsellor_names, require_session
from bot.keys import CONTENT, STORE
from core.dates import format_slot


def interpreter_label(language: Optional[str]) -> str:
    """What a counsellor reads about the interpreter: also the calendar feed's."""
    return f"Tolk: {language}" if language else "Ingen tolk"


def booking_rows(bookings: Iterable, content) -> List[dict]:
    """One table row per booking, in words (the template escapes them)."""
    tz = ZoneInfo(content.booking.timezone)
    names = counsellor_names(content)
    kinds = {t.id: t.label for t in content.booking.meeting_types}
    return [
        {
            "when": format_slot(b.starts_at, tz),
            "counsellor": names.get(b.counsellor_id, b.counsellor_id),
            "kind": kinds.get(b.meeting_type, b.meeting_type),
            "first_name": b.first_name,
            "contact": b.contact,
            "interpreter": interpreter_label(b.interpreter),
            "reference": b.reference,
        }
        for b in bookings
    ]


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    mine = None if session.user.is_admin else session.user.counsellor_id
    bookings = await request.app[STORE].upcoming(mine, datetime.now(timezone.utc))
    await audit.record(request, session, "view_bookings", f"kommande, {mine or 'alla vägledare'}")
    context = {"session": session, "rows": booking_rows(bookings, content)}
    return aiohttp_jinja2.render_template("booking/bookings.html", request, context)


def routes() -> list:
    return [web.get("/dashboard", overview)]
