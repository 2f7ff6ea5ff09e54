"""A calendar subscription (.ics feed) per counsellor, behind a secret token.

The feed holds the counsellor's booked meetings with first name, kind of
meeting, code and the interpreter's language, but no phone number or e-mail:
calendar programs copy feeds to other services, so contact details stay in
the dashboard.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp_jinja2
from aiohttp import web

from core.icalendar import calendar, event_lines
from bot.http import public_link
from bot.dashboard.common import checked_form, require_session
from bot.keys import CONTENT, FEEDS, STORE
from bot.accounts.store import Session
from bot.booking.pages import interpreter_label

PAST_DAYS = 30


def feed_url(request: web.Request, token: str) -> str:
    return public_link(request, f"/calendar/{token}.ics")


async def page_data(request: web.Request, session: Session, url: str = "") -> dict:
    counsellor_id = session.user.counsellor_id
    has_feed = bool(counsellor_id) and await request.app[FEEDS].has_feed(counsellor_id)
    return {"session": session, "counsellor": bool(counsellor_id), "has_feed": has_feed, "url": url}


async def _render(request: web.Request, session: Session, url: str = "") -> web.Response:
    context = await page_data(request, session, url)
    return aiohttp_jinja2.render_template("booking/calendar.html", request, context)


async def show(request: web.Request) -> web.Response:
    return await _render(request, await require_session(request))


async def new_link(request: web.Request) -> web.Response:
    session, _form = await checked_form(request)
    if not session.user.counsellor_id:
        return await _render(request, session)
    token = await request.app[FEEDS].new_token(session.user.counsellor_id)
    return await _render(request, session, feed_url(request, token))


async def feed(request: web.Request) -> web.Response:
    counsellor_id = await request.app[FEEDS].counsellor_for(request.match_info["token"])
    if counsellor_id is None:
        raise web.HTTPNotFound(text="Den kalendern finns inte.")
    content = request.app[CONTENT]
    now = datetime.now(timezone.utc)
    bookings = await request.app[STORE].between(
        counsellor_id, now - timedelta(days=PAST_DAYS), now + timedelta(days=content.booking.days_ahead + 1)
    )
    kinds = {t.id: t.label for t in content.booking.meeting_types}
    events = [
        event_lines(
            uid=f"{b.reference}@vardvagen",
            starts_at=b.starts_at,
            minutes=b.minutes,
            # The interpreter in the title too: the counsellor books one before the meeting.
            summary=f"Vägledning: {b.first_name} ({kinds.get(b.meeting_type, b.meeting_type)}"
                    + (f", tolk: {b.interpreter})" if b.interpreter else ")"),
            location=kinds.get(b.meeting_type, b.meeting_type),
            description=f"Kod {b.reference}. {interpreter_label(b.interpreter)}",
        )
        for b in bookings
    ]
    return web.Response(
        text=calendar(events), content_type="text/calendar", headers={"Cache-Control": "private, max-age=300"}
    )


def routes() -> list:
    return [
        web.get("/dashboard/calendar", show),
        web.post("/dashboard/calendar", new_link),
        web.get(r"/calendar/{token:[A-Za-z0-9_-]{20,100}}.ics", feed),
    ]
