"""Export one person's data when they ask for it (a counsellor does it for them)."""

from __future__ import annotations

import json
import logging
from html import escape

from aiohttp import web

from core.contact import normalize_contact
from bot.dashboard.common import checked_form, csrf_field, page, require_session
from bot.personal_data.export import collect
from bot.accounts.store import Session

log = logging.getLogger(__name__)


def _form(session: Session, message: str = "") -> str:
    notice = f'<p role="alert">{escape(message)}</p>' if message else ""
    return f"""{notice}<p>När en person ber att få se sina uppgifter: skriv personens telefon eller e-post.
Du får en fil med allt som Vårdvägen har sparat med den kontakten.</p>
<form method="post" action="/dashboard/person">{csrf_field(session)}
<label for="contact">Telefon eller e-post</label><input id="contact" name="contact" required maxlength="254">
<p><button type="submit">Ladda ner uppgifterna</button></p></form>"""


async def show(request: web.Request) -> web.Response:
    session = await require_session(request)
    return page("En persons uppgifter", _form(session), session=session)


async def export(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    contact = normalize_contact(str(form.get("contact") or ""))
    if not contact:
        return page("En persons uppgifter", _form(session, "Skriv ett telefonnummer eller en e-post."), 400, session)
    data = await collect(request.app, contact)
    # Who exported how much, never whose data: the log must not hold the contact.
    log.info(
        "Person data exported by %s: %d bookings, %d interests, %d tickets",
        session.user.username, len(data["bookings"]), len(data["interests"]), len(data["tickets"]),
    )
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="uppgifter.json"', "Cache-Control": "no-store"},
    )


def routes() -> list:
    return [web.get("/dashboard/person", show), web.post("/dashboard/person", export)]
