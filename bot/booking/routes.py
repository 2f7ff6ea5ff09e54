"""JSON API under /api: free times and bookings (described in bot/openapi.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Optional, Tuple
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.booking.availability import Slot, free_slots, is_bookable, overlaps
from core.codes import looks_like_code, normalize_code
from core.icalendar import calendar, event_lines
from core.contact import normalize_contact
from core.content import Content
from bot.http import (EARLIEST_YEAR, LATEST_YEAR, ApiError, aware_datetime, content_of, idempotency_key, json_object,
                      known_summary, person_fields, public_link, utc_now)
from bot.keys import STORE
from bot.statistics import counts
from core.privacy import clean_message
from bot.security import chat_conversation, lookup_limited, spend_creation
from bot.booking.store import Booking, BookingGone, NewBooking, SlotTaken
from core.dates import format_slot

MAX_SLOTS = 20


def slot_json(slot: Slot, content: Content) -> Dict[str, Any]:
    tz = ZoneInfo(content.booking.timezone)
    return {
        "counsellor_id": slot.counsellor_id,
        "starts_at": slot.starts_at.isoformat(),
        "minutes": slot.minutes,
        "label": format_slot(slot.starts_at, tz),
    }


async def next_free(
    request: web.Request,
    meeting_type: Optional[str],
    from_day: Optional[date],
    limit: int,
    after: Optional[datetime] = None,
) -> list:
    content = content_of(request)
    now = utc_now()
    horizon = now + timedelta(days=content.booking.days_ahead + 1)
    busy = await request.app[STORE].busy(now, horizon)
    slots = free_slots(content.booking, now, busy, meeting_type=meeting_type, from_day=from_day, limit=limit, after=after)
    return [slot_json(s, content) for s in slots]


def _meeting_type(content: Content, value: Any) -> Optional[str]:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in {t.id for t in content.booking.meeting_types}:
        raise ApiError(400, "api_bad_meeting_type", content)
    return value


async def list_slots(request: web.Request) -> web.Response:
    content = content_of(request)
    meeting_type = _meeting_type(content, request.query.get("meeting_type"))
    try:
        from_day = date.fromisoformat(request.query["from"]) if "from" in request.query else None
        limit = min(MAX_SLOTS, max(1, int(request.query.get("limit", 5))))
    except ValueError:
        raise ApiError(400, "api_bad_request", content) from None
    if from_day is not None and not EARLIEST_YEAR <= from_day.year <= LATEST_YEAR:
        raise ApiError(400, "api_bad_request", content)
    after = aware_datetime(request.query["after"], content, "api_bad_request") if "after" in request.query else None
    return web.json_response({"slots": await next_free(request, meeting_type, from_day, limit, after)})


def booking_json(booking: Booking, content: Content, request: web.Request) -> Dict[str, Any]:
    counsellor = next(c for c in content.booking.counsellors if c.id == booking.counsellor_id)
    place = next(p for p in content.booking.places if p.id == counsellor.place)
    kind = next(t for t in content.booking.meeting_types if t.id == booking.meeting_type)
    tz = ZoneInfo(content.booking.timezone)
    return {
        "reference": booking.reference,
        "first_name": booking.first_name,
        "starts_at": booking.starts_at.isoformat(),
        "minutes": booking.minutes,
        "label": format_slot(booking.starts_at, tz),
        "meeting_type": kind.id,
        "meeting_type_label": kind.label,
        "meeting_text": kind.text,
        "counsellor_name": counsellor.name,
        "place": {"name": place.name, "address": place.address},
        "interpreter": booking.interpreter,
        "what_to_bring": content.booking.what_to_bring,
        "calendar_url": public_link(request, f"/api/bookings/{booking.reference}/calendar.ics",
                                    token=booking.calendar_token),
    }


async def create_booking(request: web.Request) -> web.Response:
    content = content_of(request)
    body = await json_object(request)
    meeting_type = _meeting_type(content, body.get("meeting_type"))
    if meeting_type is None:
        raise ApiError(400, "api_bad_meeting_type", content)
    first_name, contact = person_fields(body, content)
    starts_at = aware_datetime(body.get("starts_at"), content)
    counsellor = next((c for c in content.booking.counsellors if c.id == body.get("counsellor_id")), None)
    if counsellor is None:
        raise ApiError(400, "api_bad_time", content)
    slot = Slot(counsellor.id, starts_at.astimezone(timezone.utc), counsellor.meeting_minutes)
    if not is_bookable(content.booking, slot, utc_now(), meeting_type):
        raise ApiError(400, "api_bad_time", content)
    store = request.app[STORE]
    key = idempotency_key(request)
    # Only a valid booking counts against the maker's limit, not a typo.
    spend_creation(request, "booking")
    if overlaps(slot, await store.busy(slot.starts_at, slot.ends_at)):
        # Busy may mean this very request was made before (a retry).
        earlier = await store.find_by_idempotency_key(key) if key else None
        if earlier:
            return web.json_response(booking_json(earlier, content, request), status=200)
        raise ApiError(409, "api_slot_taken", content, slots=await next_free(request, meeting_type, None, 5))
    interpreter = _interpreter(content, body.get("interpreter"))
    replaces = _replaced_booking(body, content)
    if replaces is not None and not await store.find(*replaces):
        raise ApiError(404, "api_not_found", content)
    new = NewBooking(
        counsellor_id=counsellor.id,
        starts_at=slot.starts_at,
        minutes=slot.minutes,
        meeting_type=meeting_type,
        first_name=first_name,
        contact=contact,
        interpreter=interpreter,
        idempotency_key=key,
        # For the counsellor's preparation; never a reason to refuse a booking.
        answers=known_summary(content, body.get("answers")),
        # The conversation's hash, believed only from the action server (its token).
        conversation_key=chat_conversation(request),
    )
    try:
        booking = await store.create(new, replaces=replaces)
    except SlotTaken:
        raise ApiError(409, "api_slot_taken", content, slots=await next_free(request, meeting_type, None, 5)) from None
    except BookingGone:
        raise ApiError(404, "api_not_found", content) from None
    answer = booking_json(booking, content, request)
    if replaces is not None:
        answer["replaced"] = replaces[0]
    else:
        # Counted when made: a booking cancelled later leaves the table, and a change of time is no new booking.
        await counts.bump_today(store.engine, content.booking.timezone, "bookings")
    return web.json_response(answer, status=201)


def _interpreter(content: Content, raw: Any) -> Optional[str]:
    """A language for an interpreter: short free text, so the privacy rule applies."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise ApiError(400, "api_bad_request", content)
    text = clean_message(" ".join(raw.split())).text
    return "".join(ch for ch in text if ch.isprintable())[:64] or None


def _replaced_booking(body: Dict[str, Any], content: Content) -> Optional[Tuple[str, str]]:
    """(reference, contact) of a booking this one replaces (a change of time), if any."""
    raw = body.get("replaces")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ApiError(400, "api_bad_request", content)
    reference = normalize_code(str(raw.get("reference") or ""))
    contact = normalize_contact(str(raw.get("contact") or ""))
    if not looks_like_code(reference) or contact is None:
        raise ApiError(404, "api_not_found", content)
    return reference, contact


async def _owned_booking(request: web.Request) -> Booking:
    """The booking with this code, when the JSON body names its contact. The
    contact is never in the URL: URLs end up in logs that nothing erases."""
    content = content_of(request)
    reference = normalize_code(request.match_info["reference"])
    contact = normalize_contact(str((await json_object(request)).get("contact") or ""))
    booking = None
    if looks_like_code(reference) and contact:
        booking = await request.app[STORE].find(reference, contact)
    if booking is None:
        raise ApiError(404, "api_not_found", content)
    return booking


@lookup_limited
async def get_booking(request: web.Request) -> web.Response:
    booking = await _owned_booking(request)
    return web.json_response(booking_json(booking, content_of(request), request))


@lookup_limited
async def cancel_booking(request: web.Request) -> web.Response:
    booking = await _owned_booking(request)
    if await request.app[STORE].cancel(booking.reference, booking.contact):
        await counts.bump_today(request.app[STORE].engine, content_of(request).booking.timezone, "cancellations")
    return web.Response(status=204)


@lookup_limited
async def booking_calendar(request: web.Request) -> web.Response:
    content = content_of(request)
    booking = await request.app[STORE].find_by_calendar_token(
        normalize_code(request.match_info["reference"]), request.query.get("token", "")
    )
    if booking is None:
        raise ApiError(404, "api_not_found", content)
    details = booking_json(booking, content, request)
    place = details["place"]
    event = event_lines(
        uid=f"{booking.reference}@vardvagen",
        starts_at=booking.starts_at,
        minutes=booking.minutes,
        summary=content.phrases.phrases["meeting_summary"],
        location=f"{place['name']}, {place['address']}" if booking.meeting_type == "on_site" else details["meeting_type_label"],
        description="\n".join([details["meeting_text"], *content.booking.what_to_bring]),
    )
    return web.Response(
        text=calendar([event]),
        content_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="vagledning-{booking.reference}.ics"'},
    )


def routes() -> list:
    return [
        web.get("/api/slots", list_slots),
        web.post("/api/bookings", create_booking),
        web.post("/api/bookings/{reference}/lookup", get_booking),
        web.delete("/api/bookings/{reference}", cancel_booking),
        web.get("/api/bookings/{reference}/calendar.ics", booking_calendar),
    ]
