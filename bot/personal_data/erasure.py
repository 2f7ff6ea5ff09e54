"""'Ta bort mina uppgifter': delete one person's bookings, interest
registrations, handed-over questions (tickets) and conversation.

The reference code plus the contact prove it is their data; then everything
stored with that contact goes. The conversation is deleted from Rasa's
tracker store a few seconds later: Rasa saves the tracker at the end of the
turn that asked for erasure, after the action has run, and would otherwise
write it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Set

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.http import ApiError, content_of, json_object
from bot.personal_data import retention
from core.codes import looks_like_code, normalize_code
from core.contact import normalize_contact
from bot.keys import INTERESTS, SETTINGS, STORE, TICKETS
from bot.security import lookup_limited
from bot.db.engine import create_engine

log = logging.getLogger(__name__)

TRACKER = web.AppKey("tracker_engine", AsyncEngine)
PENDING = web.AppKey("pending_erasures", set)


async def _erase_conversation_later(engine: AsyncEngine, sender_id: str, delay: float) -> None:
    await asyncio.sleep(delay)
    deleted = await retention.delete_conversation(engine, sender_id)
    log.info("Erasure: deleted a conversation (%s events)", deleted)


@lookup_limited
async def erase(request: web.Request) -> web.Response:
    content = content_of(request)
    body = await json_object(request)
    bookings_deleted = interests_deleted = tickets_deleted = 0
    reference = body.get("reference")
    if reference:
        code = normalize_code(str(reference))
        contact = normalize_contact(str(body.get("contact") or ""))
        owned = looks_like_code(code) and contact and (
            await request.app[STORE].find(code, contact)
            or await request.app[INTERESTS].find(code, contact)
            or await request.app[TICKETS].find(code, contact)
        )
        if not owned:
            raise ApiError(404, "api_not_found", content)
        bookings_deleted = await request.app[STORE].delete_for_contact(contact)
        interests_deleted = await request.app[INTERESTS].delete_for_contact(contact)
        tickets_deleted = await request.app[TICKETS].delete_for_contact(contact)
    conversation = str(body.get("conversation_id") or "")[:255]
    tracker = request.app.get(TRACKER)
    if conversation and tracker is not None:
        delay = request.app[SETTINGS].erasure_delay_seconds
        task = asyncio.create_task(_erase_conversation_later(tracker, conversation, delay))
        request.app[PENDING].add(task)
        task.add_done_callback(request.app[PENDING].discard)
    return web.json_response(
        {
            "bookings": bookings_deleted,
            "interests": interests_deleted,
            "tickets": tickets_deleted,
            "conversation": bool(conversation and tracker),
        }
    )


async def tracker_engine(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].tracker_url
    app[PENDING] = set()
    if url:
        app[TRACKER] = create_engine(url, own_database=False)
    yield
    for task in list(app[PENDING]):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if url:
        await app[TRACKER].dispose()


def routes() -> list:
    return [web.post("/api/erasure", erase)]
