"""Helpers every JSON API route uses: errors with a Swedish message, the
JSON body, the caller's idempotency key and the fields a person gives."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

from aiohttp import web
from yarl import URL

from bot.keys import CONTENT, SETTINGS
from bot.security import chat_conversation
from core.contact import normalize_contact
from core.content import Content
from core.content.model import ANSWER_SCALES
from core.privacy import contains_personnummer

_AGE = re.compile(r"[0-9]{1,3}")
# Times a person can book or a counsellor can block: far enough for any real
# use, near enough that converting between zones never overflows.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
_NAME = re.compile(r"^[^\W\d_][^\W\d_ '\-]*(?:[ '\-][^\W\d_]+)*$")


class ApiError(web.HTTPException):
    def __init__(self, status: int, key: str, content: Content, **extra: Any) -> None:
        self.status_code = status
        super().__init__(
            text=web.json_response({"error": key, "message": content.phrases.phrases[key], **extra}).text,
            content_type="application/json",
        )


def content_of(request: web.Request) -> Content:
    return request.app[CONTENT]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


async def json_object(request: web.Request) -> Dict[str, Any]:
    """The request body as a JSON object, or a 4xx with a Swedish message."""
    if request.content_type != "application/json":
        raise ApiError(415, "api_bad_content_type", content_of(request))
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "api_bad_request", content_of(request))
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
    """The caller's key for a retried request. It is stored, so it may hold no
    personnummer. Keys are kept apart per caller: the action server's keys live
    in the conversation it names (with its token), everyone else's in one
    public space. So a key rebuilt from what another person's chat sent can
    never return that person's booking."""
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
    if not key:
        return None
    if contains_personnummer(key) or not key.isprintable():
        raise ApiError(400, "api_bad_request", content_of(request))
    conversation = chat_conversation(request)
    scope = f"chat:{conversation}" if conversation else "api"
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def walkthrough_answers(content: Content, raw: Any) -> Dict[str, str]:
    """Only known answers with known values are kept (nothing free-form)."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ApiError(400, "api_bad_request", content)
    kept: Dict[str, str] = {}
    for key in ANSWER_SCALES:
        value = raw.get(key)
        if value is not None:
            if not isinstance(value, str) or value not in {lvl.id for lvl in content.levels.scale(key)}:
                raise ApiError(400, "api_bad_request", content)
            kept[key] = value
    age = raw.get("age")
    if age is not None:
        # Only ASCII digits: str.isdigit() also takes '²', which int() refuses.
        if not _AGE.fullmatch(str(age)) or not 13 <= int(age) <= 110:
            raise ApiError(400, "api_bad_request", content)
        kept["age"] = str(int(age))
    return kept


def known_summary(content: Content, raw: Any) -> Dict[str, str]:
    """What the bot knew (a question's summary, a booking's answers). Only
    known keys with known values are kept; anything else is left out (a
    question or booking is never refused for it)."""
    if not isinstance(raw, dict):
        return {}
    kept: Dict[str, str] = {}
    for key in ("sfi_level", "education", "experience", "age"):
        try:
            kept.update(walkthrough_answers(content, {key: raw.get(key)}))
        except ApiError:
            pass
    known = {
        "track": {t.id for t in content.tracks.tracks},
        "profession": {p.id for p in content.professions.professions},
    }
    for key, allowed in known.items():
        if isinstance(raw.get(key), str) and raw[key] in allowed:
            kept[key] = raw[key]
    return kept


def aware_datetime(value: Any, content: Content, key: str = "api_bad_time") -> datetime:
    """An ISO time with a zone, within EARLIEST_YEAR..LATEST_YEAR, or a 400."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ApiError(400, key, content) from None
    if moment.tzinfo is None or not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ApiError(400, key, content)
    return moment


def public_link(request: web.Request, path: str, **query: str) -> str:
    """A link to this service for a person or an e-mail: built from
    VARDVAGEN_PUBLIC_URL (or the address the service listens on), never from
    the request's Host header, which the sender chooses."""
    base = URL(request.app[SETTINGS].public_base_url)
    link = base.with_path(base.path.rstrip("/") + path)
    return str(link.with_query(query) if query else link)
