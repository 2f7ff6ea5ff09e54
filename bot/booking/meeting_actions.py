"""What a counsellor does with one meeting in the dashboard: cancel it (the
person is told by e-mail if they gave an address), move it to another free
time of the same counsellor, mark whether the person came, and keep a note.

Every action is a POST with the session's CSRF token (checked_form), is
allowed only on one's own meetings (an admin: on all), and is written to the
audit log with the booking's code. Nothing is logged about the person.
"""

from __future__ import annotations

from datetime import datetime, timezone

from aiohttp import web

from bot.accounts import audit
from bot.booking.availability import Slot, is_bookable, overlaps
from bot.booking.meeting import MAX_NOTE, find_booking, render, show
from bot.booking.person_mail import CANCELLED, MOVED, tell_person
from bot.booking.store import ATTENDANCE, SlotTaken
from bot.dashboard.common import checked_form, message_page
from bot.keys import CONTENT, MAILER, STORE
from bot.mail import FAILED, NO_MAILER, SENT
from bot.statistics import counts
from core.privacy import clean_message

# The contact is in the sentence: a cancelled booking is gone, and with it its page.
_MAIL_SENTENCES = {
    SENT: "{name} har fått ett mejl om det.",
    NO_MAILER: "E-post är inte inställd. Ring eller mejla {name} ({contact}) och berätta.",
    FAILED: "Mejlet kunde inte skickas. Ring eller mejla {name} ({contact}) och berätta.",
}
_CALL = "Ring {name} på {contact} och berätta."


def _told(result: str, name: str, contact: str) -> str:
    return _MAIL_SENTENCES.get(result, _CALL).format(name=name, contact=contact)


async def cancel(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    booking = await find_booking(request, session)
    if form.get("confirm") != "yes":
        return await render(request, session, booking, "Kryssa i rutan om du vill avboka mötet.", status=400)
    if booking.starts_at <= datetime.now(timezone.utc):
        return await render(request, session, booking, "Mötet har redan börjat. Det går inte att avboka.", status=400)
    if not await request.app[STORE].remove(booking.reference):
        return message_page(request, "Bokningen finns inte", "Någon hann avboka mötet.", 409, session)
    await audit.record(request, session, "cancel_booking", booking.reference)
    await counts.bump_today(request.app[STORE].engine, request.app[CONTENT].booking.timezone, "cancellations")
    result = await tell_person(request.app.get(MAILER), request.app[CONTENT], booking, CANCELLED)
    return message_page(request, "Mötet är avbokat",
                        f"Tiden är ledig igen. {_told(result, booking.first_name, booking.contact)}",
                        session=session)


async def move(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    booking = await find_booking(request, session)
    content = request.app[CONTENT]
    now = datetime.now(timezone.utc)
    try:
        starts_at = datetime.fromisoformat(str(form.get("starts_at") or ""))
    except ValueError:
        starts_at = None
    if starts_at is None or starts_at.tzinfo is None:
        return await render(request, session, booking, "Välj en ny tid.", status=400)
    if booking.starts_at <= now:
        return await render(request, session, booking, "Mötet har redan börjat. Det går inte att flytta.", status=400)
    slot = Slot(booking.counsellor_id, starts_at.astimezone(timezone.utc), booking.minutes)
    others = [b for b in await request.app[STORE].busy(slot.starts_at, slot.ends_at)
              if not (b.counsellor_id == booking.counsellor_id and b.starts_at == booking.starts_at)]
    if not is_bookable(content.booking, slot, now, booking.meeting_type) or overlaps(slot, others):
        return await render(request, session, booking, "Den tiden är inte ledig. Välj en annan tid.", status=409)
    try:
        moved = await request.app[STORE].move(booking, slot.starts_at)
    except SlotTaken:
        moved = False
    if not moved:
        return await render(request, session, booking, "Någon hann ändra mötet. Välj en tid igen.", status=409)
    await audit.record(request, session, "move_booking", booking.reference)
    changed = await request.app[STORE].by_reference(booking.reference)
    assert changed is not None
    result = await tell_person(request.app.get(MAILER), content, changed, MOVED)
    return await render(request, session, changed, f"Mötet är flyttat. {_told(result, changed.first_name, changed.contact)}")


async def attendance(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    booking = await find_booking(request, session)
    value = str(form.get("attendance") or "")
    if value not in ATTENDANCE:
        return await render(request, session, booking, "Välj om personen kom eller inte.", status=400)
    if booking.starts_at > datetime.now(timezone.utc):
        return await render(request, session, booking, "Mötet har inte börjat än.", status=400)
    await request.app[STORE].set_attendance(booking.reference, value)
    await audit.record(request, session, "mark_attendance", booking.reference)
    changed = await request.app[STORE].by_reference(booking.reference)
    assert changed is not None
    return await render(request, session, changed, "Det är sparat.")


async def note(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    booking = await find_booking(request, session)
    raw = str(form.get("note") or "")
    if len(raw) > MAX_NOTE:
        return await render(request, session, booking, f"Anteckningen får ha högst {MAX_NOTE} tecken.", status=400)
    # A counsellor may write a phone number; a personnummer or card number is not kept.
    text = clean_message(raw, contact_expected=True).text.strip()
    await request.app[STORE].set_note(booking.reference, text, session.user.username, datetime.now(timezone.utc))
    await audit.record(request, session, "booking_note", booking.reference)
    changed = await request.app[STORE].by_reference(booking.reference)
    assert changed is not None
    return await render(request, session, changed, "Anteckningen är sparad." if text else "Anteckningen är borttagen.")


def routes() -> list:
    ref = r"{reference:[A-Za-z0-9]{8}}"
    return [
        web.get(f"/dashboard/bookings/{ref}", show),
        web.post(f"/dashboard/bookings/{ref}/cancel", cancel),
        web.post(f"/dashboard/bookings/{ref}/move", move),
        web.post(f"/dashboard/bookings/{ref}/attendance", attendance),
        web.post(f"/dashboard/bookings/{ref}/note", note),
    ]
