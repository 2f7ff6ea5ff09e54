"""Handing a question from the chat to a counsellor (tickets), and reading the answer.

POST /api/tickets makes a ticket; GET /api/tickets/{reference} shows its
status and answer to whoever has the code (a person may give no contact);
GET /chat/answers lets the web chat show answers in the same conversation.
Personnummer, long numbers (core/privacy.py) and control characters are
removed here again, whatever the caller did.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional

from aiohttp import web

from bot.http import ApiError, content_of, idempotency_key, json_object, known_summary
from bot.tickets import notify
from core.codes import looks_like_code, normalize_code
from bot.chat.relay import SENDER_ID
from core.contact import normalize_contact
from core.content import Content
from bot.keys import ACCOUNTS, MAILER, SETTINGS, TICKETS
from bot.mail import wants_email
from core.session_ids import is_signed
from core.privacy import clean_message, contains_personnummer
from bot.security import LIMITS, client_address, holds_conversation, lookup_limited, spend, spend_creation
from bot.tickets.store import NewTicket, Ticket

MAX_QUESTION = 2000
MAX_TRANSCRIPT_ITEMS = 40
MAX_TRANSCRIPT_TEXT = 1000
SPEAKERS = ("user", "bot")
# Bidirectional overrides can make a text read differently from what it is.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str, *, contact_expected: bool = False) -> str:
    """Without control characters (a line break stays), personnummer and long
    numbers; with `contact_expected`, a phone number stays (core/privacy.py)."""
    kept = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    return clean_message(_BIDI.sub("", kept), contact_expected=contact_expected).text.strip()


def _question(content: Content, raw: Any) -> str:
    if not isinstance(raw, str) or not 1 <= len(raw) <= MAX_QUESTION:
        raise ApiError(400, "api_bad_question", content)
    question = clean_text(raw)
    if not question:
        raise ApiError(400, "api_bad_question", content)
    return question


def _contact(content: Content, raw: Any) -> Optional[str]:
    if raw in (None, ""):
        return None
    contact = normalize_contact(str(raw))
    if contact is None:
        raise ApiError(400, "api_bad_contact", content)
    return contact


def conversation_id(content: Content, raw: Any, required: bool = False) -> Optional[str]:
    """A chat sender id ([A-Za-z0-9_-]{8,64}), or a 400."""
    if raw in (None, "") and not required:
        return None
    if not isinstance(raw, str) or not SENDER_ID.match(raw) or contains_personnummer(raw):
        raise ApiError(400, "api_bad_request", content)
    return raw


def transcript(content: Content, raw: Any) -> List[Dict[str, str]]:
    """The conversation so far: the last 40 turns, each text at most 1000 characters."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ApiError(400, "api_bad_request", content)
    turns = []
    for item in raw[-MAX_TRANSCRIPT_ITEMS:]:
        if not isinstance(item, dict) or item.get("from") not in SPEAKERS or not isinstance(item.get("text"), str):
            raise ApiError(400, "api_bad_request", content)
        # The bot's own turns may give the municipality's phone number.
        text = clean_text(item["text"][: MAX_TRANSCRIPT_TEXT + 20], contact_expected=item["from"] == "bot")
        text = text[:MAX_TRANSCRIPT_TEXT]
        if text:
            turns.append({"from": item["from"], "text": text})
    return turns


async def create_ticket(request: web.Request) -> web.Response:
    content = content_of(request)
    body = await json_object(request)
    conversation = conversation_id(content, body.get("conversation_id"))
    if conversation and not holds_conversation(request, conversation):
        # Only the chat that holds a conversation may hand a question over from it.
        raise ApiError(403, "api_origin_refused", content)
    new = NewTicket(
        question=_question(content, body.get("question")),
        contact=_contact(content, body.get("contact")),
        summary=known_summary(content, body.get("summary")),
        transcript=transcript(content, body.get("transcript")),
        conversation_id=conversation,
        idempotency_key=idempotency_key(request),
    )
    # Only a valid question counts against the maker's limit, not a typo.
    spend_creation(request, "ticket")
    ticket, made = await request.app[TICKETS].create(new)
    if made:
        notify.new_ticket(request.app, ticket.reference)
    email = wants_email(ticket) and request.app.get(MAILER) is not None
    return web.json_response(
        {"reference": ticket.reference, "status": ticket.status, "email": email}, status=201 if made else 200
    )


def ticket_json(ticket: Ticket, answered_by: Optional[str] = None) -> Dict[str, Any]:
    return {
        "reference": ticket.reference,
        "status": ticket.status,
        "question": ticket.question,
        "answer": ticket.answer,
        "answered_at": ticket.answered_at.isoformat() if ticket.answered_at else None,
        "answered_by": answered_by if ticket.answer else None,
    }


async def answered_by(request: web.Request, ticket: Ticket) -> str:
    """ "Svar från Lina, studie- och yrkesvägledare": the first name and title of
    the counsellor who answered; an admin or a removed counsellor is "en vägledare"."""
    content = content_of(request)
    phrases = content.phrases.phrases
    counsellor_id = await request.app[ACCOUNTS].counsellor_of(ticket.taken_by) if ticket.taken_by else None
    counsellor = next((c for c in content.booking.counsellors if c.id == counsellor_id), None)
    if counsellor is None:
        return phrases["answer_from_anyone"]
    first_name = counsellor.name.split()[0]
    return phrases["answer_from"].format(name=first_name, title=counsellor.title or phrases["counsellor_title"])


@lookup_limited
async def get_ticket(request: web.Request) -> web.Response:
    content = content_of(request)
    code = normalize_code(request.match_info["reference"])
    ticket = await request.app[TICKETS].by_reference(code) if looks_like_code(code) else None
    if ticket is None:
        raise ApiError(404, "api_ticket_not_found", content)
    return web.json_response(ticket_json(ticket, await answered_by(request, ticket)), headers={"Cache-Control": "no-store"})


async def chat_answers(request: web.Request) -> web.Response:
    content = content_of(request)
    sender = conversation_id(content, request.query.get("conversation"), required=True)
    if not is_signed(sender, request.app[SETTINGS].session_secret or ""):
        # Only the browser that was given this session id (signed by Rasa's socket) reads its answers.
        raise ApiError(403, "api_origin_refused", content)
    limits = request.app[LIMITS]
    spend(request, (limits.answers_conversation, sender or ""), (limits.answers_client, client_address(request)))
    answered = await request.app[TICKETS].answered_in_conversation(sender or "")
    return web.json_response(
        {"answers": [{"reference": t.reference, "question": t.question, "answer": t.answer,
                      "answered_by": await answered_by(request, t)} for t in answered]},
        headers={"Cache-Control": "no-store"},
    )


def routes() -> list:
    return [
        web.post("/api/tickets", create_ticket),
        web.get("/api/tickets/{reference}", get_ticket),
        web.get("/chat/answers", chat_answers),
    ]
