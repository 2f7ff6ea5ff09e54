"""The start page: today's meetings, new questions and new interest
registrations, each with a count and a link on. A counsellor sees their own
meetings; an admin everyone's. New questions are everyone's until taken."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.booking.pages import booking_rows
from bot.dashboard.common import local_day, local_time, own_counsellor, require_session
from bot.keys import CONTENT, INTERESTS, STORE, TICKETS
from bot.tickets.store import NEW, TAKEN, InboxQuery

# Interest registrations of the last days count as new.
NEW_INTEREST_DAYS = 7
NEW_QUESTIONS_SHOWN = 5


def today_window(tz: ZoneInfo, now: datetime) -> tuple:
    """Start and end (UTC) of the municipality's day around `now`."""
    day = now.astimezone(tz).date()
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc), day


async def start_page(request: web.Request) -> web.Response:
    session = await require_session(request)
    content = request.app[CONTENT]
    tz = ZoneInfo(content.booking.timezone)
    now = datetime.now(timezone.utc)
    start, end, day = today_window(tz, now)
    mine = own_counsellor(session)
    meetings = await request.app[STORE].in_window(mine, start, end)
    await audit.record(request, session, "view_bookings", f"i dag, {mine or 'alla vägledare'}")
    tickets = request.app[TICKETS]
    # "Frågor du tagit": the viewer's own, an admin's too (the link lists the same).
    counts = await tickets.counts(session.user.username)
    newest, _ = await tickets.inbox(query=InboxQuery(username=session.user.username, admin=session.user.is_admin,
                                                     show=NEW, per_page=NEW_QUESTIONS_SHOWN))
    per_track = await request.app[INTERESTS].counts(since=now - timedelta(days=NEW_INTEREST_DAYS))
    tracks = [(t.id, t.name, per_track[t.id]) for t in content.tracks.tracks if per_track.get(t.id)]
    context = {
        "session": session,
        "today": local_day(content, day),
        "meetings": booking_rows(meetings, content),
        "new_questions": counts[NEW],
        "my_questions": counts[TAKEN],
        "questions": [{"reference": t.reference, "when": local_time(content, t.created_at), "question": t.question[:120]}
                      for t in newest],
        "new_interests": sum(count for _, _, count in tracks),
        "interest_days": NEW_INTEREST_DAYS,
        "tracks": tracks,
    }
    return aiohttp_jinja2.render_template("dashboard/start.html", request, context)


def routes() -> list:
    return [web.get("/dashboard", start_page)]
