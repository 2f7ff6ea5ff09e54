"""A calendar subscription (.ics feed) per counsellor, behind a secret token.

The feed holds the counsellor's booked meetings with first name, kind of
meeting and code, but no phone number or e-mail: calendar programs copy
feeds to other services, so contact details stay in the dashboard.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape

from aiohttp import web

from core.icalendar import calendar, event_lines
from bot.dashboard.common import checked_form, csrf_field, page, require_session
from bot.keys import CONTENT, FEEDS, STORE
from bot.accounts.store import Session

PAST_DAYS = 30


def feed_url(request: web.Request, token: str) -> str:
    return str(request.url.with_path(f"/calendar/{token}.ics").with_query(None))


async def _render(request: web.Request, session: Session, url: str = "") -> web.Response:
    counsellor_id = session.user.counsellor_id
    if not counsellor_id:
        body = "<p>Ditt konto hör inte till någon vägledare. Därför finns ingen kalender att prenumerera på.</p>"
        return page("Kalender", body, session=session)
    has_feed = await request.app[FEEDS].has_feed(counsellor_id)
    if url:
        status = (
            "<p>Din nya länk. Kopiera den nu: den visas bara en gång. Lägg in den som prenumeration i din kalender.</p>"
            f'<p><label for="feed">Länk</label><input id="feed" readonly size="70" value="{escape(url)}"></p>'
        )
    elif has_feed:
        status = "<p>Du har en länk. Har du tappat den, gör en ny. Den gamla slutar då att fungera.</p>"
    else:
        status = "<p>Du har ingen länk ännu.</p>"
    form = (
        f'<form method="post" action="/dashboard/calendar">{csrf_field(session)}'
        '<p><button type="submit">Gör en ny länk</button></p></form>'
    )
    note = "<p>Kalendern visar dina bokade möten med förnamn och kod. Telefon och e-post finns bara här i Vårdvägen.</p>"
    return page("Kalender", note + status + form, session=session)


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
            summary=f"Vägledning: {b.first_name} ({kinds.get(b.meeting_type, b.meeting_type)})",
            location=kinds.get(b.meeting_type, b.meeting_type),
            description=f"Kod {b.reference}" + (f". Tolk: {b.interpreter}" if b.interpreter else ""),
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
