"""Today's and upcoming bookings: a counsellor's own, or everyone's for an admin."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Iterable
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.dashboard.common import counsellor_names, page, require_session
from bot.keys import CONTENT, STORE
from core.dates import format_slot


def _rows(bookings: Iterable, content) -> str:
    tz = ZoneInfo(content.booking.timezone)
    names = counsellor_names(content)
    kinds = {t.id: t.label for t in content.booking.meeting_types}
    return "".join(
        f"<tr><td>{escape(format_slot(b.starts_at, tz))}</td><td>{escape(names.get(b.counsellor_id, b.counsellor_id))}</td>"
        f"<td>{escape(kinds.get(b.meeting_type, b.meeting_type))}</td><td>{escape(b.first_name)}</td>"
        f"<td>{escape(b.contact)}</td><td>{escape(b.interpreter or '')}</td><td>{escape(b.reference)}</td></tr>"
        for b in bookings
    )


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    mine = None if session.user.is_admin else session.user.counsellor_id
    bookings = await request.app[STORE].upcoming(mine, datetime.now(timezone.utc))
    table = (
        "<table><thead><tr><th>Tid</th><th>Vägledare</th><th>Sätt</th><th>Förnamn</th><th>Kontakt</th>"
        f"<th>Tolk</th><th>Kod</th></tr></thead><tbody>{_rows(bookings, content)}</tbody></table>"
        if bookings else "<p>Inga bokade tider.</p>"
    )
    return page("Bokningar", table, session=session)


def routes() -> list:
    return [web.get("/dashboard", overview)]
