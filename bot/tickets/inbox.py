"""The counsellors' inbox: questions the bot handed over (tickets).

Any counsellor may take an open question ("Jag tar den"); then only the one
who took it, or an admin, may answer or close it. The answer is stored
first; an e-mail is tried after, so a mail problem never loses an answer.
"""

from __future__ import annotations

from html import escape
from typing import List
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.dashboard.common import checked_form, csrf_field, page, require_session
from bot.keys import CONTENT, MAILER, TICKETS
from bot.mail import FAILED, NO_MAILER, NOT_EMAIL, SENT, send_answer, wants_email
from bot.accounts.store import Session
from bot.tickets.store import ANSWERED, CLOSED, OPEN, TAKEN, Ticket

MAX_ANSWER = 4000
STATUS_LABELS = {OPEN: "Ny", TAKEN: "Tagen", ANSWERED: "Besvarad", CLOSED: "Stängd"}
SPEAKERS = {"user": "Personen", "bot": "Boten"}
_SUMMARY_SCALES = [
    ("sfi_level", "Svenska"),
    ("education", "Utbildning"),
    ("experience", "Erfarenhet"),
]
_MAIL_RESULTS = {
    SENT: "Svaret är sparat och skickat med e-post.",
    NO_MAILER: "Svaret är sparat. Det skickades inte med e-post, för e-post är inte inställd.",
    FAILED: "Svaret är sparat. Men e-posten kunde inte skickas. Försök igen senare.",
    NOT_EMAIL: "Svaret är sparat.",
}


def may_handle(session: Session, ticket: Ticket) -> bool:
    """Answer or close: anyone while it is open, then its taker or an admin."""
    if ticket.status == OPEN:
        return True
    return session.user.is_admin or ticket.taken_by == session.user.username


def _when(request: web.Request, moment) -> str:
    tz = ZoneInfo(request.app[CONTENT].booking.timezone)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def summary_lines(content, summary: dict) -> List[str]:
    """What the bot knew, in words (labels from content, never bare ids)."""
    lines = []
    track = next((t for t in content.tracks.tracks if t.id == summary.get("track")), None)
    if track:
        lines.append(f"Jobbspår: {track.name}")
    profession = next((p for p in content.professions.professions if p.id == summary.get("profession")), None)
    if profession:
        lines.append(f"Yrke: {profession.name}")
    for key, title in _SUMMARY_SCALES:
        level = next((lvl for lvl in content.levels.scale(key) if lvl.id == summary.get(key)), None)
        if level:
            lines.append(f"{title}: {level.label}")
    if summary.get("age"):
        lines.append(f"Ålder: {summary['age']} år")
    return lines


async def overview(request: web.Request) -> web.Response:
    session = await require_session(request)
    show_all = request.query.get("all") == "1"
    tickets = await request.app[TICKETS].inbox(include_closed=show_all)
    rows = "".join(
        f'<tr><td><a href="/dashboard/inbox/{escape(t.reference)}">{escape(t.reference)}</a></td>'
        f"<td>{escape(_when(request, t.created_at))}</td><td>{escape(STATUS_LABELS.get(t.status, t.status))}</td>"
        f"<td>{escape(t.taken_by or '')}</td><td>{escape(t.question[:80])}</td></tr>"
        for t in tickets
    )
    table = (
        "<table><thead><tr><th>Kod</th><th>Datum</th><th>Status</th><th>Tagen av</th><th>Fråga</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>" if tickets else "<p>Inga frågor.</p>"
    )
    toggle = (
        '<p><a href="/dashboard/inbox">Visa inte stängda frågor</a></p>' if show_all
        else '<p><a href="/dashboard/inbox?all=1">Visa också stängda frågor</a></p>'
    )
    return page("Frågor från chatten", table + toggle, session=session)


def _mail_status(request: web.Request, ticket: Ticket, session: Session) -> str:
    if ticket.status not in (ANSWERED, CLOSED) or ticket.answer is None:
        return ""
    if not ticket.contact:
        return "<p>Personen gav ingen kontakt. Personen ser svaret i chatten med koden.</p>"
    if not wants_email(ticket):
        return "<p>Personen gav ett telefonnummer. Ring om du vill säga mer.</p>"
    if ticket.emailed_at:
        return f"<p>Svaret skickades med e-post {escape(_when(request, ticket.emailed_at))}.</p>"
    if request.app.get(MAILER) is None:
        return "<p>Svaret skickades inte med e-post, för e-post är inte inställd.</p>"
    retry = ""
    if may_handle(session, ticket):
        retry = (
            f'<form method="post" action="/dashboard/inbox/{escape(ticket.reference)}/email">{csrf_field(session)}'
            '<button type="submit">Skicka e-posten igen</button></form>'
        )
    return f"<p>Svaret har inte skickats med e-post.</p>{retry}"


def _forms(ticket: Ticket, session: Session) -> str:
    action = f"/dashboard/inbox/{escape(ticket.reference)}"
    forms = ""
    if ticket.status == OPEN:
        forms += f'<form method="post" action="{action}/take">{csrf_field(session)}<button type="submit">Jag tar den</button></form>'
    if ticket.status in (OPEN, TAKEN) and may_handle(session, ticket):
        forms += f"""<h2>Svara</h2><form method="post" action="{action}/answer">{csrf_field(session)}
<label for="answer">Ditt svar. Skriv kort och enkelt. Använd du.</label>
<textarea id="answer" name="answer" rows="8" cols="70" required maxlength="{MAX_ANSWER}"></textarea>
<p><button type="submit">Skicka svaret</button></p></form>"""
    if ticket.status != CLOSED and may_handle(session, ticket):
        forms += f'<form method="post" action="{action}/close">{csrf_field(session)}<button type="submit">Stäng frågan</button></form>'
    return forms


async def _render(
    request: web.Request, session: Session, ticket: Ticket, message: str = "", status: int = 200
) -> web.Response:
    content = request.app[CONTENT]
    notice = f'<p role="status">{escape(message)}</p>' if message else ""
    facts = [
        ("Status", STATUS_LABELS.get(ticket.status, ticket.status)),
        ("Tagen av", ticket.taken_by or "Ingen ännu"),
        ("Frågad", _when(request, ticket.created_at)),
        ("Kontakt", ticket.contact or "Ingen"),
    ]
    facts_html = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    known = summary_lines(content, ticket.summary)
    known_html = (
        "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in known) + "</ul>" if known
        else "<p>Boten visste inget mer om personen.</p>"
    )
    turns = "".join(
        f"<li><strong>{escape(SPEAKERS.get(turn.get('from', ''), ''))}:</strong> {escape(turn.get('text', ''))}</li>"
        for turn in ticket.transcript
    )
    transcript = f"<ol>{turns}</ol>" if turns else "<p>Inget samtal skickades med.</p>"
    answer = ""
    if ticket.answer is not None:
        answer = f'<h2>Svar</h2><p class="pre">{escape(ticket.answer)}</p>'
    body = (
        f"{notice}<dl>{facts_html}</dl><h2>Frågan</h2>"
        f'<p class="pre">{escape(ticket.question)}</p>'
        f"<h2>Det här visste boten</h2>{known_html}<h2>Samtalet</h2>{transcript}"
        f"{answer}{_mail_status(request, ticket, session)}{_forms(ticket, session)}"
        '<p><a href="/dashboard/inbox">Alla frågor</a></p>'
    )
    return page(f"Fråga {ticket.reference}", body, status=status, session=session)


async def _ticket(request: web.Request, session: Session) -> Ticket:
    ticket = await request.app[TICKETS].by_reference(request.match_info["reference"].upper())
    if ticket is None:
        raise web.HTTPNotFound(
            text=page("Frågan finns inte", "<p>Den frågan finns inte. Den kan vara borttagen.</p>", 404, session).text,
            content_type="text/html",
        )
    return ticket


def _forbidden(session: Session) -> web.HTTPForbidden:
    body = "<p>En annan vägledare har tagit frågan. Bara den som tog frågan, eller en admin, kan ändra den.</p>"
    return web.HTTPForbidden(text=page("Inte din fråga", body, 403, session).text, content_type="text/html")


async def show(request: web.Request) -> web.Response:
    session = await require_session(request)
    return await _render(request, session, await _ticket(request, session))


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
        raise _forbidden(session)
    text = str(form.get("answer") or "").strip()
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
        raise _forbidden(session)
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
        raise _forbidden(session)
    if not await request.app[TICKETS].close(ticket, session.user.username):
        return await _conflict(request, session, ticket.reference)
    return await _changed(request, session, ticket.reference, "Frågan är stängd.")


def routes() -> list:
    ref = r"{reference:[A-Za-z0-9]{8}}"
    return [
        web.get("/dashboard/inbox", overview),
        web.get(f"/dashboard/inbox/{ref}", show),
        web.post(f"/dashboard/inbox/{ref}/take", take),
        web.post(f"/dashboard/inbox/{ref}/answer", answer),
        web.post(f"/dashboard/inbox/{ref}/email", resend),
        web.post(f"/dashboard/inbox/{ref}/close", close),
    ]
