"""'Ta bort mina uppgifter': erase what a person has proved is theirs.

- A reference code with the contact given with it erases that one record
  (the booking, interest registration or handed-over question the code
  belongs to). A code proves nothing about other records under the same
  contact: anyone can make a record with someone else's phone number.
- Everything stored under a contact is erased only with a one-time code sent
  to that contact (POST /api/erasure/proof, then `proof` with the contact;
  bot/personal_data/proofs.py). Otherwise a counsellor helps.
- A conversation is erased only for the action server, which proves itself
  with the actions token and names the same conversation in its header
  (bot/security.py), or for the browser that holds it: "Radera samtalet" in
  the web chat (POST /chat/erase) sends the id Rasa's socket issued and signed
  (core/session_ids.py), which no one else has. An id alone proves nothing.

The conversation is deleted from Rasa's tracker store a few seconds later:
Rasa saves the tracker at the end of the turn that asked for erasure, after
the action has run, and would otherwise write it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import AsyncIterator, Optional

from aiohttp import web
from sqlalchemy import and_, delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, release_deleted
from bot.db.schema import bookings, interests, tickets
from bot.http import ApiError, content_of, json_object, utc_now
from bot.keys import CONTENT, INTERESTS, MAILER, SETTINGS, SMS, STORE, TICKETS
from bot.mail import MailError
from bot.personal_data import retention
from bot.personal_data.proofs import PROOF_MINUTES, ProofStore
from bot.security import LIMITS, client_address, holds_conversation, lookup_limited, spend
from bot.sms import SmsError
from core.codes import looks_like_code, normalize_code
from core.contact import normalize_contact
from core.session_ids import is_signed

log = logging.getLogger(__name__)

TRACKER = web.AppKey("tracker_engine", AsyncEngine)
PENDING = web.AppKey("pending_erasures", set)
PROOFS = web.AppKey("contact_proofs", ProofStore)


@dataclass
class Erased:
    bookings: int = 0
    interests: int = 0
    tickets: int = 0


async def erase_record(engine: AsyncEngine, reference: str, contact: str) -> Erased:
    """The one record this code belongs to, if the contact given with it matches."""
    counts = []
    async with engine.begin() as conn:
        for table in (bookings, interests, tickets):
            result = await conn.execute(
                delete(table).where(and_(table.c.reference == reference, table.c.contact == contact))
            )
            counts.append(result.rowcount)
    return Erased(*counts)


async def erase_conversation_tickets(engine: AsyncEngine, conversation: str) -> int:
    """Questions handed over from a conversation the person erases: their
    transcripts are copies of it (and one without a contact has no other way out)."""
    async with engine.begin() as conn:
        result = await conn.execute(delete(tickets).where(tickets.c.conversation_id == conversation))
    return result.rowcount


async def erase_contact(app: web.Application, contact: str) -> Erased:
    """Everything stored under a contact that the person has proved is theirs."""
    return Erased(
        await app[STORE].delete_for_contact(contact),
        await app[INTERESTS].delete_for_contact(contact),
        await app[TICKETS].delete_for_contact(contact),
    )


def chat_conversation(request: web.Request, body: dict) -> Optional[str]:
    """The conversation to erase, only when the action server asks for its own one."""
    conversation = str(body.get("conversation_id") or "")[:255]
    if not conversation:
        return None
    if not holds_conversation(request, conversation):
        raise ApiError(403, "api_origin_refused", content_of(request))
    return conversation


async def _erase_conversation_later(engine: AsyncEngine, sender_id: str, delay: float) -> None:
    await asyncio.sleep(delay)
    deleted = await retention.delete_conversation(engine, sender_id)
    await release_deleted(engine)
    log.info("Erasure: deleted a conversation (%s events)", deleted)


@lookup_limited
async def erase(request: web.Request) -> web.Response:
    content = content_of(request)
    body = await json_object(request)
    conversation = chat_conversation(request, body)
    contact = normalize_contact(str(body.get("contact") or ""))
    erased = Erased()
    if body.get("proof") is not None:
        proof = str(body.get("proof"))
        if contact is None or not await request.app[PROOFS].redeem(contact, proof, utc_now()):
            raise ApiError(403, "api_bad_proof", content)
        erased = await erase_contact(request.app, contact)
    elif body.get("reference"):
        code = normalize_code(str(body.get("reference")))
        if looks_like_code(code) and contact:
            erased = await erase_record(request.app[STORE].engine, code, contact)
        if not (erased.bookings or erased.interests or erased.tickets):
            raise ApiError(404, "api_not_found", content)
    if conversation:
        erased.tickets += await erase_conversation_tickets(request.app[STORE].engine, conversation)
    await release_deleted(request.app[STORE].engine)
    tracker = request.app.get(TRACKER)
    if conversation and tracker is not None:
        erase_conversation_later(request, tracker, conversation)
    return web.json_response(
        {
            "bookings": erased.bookings,
            "interests": erased.interests,
            "tickets": erased.tickets,
            "conversation": bool(conversation and tracker),
        }
    )


def erase_conversation_later(request: web.Request, tracker: AsyncEngine, conversation: str) -> None:
    """Deletes the conversation again once a turn still running has saved it."""
    delay = request.app[SETTINGS].erasure_delay_seconds
    task = asyncio.create_task(_erase_conversation_later(tracker, conversation, delay))
    request.app[PENDING].add(task)
    task.add_done_callback(request.app[PENDING].discard)


async def erase_chat(request: web.Request) -> web.Response:
    """ "Radera samtalet": the web chat ends and erases its own conversation at
    once, with the questions handed over from it. A booking or an interest
    registration stays: it has its own code (the chat says so before asking)."""
    content = content_of(request)
    body = await json_object(request)
    conversation = body.get("conversation")
    if not is_signed(conversation, request.app[SETTINGS].session_secret or ""):
        raise ApiError(403, "api_origin_refused", content)
    limits = request.app[LIMITS]
    spend(request, (limits.chat_sender, f"erase:{conversation}"), (limits.chat_client, client_address(request)))
    tickets_erased = await erase_conversation_tickets(request.app[STORE].engine, conversation)
    await release_deleted(request.app[STORE].engine)
    tracker = request.app.get(TRACKER)
    if tracker is not None:
        deleted = await retention.delete_conversation(tracker, conversation)
        await release_deleted(tracker)
        log.info("Erasure: a chat deleted its own conversation (%s events)", deleted)
        erase_conversation_later(request, tracker, conversation)
    return web.json_response(
        {"tickets": tickets_erased, "conversation": tracker is not None}, headers={"Cache-Control": "no-store"}
    )


async def send_proof(request: web.Request) -> web.Response:
    """Send a one-time code to a contact. The answer is the same whether or
    not anything is stored under it."""
    content = content_of(request)
    body = await json_object(request)
    contact = normalize_contact(str(body.get("contact") or ""))
    if contact is None:
        raise ApiError(400, "api_bad_contact", content)
    proofs = request.app[PROOFS]
    limits = request.app[LIMITS]
    spend(request, (limits.proof_contact, proofs.contact_key(contact)), (limits.proof_client, client_address(request)))
    by_mail = "@" in contact
    sender = request.app.get(MAILER) if by_mail else request.app.get(SMS)
    if sender is None:
        raise ApiError(503, "api_proof_unavailable", content)
    code = await proofs.issue(contact, utc_now())
    phrases = request.app[CONTENT].phrases.phrases
    text = phrases["proof_message"].format(code=code, minutes=PROOF_MINUTES, municipality=content.municipality.name)
    try:
        if by_mail:
            await sender.send(contact, phrases["proof_subject"], text)
        else:
            await sender.send(contact, text)
    except (MailError, SmsError) as error:
        log.warning("Could not send a one-time code: %s", error)
        raise ApiError(503, "api_proof_unavailable", content) from None
    return web.json_response({"sent": True, "minutes": PROOF_MINUTES}, status=202)


async def tracker_engine(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].tracker_url
    app[PENDING] = set()
    if url:
        app[TRACKER] = create_engine(url, own_database=False)
    yield
    # An erasure the person asked for is finished, not dropped, when the service stops.
    pending = list(app[PENDING])
    if pending:
        await asyncio.wait(pending, timeout=app[SETTINGS].erasure_delay_seconds + 10)
    for task in pending:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if url:
        await app[TRACKER].dispose()


def routes() -> list:
    return [
        web.post("/api/erasure", erase),
        web.post("/api/erasure/proof", send_proof),
        web.post("/chat/erase", erase_chat),
    ]
