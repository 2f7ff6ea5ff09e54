"""The counsellors' inbox: questions the bot handed over (tickets).

Any counsellor may take an open question ("Jag tar den"); then only the one
who took it, or an admin, may see, answer or close it. The list has filters
(new, mine, answered, closed), a search and two sort orders. The answer is stored
first; an e-mail is tried after, so a mail problem never loses an answer.
"""

from __future__ import annotations

import logging
from typing import List
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from bot.accounts import audit
from bot.dashboard.answers import summary_lines
from bot.dashboard.common import checked_form, local_time, message_error, require_session
from bot.keys import CONTENT, MAILER, STORE, TICKETS
from bot.mail import FAILED, NO_MAILER, NOT_EMAIL, SENT, send_answer, wants_email
from bot.accounts.store import Session
from bot.tickets.store import (ALL, ANSWERED, CLOSED, FILTERS, INBOX_PAGE, MINE, NEW, NEWEST, OLDEST, OPEN, TAKEN,
                               InboxQuery, Ticket, may_see)
from core.privacy import clean_message

MAX_ANSWER = 4000
STATUS_LABELS = {OPEN: "Ny", TAKEN: "Tagen", ANSWERED: "Besvarad", CLOSED: "Stängd"}
SPEAKERS = {"user": "Personen", "bot": "Boten"}
# The inbox's filters, in the order the page offers them.
FILTER_LABELS = [("", "Alla utom stängda"), (NEW, "Nya"), (MINE, "Mina utan svar"), (ANSWERED, "Besvarade"),
                 (CLOSED, "Stängda"), (ALL, "Alla")]
SORT_LABELS = [(NEWEST, "Nyast först"), (OLDEST, "Äldst först")]
_MAIL_RESULTS = {
    SENT: "Svaret är sparat och skickat med e-post.",
    NO_MAILER: "Svaret är sparat. Det skickades inte med e-post, för e-post är inte inställd.",
    FAILED: "Svaret är sparat. Men e-posten kunde inte skickas. Försök igen senare.",
    NOT_EMAIL: "Svaret är sparat.",
}

log = logging.getLogger(__name__)


def may_handle(session: Session, ticket: Ticket) -> bool:
    """Answer or close: anyone while it is open, then its taker or an admin."""
    if ticket.status == OPEN:
        return True
    return session.user.is_admin or ticket.taken_by == session.user.username


def viewer(session: Session):
    """Whose questions the account sees: None for an admin (all), else its user name."""
    return None if session.user.is_admin else session.user.username


def _when(request: web.Request, moment) -> str:
    return local_time(request.app[CONTENT], moment)


def inbox_rows(request: web.Request, tickets) -> List[dict]:
    return [
        {
            "reference": t.reference,
            "when": _when(request, t.created_at),
            "status": STATUS_LABELS.get(t.status, t.status),
            "taken_by": t.taken_by or "",
            "question": t.question[:80],
        }
        for t in tickets
    ]


def inbox_query(session: Session, params) -> InboxQuery:
    """The filter, search, sorting and page the address asks for (unknown values: the defaults)."""
    show = params.get("show", "")
    if params.get("all") == "1" and not show:
        show = ALL  # the old link "Visa också stängda frågor"
    try:
        page = max(1, min(10_000, int(params.get("page", "1"))))
    except ValueError:
        page = 1
    return InboxQuery(
        username=session.user.username,
        admin=session.user.is_admin,
        show=show if show in FILTERS else "",
        search=str(params.get("q", ""))[:100].strip(),
        sort=OLDEST if params.get("sort") == OLDEST else NEWEST,
        page=page,
        per_page=INBOX_PAGE,
    )


def page_link(query: InboxQuery, page: int) -> str:
    """The address of another page of the same list (the template escapes it)."""
    params = {"show": query.show, "q": query.search, "sort": query.sort if query.sort != NEWEST else "", "page": page}
    return "/dashboard/inbox?" + urlencode({k: v for k, v in params.items() if v})


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    query = inbox_query(session, request.query)
    tickets, total = await request.app[TICKETS].inbox(query=query)
    pages = max(1, -(-total // INBOX_PAGE))
    context = {
        "session": session, "rows": inbox_rows(request, tickets), "page": query.page, "pages": pages, "total": total,
        "query": query, "filters": FILTER_LABELS, "sorts": SORT_LABELS,
        "newer": page_link(query, query.page - 1), "older": page_link(query, query.page + 1),
    }
    return aiohttp_jinja2.render_template("tickets/inbox.html", request, context)


def _mail_status(request: web.Request, ticket: Ticket) -> str:
    """Which sentence about the answer's e-mail the page shows ("" for none)."""
    if ticket.status not in (ANSWERED, CLOSED) or ticket.answer is None:
        return ""
    if not ticket.contact:
        return "no_contact"
    if not wants_email(ticket):
        return "phone"
    if ticket.emailed_at:
        return "emailed"
    if request.app.get(MAILER) is None:
        return "no_mailer"
    return "not_sent"


def ticket_data(request: web.Request, session: Session, ticket: Ticket, message: str = "") -> dict:
    """Everything the ticket page shows, in words (the template escapes it)."""
    handles = may_handle(session, ticket)
    return {
        "session": session,
        "message": message,
        "reference": ticket.reference,
        "facts": [
            ("Status", STATUS_LABELS.get(ticket.status, ticket.status)),
            ("Tagen av", ticket.taken_by or "Ingen ännu"),
            ("Frågad", _when(request, ticket.created_at)),
            ("Kontakt", ticket.contact or "Ingen"),
        ],
        "question": ticket.question,
        "known": summary_lines(request.app[CONTENT], ticket.summary),
        "turns": [(SPEAKERS.get(turn.get("from", ""), ""), turn.get("text", "")) for turn in ticket.transcript],
        "answer": ticket.answer,
        "mail": _mail_status(request, ticket),
        "emailed_at": _when(request, ticket.emailed_at) if ticket.emailed_at else "",
        "may_handle": handles,
        "may_take": ticket.status == OPEN,
        "may_answer": ticket.status in (OPEN, TAKEN) and handles,
        "may_close": ticket.status != CLOSED and handles,
        "max_answer": MAX_ANSWER,
    }


async def _render(
    request: web.Request, session: Session, ticket: Ticket, message: str = "", status: int = 200
) -> web.Response:
    context = ticket_data(request, session, ticket, message)
    context["meetings"] = await meetings_of_chat(request, session, ticket)
    return aiohttp_jinja2.render_template("tickets/ticket.html", request, context, status=status)


async def meetings_of_chat(request: web.Request, session: Session, ticket: Ticket) -> List[dict]:
    """Meetings booked in the same chat that this account may open (its own; an admin's: all)."""
    if not ticket.conversation_key:
        return []
    booked = await request.app[STORE].for_conversation_key(ticket.conversation_key)
    return [{"reference": b.reference, "when": _when(request, b.starts_at)} for b in booked
            if session.user.is_admin or b.counsellor_id == session.user.counsellor_id]


async def _ticket(request: web.Request, session: Session) -> Ticket:
    ticket = await request.app[TICKETS].by_reference(request.match_info["reference"].upper())
    if ticket is None:
        raise message_error(
            web.HTTPNotFound, request, "Frågan finns inte", "Den frågan finns inte. Den kan vara borttagen.", session
        )
    if not may_see(viewer(session), ticket):
        raise _forbidden(request, session)
    return ticket


def _forbidden(request: web.Request, session: Session) -> web.HTTPException:
    text = "En annan vägledare har tagit frågan. Bara den som tog frågan, eller en admin, kan ändra den."
    return message_error(web.HTTPForbidden, request, "Inte din fråga", text, session)


async def show(request: web.Request) -> web.Response:
    session = await require_session(request)
    ticket = await _ticket(request, session)
    await audit.record(request, session, "view_ticket", ticket.reference)
    return await _render(request, session, ticket)


async def _changed(request: web.Request, session: Session, reference: str, message: str) -> web.Response:
    ticket = await request.app[TICKETS].by_reference(reference)
    assert ticket is not None
    return await _render(request, session, ticket, message)


async def _conflict(request: web.Request, session: Session, reference: str) -> web.Response:
    ticket = await request.app[TICKETS].by_reference(reference)
    if ticket is None:
        raise web.HTTPNotFound(text="Den frågan finns inte.")
    return await _render(request, session, ticket, "Någon hann ändra frågan. Här är den nu.", status=409)


async def take(request: web.Request) -> web.Response:
    session, _form = await checked_form(request)
    ticket = await _ticket(request, session)
    if not await request.app[TICKETS].take(ticket, session.user.username):
        return await _conflict(request, session, ticket.reference)
    return await _changed(request, session, ticket.reference, "Du har tagit frågan.")


async def answer(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    ticket = await _ticket(request, session)
    if not may_handle(session, ticket):
        raise _forbidden(request, session)
    # A counsellor may give a phone number; a personnummer or card number is not kept.
    text = clean_message(str(form.get("answer") or ""), contact_expected=True).text.strip()
    if not 1 <= len(text) <= MAX_ANSWER:
        return await _render(request, session, ticket, f"Skriv ett svar. Det får ha högst {MAX_ANSWER} tecken.", 400)
    store = request.app[TICKETS]
    if not await store.answer(ticket, session.user.username, text):
        return await _conflict(request, session, ticket.reference)
    answered = await store.by_reference(ticket.reference)
    assert answered is not None
    result = await send_answer(request.app.get(MAILER), request.app[CONTENT], answered)
    if result == SENT:
        await store.mark_emailed(ticket.reference)
    return await _changed(request, session, ticket.reference, _MAIL_RESULTS[result])


async def resend(request: web.Request) -> web.Response:
    session, _form = await checked_form(request)
    ticket = await _ticket(request, session)
    if not may_handle(session, ticket):
        raise _forbidden(request, session)
    if ticket.answer is None or ticket.emailed_at is not None:
        return await _render(request, session, ticket)
    result = await send_answer(request.app.get(MAILER), request.app[CONTENT], ticket)
    if result == SENT:
        await request.app[TICKETS].mark_emailed(ticket.reference)
    return await _changed(request, session, ticket.reference, _MAIL_RESULTS[result])


async def close(request: web.Request) -> web.Response:
    session, _form = await checked_form(request)
    ticket = await _ticket(request, session)
    if not may_handle(session, ticket):
        raise _forbidden(request, session)
    if not await request.app[TICKETS].close(ticket, session.user.username):
        return await _conflict(request, session, ticket.reference)
    return await _changed(request, session, ticket.reference, "Frågan är stängd.")


async def spam(request: web.Request) -> web.Response:
    session, _form = await checked_form(request)
    ticket = await _ticket(request, session)
    if not may_handle(session, ticket):
        raise _forbidden(request, session)
    await request.app[TICKETS].remove_spam(ticket)
    await audit.record(request, session, "remove_spam", ticket.reference)
    log.info("Inbox: a question was removed as spam")
    raise web.HTTPSeeOther("/dashboard/inbox")


def routes() -> list:
    ref = r"{reference:[A-Za-z0-9]{8}}"
    return [
        web.get("/dashboard/inbox", overview),
        web.get(f"/dashboard/inbox/{ref}", show),
        web.post(f"/dashboard/inbox/{ref}/take", take),
        web.post(f"/dashboard/inbox/{ref}/answer", answer),
        web.post(f"/dashboard/inbox/{ref}/email", resend),
        web.post(f"/dashboard/inbox/{ref}/close", close),
        web.post(f"/dashboard/inbox/{ref}/spam", spam),
    ]
