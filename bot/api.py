"""JSON API under /api: free times and bookings. Described in openapi.json."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Optional, Tuple
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.booking.availability import Slot, free_slots, is_bookable, overlaps
from bot.booking.codes import looks_like_code, normalize_code
from bot.calendar import calendar, event_lines
from bot.contact import normalize_contact
from bot.content import Content
from bot.keys import CONTENT, INTERESTS, STORE
from bot.openapi import SPEC
from bot.privacy import contains_personnummer, redact_personnummer
from bot.security import lookup_limited
from bot.store.bookings import Booking, BookingGone, NewBooking, SlotTaken
from bot.swedish import format_slot

MAX_SLOTS = 20
_NAME = re.compile(r"^[^\W\d_][^\W\d_ '\-]*(?:[ '\-][^\W\d_]+)*$")


class ApiError(web.HTTPException):
    def __init__(self, status: int, key: str, content: Content, **extra: Any) -> None:
        self.status_code = status
        super().__init__(
            text=web.json_response({"error": key, "message": content.phrases.phrases[key], **extra}).text,
            content_type="application/json",
        )


def _content(request: web.Request) -> Content:
    return request.app[CONTENT]


def _now() -> datetime:
    return datetime.now(timezone.utc)


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
    content = _content(request)
    now = _now()
    horizon = now + timedelta(days=content.booking.days_ahead + 1)
    busy = await request.app[STORE].busy(now, horizon)
    slots = free_slots(content.booking, now, busy, meeting_type=meeting_type, from_day=from_day, limit=limit, after=after)
    return [slot_json(s, content) for s in slots]


async def json_object(request: web.Request) -> Dict[str, Any]:
    """The request body as a JSON object, or a 4xx with a Swedish message."""
    if request.content_type != "application/json":
        raise ApiError(415, "api_bad_content_type", _content(request))
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "api_bad_request", _content(request))
    return body


def person_fields(body: Dict[str, Any], content: Content) -> Tuple[str, str]:
    """A valid first name and a normalised phone number or e-mail, or a 400."""
    first_name = str(body.get("first_name") or "").strip()
    if not (1 <= len(first_name) <= 50 and _NAME.match(first_name)):
        raise ApiError(400, "api_bad_name", content)
    contact = normalize_contact(str(body.get("contact") or ""))
    if contact is None:
        raise ApiError(400, "api_bad_contact", content)
    return first_name, contact


def idempotency_key(request: web.Request) -> Optional[str]:
    """The caller's key for a retried request. It is stored, so it may hold no personnummer."""
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
    if not key:
        return None
    if contains_personnummer(key) or not key.isprintable():
        raise ApiError(400, "api_bad_request", _content(request))
    return key


def _meeting_type(content: Content, value: Any) -> Optional[str]:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in {t.id for t in content.booking.meeting_types}:
        raise ApiError(400, "api_bad_meeting_type", content)
    return value


async def list_slots(request: web.Request) -> web.Response:
    content = _content(request)
    meeting_type = _meeting_type(content, request.query.get("meeting_type"))
    try:
        from_day = date.fromisoformat(request.query["from"]) if "from" in request.query else None
        after = datetime.fromisoformat(request.query["after"]) if "after" in request.query else None
        limit = min(MAX_SLOTS, max(1, int(request.query.get("limit", 5))))
    except ValueError:
        raise ApiError(400, "api_bad_request", content) from None
    if after is not None and after.tzinfo is None:
        raise ApiError(400, "api_bad_request", content)
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
        "calendar_url": str(
            request.url.with_path(f"/api/bookings/{booking.reference}/calendar.ics").with_query(
                token=booking.calendar_token
            )
        ),
    }


async def create_booking(request: web.Request) -> web.Response:
    content = _content(request)
    body = await json_object(request)
    meeting_type = _meeting_type(content, body.get("meeting_type"))
    if meeting_type is None:
        raise ApiError(400, "api_bad_meeting_type", content)
    first_name, contact = person_fields(body, content)
    try:
        starts_at = datetime.fromisoformat(str(body.get("starts_at")))
    except ValueError:
        raise ApiError(400, "api_bad_time", content) from None
    if starts_at.tzinfo is None:
        raise ApiError(400, "api_bad_time", content)
    counsellor = next((c for c in content.booking.counsellors if c.id == body.get("counsellor_id")), None)
    if counsellor is None:
        raise ApiError(400, "api_bad_time", content)
    slot = Slot(counsellor.id, starts_at.astimezone(timezone.utc), counsellor.meeting_minutes)
    if not is_bookable(content.booking, slot, _now(), meeting_type):
        raise ApiError(400, "api_bad_time", content)
    store = request.app[STORE]
    key = idempotency_key(request)
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
    return web.json_response(answer, status=201)


def _interpreter(content: Content, raw: Any) -> Optional[str]:
    """A language for an interpreter: short free text, so personnummer are removed."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise ApiError(400, "api_bad_request", content)
    text = redact_personnummer(" ".join(raw.split()))[0]
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
    content = _content(request)
    reference = normalize_code(request.match_info["reference"])
    contact = normalize_contact(request.query.get("contact", ""))
    booking = None
    if looks_like_code(reference) and contact:
        booking = await request.app[STORE].find(reference, contact)
    if booking is None:
        raise ApiError(404, "api_not_found", content)
    return booking


@lookup_limited
async def get_booking(request: web.Request) -> web.Response:
    booking = await _owned_booking(request)
    return web.json_response(booking_json(booking, _content(request), request))


@lookup_limited
async def cancel_booking(request: web.Request) -> web.Response:
    booking = await _owned_booking(request)
    await request.app[STORE].cancel(booking.reference, booking.contact)
    return web.Response(status=204)


@lookup_limited
async def booking_calendar(request: web.Request) -> web.Response:
    content = _content(request)
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


_ANSWER_SCALES = {
    "sfi_level": "language_levels",
    "education": "education_levels",
    "experience": "experience_levels",
}


def _answers(content: Content, raw: Any) -> Dict[str, str]:
    """Only known answers with known values are kept (nothing free-form)."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ApiError(400, "api_bad_request", content)
    kept: Dict[str, str] = {}
    for key, scale in _ANSWER_SCALES.items():
        value = raw.get(key)
        if value is not None:
            if not isinstance(value, str) or value not in {lvl.id for lvl in getattr(content.levels, scale)}:
                raise ApiError(400, "api_bad_request", content)
            kept[key] = value
    age = raw.get("age")
    if age is not None:
        if not str(age).isdigit() or not 13 <= int(age) <= 110:
            raise ApiError(400, "api_bad_request", content)
        kept["age"] = str(int(age))
    return kept


async def register_interest(request: web.Request) -> web.Response:
    content = _content(request)
    body = await json_object(request)
    track = next((t for t in content.tracks.tracks if t.id == body.get("track_id")), None)
    if track is None:
        raise ApiError(400, "api_bad_track", content)
    first_name, contact = person_fields(body, content)
    key = idempotency_key(request)
    interest = await request.app[INTERESTS].add(track.id, first_name, contact, _answers(content, body.get("answers")), key)
    return web.json_response(
        {"reference": interest.reference, "track_id": track.id, "track_name": track.name, "contact": track.contact.dict()},
        status=201,
    )


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(SPEC)


def routes() -> list:
    return [
        web.get("/api/slots", list_slots),
        web.post("/api/bookings", create_booking),
        web.get("/api/bookings/{reference}", get_booking),
        web.delete("/api/bookings/{reference}", cancel_booking),
        web.get("/api/bookings/{reference}/calendar.ics", booking_calendar),
        web.post("/api/interests", register_interest),
        web.get("/api/openapi.json", openapi),
    ]
