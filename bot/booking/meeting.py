"""One meeting in the dashboard: everything a counsellor needs to prepare it
(what the person answered in the chat's walk-through, the interpreter wish,
the questions handed over from the same chat) and to follow it up (the
actions in bot/booking/meeting_actions.py).

A counsellor sees only their own meetings; an admin sees all. Every view is
in the audit log.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import List, Optional
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.accounts.store import Session
from bot.booking.availability import Busy, Slot, free_slots
from bot.booking.pages import ATTENDANCE_LABELS
from bot.booking.person_mail import wants_email
from bot.booking.store import ATTENDED, NO_SHOW, Booking
from bot.dashboard.answers import summary_lines
from bot.dashboard.common import counsellor_names, local_time, message_error, require_session
from bot.keys import CONTENT, MAILER, STORE, TICKETS
from bot.tickets.inbox import STATUS_LABELS, viewer
from bot.tickets.store import may_see

# Free times offered when moving a meeting.
MOVE_CHOICES = 8
MAX_NOTE = 2000


def may_see_booking(session: Session, booking: Booking) -> bool:
    return session.user.is_admin or session.user.counsellor_id == booking.counsellor_id


async def find_booking(request: web.Request, session: Session) -> Booking:
    """The booking in the address, if this account may see it; else a 404 or 403 page."""
    booking = await request.app[STORE].by_reference(request.match_info["reference"].upper())
    if booking is None:
        raise message_error(web.HTTPNotFound, request, "Bokningen finns inte",
                            "Den bokningen finns inte. Den kan vara avbokad.", session)
    if not may_see_booking(session, booking):
        raise message_error(web.HTTPForbidden, request, "Inte din bokning",
                            "Det här är en annan vägledares möte. Bara den vägledaren, eller en admin, kan se det.",
                            session)
    return booking


def move_from_day(request: web.Request, now: datetime) -> Optional[date]:
    """The day the counsellor asked to see free times from (?from=2026-12-14), if later than today."""
    try:
        wanted = date.fromisoformat(request.query.get("from", ""))
    except ValueError:
        return None
    today = now.astimezone(ZoneInfo(request.app[CONTENT].booking.timezone)).date()
    return wanted if wanted > today else None


async def move_choices(request: web.Request, booking: Booking, now: datetime) -> List[Slot]:
    """The next free times of the same counsellor for the same kind of meeting,
    from now or from the day the counsellor chose."""
    config = request.app[CONTENT].booking
    own = [c for c in config.counsellors if c.id == booking.counsellor_id]
    if not own:
        return []
    horizon = now + timedelta(days=config.days_ahead + 1)
    busy = [b for b in await request.app[STORE].busy(now, horizon) if not _is_itself(b, booking)]
    slots = free_slots(config.copy(update={"counsellors": own}), now, busy, meeting_type=booking.meeting_type,
                       from_day=move_from_day(request, now), limit=MOVE_CHOICES + 1)
    return [s for s in slots if s.starts_at != booking.starts_at][:MOVE_CHOICES]


def _is_itself(busy: Busy, booking: Booking) -> bool:
    return busy.counsellor_id == booking.counsellor_id and busy.starts_at == booking.starts_at


async def page_data(request: web.Request, session: Session, booking: Booking, message: str = "") -> dict:
    content = request.app[CONTENT]
    now = datetime.now(timezone.utc)
    kinds = {t.id: t for t in content.booking.meeting_types}
    kind = kinds.get(booking.meeting_type)
    counsellor = next((c for c in content.booking.counsellors if c.id == booking.counsellor_id), None)
    place = next((p for p in content.booking.places if counsellor and p.id == counsellor.place), None)
    tickets = await request.app[TICKETS].for_conversation_key(booking.conversation_key) if booking.conversation_key else []
    started = booking.starts_at <= now
    facts = [
        ("Tid", f"{local_time(content, booking.starts_at)} ({booking.minutes} minuter)"),
        ("Vägledare", counsellor_names(content).get(booking.counsellor_id, booking.counsellor_id)),
        ("Mötesform", kind.label if kind else booking.meeting_type),
    ]
    if place and booking.meeting_type == "on_site":
        facts.append(("Plats", f"{place.name}, {place.address}"))
    facts += [
        ("Tolk", booking.interpreter or "Ingen tolk"),
        ("Förnamn", booking.first_name),
        ("Kontakt", booking.contact),
        ("Kod", booking.reference),
    ]
    if booking.attendance:
        facts.append(("Närvaro", ATTENDANCE_LABELS[booking.attendance]))
    return {
        "session": session,
        "message": message,
        "reference": booking.reference,
        "first_name": booking.first_name,
        "facts": facts,
        "answers": summary_lines(content, booking.answers),
        "interpreter": booking.interpreter,
        "questions": [
            {
                "reference": t.reference,
                "when": local_time(content, t.created_at),
                "status": STATUS_LABELS.get(t.status, t.status),
                "question": t.question,
                "answer": t.answer,
            }
            # A question another counsellor took is theirs: not shown here either.
            for t in tickets if may_see(viewer(session), t)
        ],
        "note": booking.note or "",
        "note_by": booking.note_by or "",
        "note_at": local_time(content, booking.note_at) if booking.note_at else "",
        "max_note": MAX_NOTE,
        "started": started,
        "attendance": booking.attendance,
        "attended": ATTENDED,
        "no_show": NO_SHOW,
        "choices": [] if started else [
            {"value": s.starts_at.isoformat(), "label": local_time(content, s.starts_at)}
            for s in await move_choices(request, booking, now)
        ],
        "by_email": wants_email(booking) and request.app.get(MAILER) is not None,
        "move_from": (move_from_day(request, now) or now.date()).isoformat(),
    }


async def render(request: web.Request, session: Session, booking: Booking, message: str = "",
                 status: int = 200) -> web.Response:
    context = await page_data(request, session, booking, message)
    return aiohttp_jinja2.render_template("booking/meeting.html", request, context, status=status)


async def show(request: web.Request) -> web.Response:
    session = await require_session(request)
    booking = await find_booking(request, session)
    await audit.record(request, session, "view_booking", booking.reference)
    return await render(request, session, booking)
