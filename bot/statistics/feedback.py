"""'Hjälpte svaret? 👍 👎' from the chat: POST /chat/feedback.

The chat sends its (signed) conversation id and the thumb. The topic is the
intent of the conversation's latest message from the person, read from the
tracker store: the chat shows the question only under the latest answer.
Stored: the day, web or tablet, the intent and the thumb; no text, no
conversation id. A thumbs-down also puts the person's message, cleaned, in
the failed questions. One thumb per answer (the latest message) is counted.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Optional
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.schema import failed_messages, feedback
from bot.http import ApiError, content_of, json_object
from bot.keys import SETTINGS, STORE
from bot.personal_data.erasure import TRACKER
from bot.security import LIMITS, client_address, spend
from bot.statistics import failed, tracker
from core.session_ids import is_signed

# Answers already given a thumb, as hashes, in this process (a vote is not counted twice).
SEEN = web.AppKey("feedback_seen", OrderedDict)
SEEN_MAX = 10_000


async def store(engine: AsyncEngine, day, channel: str, intent: str, helpful: bool,
                failed_message: Optional[failed.Failed] = None) -> None:
    """The thumb, and a thumbs-down's question among the failed ones, in one transaction."""
    async with engine.begin() as conn:
        await conn.execute(insert(feedback).values(day=day, channel=channel, intent=intent[:100], helpful=helpful))
        if failed_message is not None:
            await conn.execute(insert(failed_messages), failed.rows(day, [failed_message]))


def _once(request: web.Request, sender: str, at: float) -> bool:
    seen = request.app[SEEN]
    key = hashlib.sha256(f"{sender}\x00{at}".encode()).hexdigest()
    if key in seen:
        return False
    seen[key] = True
    while len(seen) > SEEN_MAX:
        seen.popitem(last=False)
    return True


async def give_feedback(request: web.Request) -> web.Response:
    content = content_of(request)
    body = await json_object(request)
    sender = body.get("conversation")
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        raise ApiError(400, "api_bad_request", content)
    if not is_signed(sender, request.app[SETTINGS].session_secret or ""):
        raise ApiError(403, "api_origin_refused", content)
    limits = request.app[LIMITS]
    spend(request, (limits.chat_sender, f"feedback:{sender}"), (limits.chat_client, client_address(request)))
    engine = request.app.get(TRACKER)
    event = await tracker.last_user_event(engine, sender) if engine is not None else None
    if event is None or not event.intent:
        raise ApiError(404, "api_bad_request", content)  # no message from the person yet
    if _once(request, sender, event.at):
        service = request.app[STORE].engine
        day = datetime.now(timezone.utc).astimezone(ZoneInfo(content.booking.timezone)).date()
        failed_message = None
        if not helpful and failed.typed(event) and failed.cleaned(event.text):
            intent, confidence = failed.best_intent(event)
            failed_message = failed.Failed(failed.cleaned(event.text), intent, confidence, "thumbs_down")
        await store(service, day, "tablet" if event.tablet else "web", event.intent, helpful, failed_message)
    return web.json_response({"ok": True}, headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    app[SEEN] = OrderedDict()


def routes() -> list:
    return [web.post("/chat/feedback", give_feedback)]
