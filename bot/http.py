"""Helpers every JSON API route uses: errors with a Swedish message, the
JSON body, the caller's idempotency key and the fields a person gives."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

from aiohttp import web

from bot.keys import CONTENT
from core.contact import normalize_contact
from core.content import Content
from core.content.model import ANSWER_SCALES
from core.privacy import contains_personnummer

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
    """The caller's key for a retried request. It is stored, so it may hold no personnummer."""
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
    if not key:
        return None
    if contains_personnummer(key) or not key.isprintable():
        raise ApiError(400, "api_bad_request", content_of(request))
    return key


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
        if not str(age).isdigit() or not 13 <= int(age) <= 110:
            raise ApiError(400, "api_bad_request", content)
        kept["age"] = str(int(age))
    return kept


